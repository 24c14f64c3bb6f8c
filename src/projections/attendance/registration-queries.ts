import type pg from 'pg';
import { DomainError } from '../../domain/domain-error.js';
import { LIVE_ACCOUNTS } from '../accounts/tables.js';
import { type Page, type PageArgs, decodeCursor, escapeLike, pageSize, paged } from '../pages.js';
import { LIVE } from './tables.js';

/** Named queries on registrations and the tickets of confirmed ones. */

type Queryable = pg.Pool | pg.PoolClient;

interface RegistrationRow {
  registration_id: string;
  event_id: string;
  attendee_id: string | null;
  status: string;
  ticket_version: number;
  registered_position: string;
  registered_at: Date;
  name: string | null;
  email: string | null;
}

export interface RegistrationView {
  registrationId: string;
  eventId: string;
  attendeeId: string | null;
  attendeeName: string | null;
  attendeeEmail: string | null;
  status: string;
  ticketVersion: number;
  registeredAt: string;
}

const registrationPage = (rows: RegistrationRow[], size: number): Page<RegistrationView> =>
  paged(rows, size, (row) => row.registered_position, (row) => ({
    registrationId: row.registration_id,
    eventId: row.event_id,
    attendeeId: row.attendee_id,
    attendeeName: row.name,
    attendeeEmail: row.email,
    status: row.status,
    ticketVersion: row.ticket_version,
    registeredAt: row.registered_at.toISOString(),
  }));

export interface RegistrationFilter extends PageArgs {
  eventId: string;
  status?: string | null;
  /** Part of the attendee's name or email, matched literally. */
  search?: string | null;
}

/** Pages without `first`; the schema declares them as the defaults, which the query cost rule prices. */
export const REGISTRATIONS_PAGE = 50;
export const MY_REGISTRATIONS_PAGE = 20;

/** An event's registrations with their attendees' names and addresses, in the order they registered. */
export const eventRegistrations = async (db: Queryable, filter: RegistrationFilter): Promise<Page<RegistrationView>> => {
  if (filter.search != null && filter.search.length > 200) throw new DomainError('VALIDATION', 'search is at most 200 characters');
  const size = pageSize(filter.first, REGISTRATIONS_PAGE);
  const { rows } = await db.query<RegistrationRow>(
    `SELECT r.*, a.name, a.email FROM ${LIVE}.registrations r
       LEFT JOIN ${LIVE_ACCOUNTS} a ON a.account_id = r.attendee_id
      WHERE r.event_id = $1 AND ($2::text IS NULL OR r.status = $2)
        AND ($3::text IS NULL OR a.name ILIKE '%' || $3 || '%' OR a.email ILIKE '%' || $3 || '%')
        AND ($4::bigint IS NULL OR r.registered_position > $4)
      ORDER BY r.registered_position LIMIT $5`,
    [filter.eventId, filter.status ?? null, filter.search ? escapeLike(filter.search) : null, decodeCursor(filter.after), size + 1],
  );
  return registrationPage(rows, size);
};

/** An attendee's own registrations, across events. */
export const attendeeRegistrations = async (db: Queryable, attendeeId: string, page: PageArgs): Promise<Page<RegistrationView>> => {
  const size = pageSize(page.first, MY_REGISTRATIONS_PAGE);
  const { rows } = await db.query<RegistrationRow>(
    `SELECT r.*, a.name, a.email FROM ${LIVE}.registrations r
       LEFT JOIN ${LIVE_ACCOUNTS} a ON a.account_id = r.attendee_id
      WHERE r.attendee_id = $1 AND ($2::bigint IS NULL OR r.registered_position > $2)
      ORDER BY r.registered_position LIMIT $3`,
    [attendeeId, decodeCursor(page.after), size + 1],
  );
  return registrationPage(rows, size);
};

export interface TicketRegistration {
  eventId: string;
  registrationId: string;
  /** Null where the log holds an attendee id the read model cannot store. */
  attendeeId: string | null;
  status: string;
  ticketVersion: number;
  eventStatus: string;
}

/** A registration with its ticket's version and its event's status; undefined when the read model does not have it. */
export const ticketRegistration = async (db: Queryable, eventId: string, registrationId: string): Promise<TicketRegistration | undefined> =>
  (await ticketRegistrations(db, [{ eventId, registrationId }]))[0];

/**
 * {@link ticketRegistration} for many at once, in their order: a sell-out confirms thousands
 * in a few seconds, and a query each cost the database more than their rows.
 */
export const ticketRegistrations = async (
  db: Queryable,
  keys: readonly { eventId: string; registrationId: string }[],
): Promise<(TicketRegistration | undefined)[]> => {
  if (keys.length === 0) return [];
  const { rows } = await db.query(
    `SELECT k.entry, r.event_id, r.registration_id, r.attendee_id, r.status, r.ticket_version, e.status AS event_status
       FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS k(event_id, registration_id, entry)
       JOIN ${LIVE}.registrations r USING (event_id, registration_id)
       JOIN ${LIVE}.events e ON e.event_id = r.event_id`,
    [keys.map((key) => key.eventId), keys.map((key) => key.registrationId)],
  );
  const found: (TicketRegistration | undefined)[] = new Array(keys.length).fill(undefined);
  for (const row of rows)
    found[Number(row.entry) - 1] = {
      eventId: row.event_id,
      registrationId: row.registration_id,
      attendeeId: row.attendee_id,
      status: row.status,
      ticketVersion: row.ticket_version,
      eventStatus: row.event_status,
    };
  return found;
};

/** What a ticket's mail says, and whom it goes to; null where the log holds a value the read models could not store. */
export interface TicketMailing {
  status: string;
  ticketVersion: number;
  title: string | null;
  venue: string | null;
  timeZone: string | null;
  firstSession: Date | null;
  email: string | null;
  name: string | null;
  /** Null when the accounts read model does not have the attendee (yet). */
  accountStatus: string | null;
}

/** A registration with its event, its first session and its attendee's account; undefined when the read model does not have it. */
export const ticketMailing = async (db: Queryable, eventId: string, registrationId: string): Promise<TicketMailing | undefined> => {
  const { rows } = await db.query(
    `SELECT r.status, r.ticket_version, e.title, e.venue, e.time_zone, a.email, a.name, a.status AS account_status,
            (SELECT min(s.starts_at) FROM ${LIVE}.sessions s WHERE s.event_id = r.event_id) AS first_session
       FROM ${LIVE}.registrations r
       JOIN ${LIVE}.events e ON e.event_id = r.event_id
       LEFT JOIN ${LIVE_ACCOUNTS} a ON a.account_id = r.attendee_id
      WHERE r.event_id = $1 AND r.registration_id = $2`,
    [eventId, registrationId],
  );
  const row = rows[0];
  return row
    ? {
        status: row.status,
        ticketVersion: row.ticket_version,
        title: row.title,
        venue: row.venue,
        timeZone: row.time_zone,
        firstSession: row.first_session,
        email: row.email,
        name: row.name,
        accountStatus: row.account_status,
      }
    : undefined;
};
