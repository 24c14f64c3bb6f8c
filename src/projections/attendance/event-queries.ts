import type pg from 'pg';
import { type Page, type PageArgs, type Viewer, decodeCursor, pageSize, paged } from '../pages.js';
import { LIVE } from './tables.js';

/** Named queries on events, their sessions and staff. */

type Queryable = pg.Pool | pg.PoolClient;

/** Null where the log holds a value the projection could not store. */
interface EventRow {
  event_id: string;
  organizer_id: string | null;
  title: string | null;
  description: string | null;
  venue: string | null;
  time_zone: string | null;
  status: string;
  capacity: number | null;
  requires_approval: boolean | null;
  face_verification: string | null;
  registration_opens_at: Date | null;
  registration_closes_at: Date | null;
  confirmed: number;
  pending: number;
  waitlisted: number;
  created_position: string;
}

const eventView = (row: EventRow) => ({
  eventId: row.event_id,
  organizerId: row.organizer_id,
  title: row.title,
  description: row.description,
  venue: row.venue,
  timeZone: row.time_zone,
  status: row.status,
  capacity: row.capacity,
  requiresApproval: row.requires_approval,
  faceVerification: row.face_verification,
  registrationOpensAt: row.registration_opens_at?.toISOString() ?? null,
  registrationClosesAt: row.registration_closes_at?.toISOString() ?? null,
  counts: { confirmed: row.confirmed, pending: row.pending, waitlisted: row.waitlisted },
});

export type EventView = ReturnType<typeof eventView>;

/** What an anonymous viewer matches: nobody's account, no admin. */
const viewing = (viewer: Viewer | undefined): [string, boolean] => [viewer?.accountId ?? '', viewer?.admin ?? false];

/** An event as `viewer` may see it: published ones for everyone, drafts and cancelled ones for their organizer and admins. */
export const visibleEvent = async (db: Queryable, eventId: string, viewer: Viewer | undefined): Promise<EventView | null> => {
  const { rows } = await db.query<EventRow>(
    `SELECT * FROM ${LIVE}.events e WHERE e.event_id = $1 AND (e.status = 'published' OR e.organizer_id = $2 OR $3)`,
    [eventId, ...viewing(viewer)],
  );
  return rows[0] ? eventView(rows[0]) : null;
};

/** A page of events without `first`; the schema declares it as the default, which the query cost rule prices. */
export const EVENTS_PAGE = 20;

/** The events `viewer` may see, in the order they were created. */
export const visibleEvents = async (db: Queryable, viewer: Viewer | undefined, page: PageArgs): Promise<Page<EventView>> => {
  const size = pageSize(page.first, EVENTS_PAGE);
  const { rows } = await db.query<EventRow>(
    `SELECT * FROM ${LIVE}.events e
      WHERE (e.status = 'published' OR e.organizer_id = $3 OR $4) AND ($1::bigint IS NULL OR e.created_position > $1)
      ORDER BY e.created_position LIMIT $2`,
    [decodeCursor(page.after), size + 1, ...viewing(viewer)],
  );
  return paged(rows, size, (row) => row.created_position, eventView);
};

export interface SessionView {
  sessionId: string;
  startsAt: string | null;
  endsAt: string | null;
  checkInOpensAt: string | null;
  checkInClosesAt: string | null;
  checkedIn: number;
}

/** The sessions of several events at once (for the GraphQL loader), by event, in start order. */
export const sessionsOf = async (db: Queryable, eventIds: readonly string[]): Promise<Map<string, SessionView[]>> => {
  const { rows } = await db.query(
    `SELECT event_id, session_id, starts_at, ends_at, check_in_opens_at, check_in_closes_at, checked_in
       FROM ${LIVE}.sessions WHERE event_id = ANY ($1::uuid[]) ORDER BY starts_at, session_id`,
    [eventIds],
  );
  const byEvent = new Map<string, SessionView[]>();
  for (const row of rows)
    byEvent.set(row.event_id, [
      ...(byEvent.get(row.event_id) ?? []),
      {
        sessionId: row.session_id,
        startsAt: row.starts_at?.toISOString() ?? null,
        endsAt: row.ends_at?.toISOString() ?? null,
        checkInOpensAt: row.check_in_opens_at?.toISOString() ?? null,
        checkInClosesAt: row.check_in_closes_at?.toISOString() ?? null,
        checkedIn: row.checked_in,
      },
    ]);
  return byEvent;
};

/**
 * Whether the account organizes the event or is on its staff: who may see its registrations
 * and door log. Undefined for an event the read model does not have.
 */
export const isOnEventTeam = async (db: Queryable, eventId: string, accountId: string): Promise<boolean | undefined> => {
  const { rows } = await db.query<{ on_team: boolean }>(
    `SELECT e.organizer_id IS NOT DISTINCT FROM $2
         OR EXISTS (SELECT 1 FROM ${LIVE}.staff s WHERE s.event_id = e.event_id AND s.staff_id = $2) AS on_team
       FROM ${LIVE}.events e WHERE e.event_id = $1`,
    [eventId, accountId],
  );
  return rows[0]?.on_team;
};

/** The event's organizer; undefined for an event the read model does not have, null for one whose organizer it could not store. */
export const organizerOf = async (db: Queryable, eventId: string): Promise<string | null | undefined> => {
  const { rows } = await db.query<{ organizer_id: string | null }>(`SELECT organizer_id FROM ${LIVE}.events WHERE event_id = $1`, [eventId]);
  return rows[0] ? rows[0].organizer_id : undefined;
};

/** How many are checked in at a session of an event, against the event's confirmed registrations; undefined for no such session. */
export const sessionAttendance = async (db: Queryable, eventId: string, sessionId: string): Promise<{ checkedIn: number; confirmed: number } | undefined> => {
  const { rows } = await db.query<{ checked_in: number; confirmed: number }>(
    `SELECT s.checked_in, e.confirmed FROM ${LIVE}.sessions s
       JOIN ${LIVE}.events e ON e.event_id = s.event_id WHERE s.session_id = $1 AND s.event_id = $2`,
    [sessionId, eventId],
  );
  return rows[0] ? { checkedIn: rows[0].checked_in, confirmed: rows[0].confirmed } : undefined;
};

/** An event's counts with each session's check-ins, as a door dashboard shows them. */
export interface EventCounts {
  eventId: string;
  confirmed: number;
  pending: number;
  waitlisted: number;
  sessions: { sessionId: string; checkedIn: number }[];
}

/**
 * The counts of every event (or of `eventId` alone) whose counts, or a session's check-ins,
 * changed after commit position `from` and up to `to`: what the live feed publishes, and what
 * a dashboard resuming after `from` missed.
 */
export const countsChangedBetween = async (db: Queryable, from: bigint, to: bigint, eventId?: string): Promise<EventCounts[]> => {
  const { rows } = await db.query<{ event_id: string; confirmed: number; pending: number; waitlisted: number; sessions: EventCounts['sessions'] }>(
    `SELECT e.event_id, e.confirmed, e.pending, e.waitlisted,
            coalesce(json_agg(json_build_object('sessionId', x.session_id, 'checkedIn', x.checked_in)
              ORDER BY x.starts_at, x.session_id) FILTER (WHERE x.session_id IS NOT NULL), '[]') AS sessions
       FROM ${LIVE}.events e LEFT JOIN ${LIVE}.sessions x ON x.event_id = e.event_id
      WHERE e.event_id IN (SELECT event_id FROM ${LIVE}.events WHERE updated_position > $1 AND updated_position <= $2
                     UNION SELECT event_id FROM ${LIVE}.sessions WHERE updated_position > $1 AND updated_position <= $2)
        AND ($3::uuid IS NULL OR e.event_id = $3)
      GROUP BY e.event_id`,
    [from.toString(), to.toString(), eventId ?? null],
  );
  return rows.map((row) => ({ eventId: row.event_id, confirmed: row.confirmed, pending: row.pending, waitlisted: row.waitlisted, sessions: row.sessions }));
};
