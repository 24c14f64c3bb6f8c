import type pg from 'pg';
import type { Actor } from '../domain/actor.js';
import { hasRole } from '../domain/actor.js';
import { parseTicketId } from '../commands/tickets/ticket-codes.js';
import type { TicketClaims } from '../domain/check-in/business-logic.js';
import { DomainError } from '../domain/domain-error.js';
import { formatPosition } from '../eventstore/position.js';

/**
 * Queries over the read models (never the event store). Each takes the caller and checks
 * what they may see; lists are cursor-paginated on a stable, unique sort key.
 */

const MAX_PAGE = 100;

export interface Page<T> {
  nodes: T[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

const MAX_BIGINT = 2n ** 63n - 1n;

const encodeCursor = (key: string): string => Buffer.from(key).toString('base64url');

const decodeCursor = (cursor: string | null | undefined): string | null => {
  if (cursor == null) return null;
  const key = Buffer.from(cursor, 'base64url').toString();
  // Its numbers are positions, which PostgreSQL keeps as bigint: anything larger was never one.
  if (!/^\d{1,19}(\/\d{1,19})?$/.test(key) || key.split('/').some((n) => BigInt(n) > MAX_BIGINT))
    throw new DomainError('VALIDATION', 'after: this cursor was not made by this API');
  return key;
};

const pageSize = (first: number | null | undefined, fallback: number): number => {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw new DomainError('VALIDATION', `first must be from 1 to ${MAX_PAGE}`);
  return size;
};

/** Reads one row more than asked, to know whether another page follows. */
const paged = <Row, T>(rows: Row[], size: number, keyOf: (row: Row) => string, toNode: (row: Row) => T): Page<T> => {
  const nodes = rows.slice(0, size);
  const last = nodes.at(-1);
  return { nodes: nodes.map(toNode), pageInfo: { endCursor: last ? encodeCursor(keyOf(last)) : null, hasNextPage: rows.length > size } };
};

/** The caller's account id and whether they are an admin, as query parameters. */
const viewer = (actor: Actor | undefined): [string, boolean] => [actor?.accountId ?? '', actor ? hasRole(actor, 'admin') : false];

export const requireActor = (actor: Actor | undefined): Actor => {
  if (!actor) throw new DomainError('UNAUTHENTICATED', 'Log in first: this needs a valid access token');
  return actor;
};

export const requireAdmin = (actor: Actor | undefined): Actor => {
  const caller = requireActor(actor);
  if (!hasRole(caller, 'admin')) throw new DomainError('FORBIDDEN', 'Only admins can see this');
  return caller;
};

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

const eventNode = (row: EventRow) => ({
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

export class ReadModels {
  constructor(
    private readonly pool: pg.Pool,
    private readonly schemas: { attendance: string; accounts: string; audit: string },
  ) {}

  /** Published events for everyone; drafts and cancelled ones for their organizer and admins. */
  async event(actor: Actor | undefined, eventId: string) {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT * FROM ${this.schemas.attendance}.events e WHERE e.event_id = $1 AND (e.status = 'published' OR e.organizer_id = $2 OR $3)`,
      [eventId, ...viewer(actor)],
    );
    return rows[0] ? eventNode(rows[0]) : null;
  }

  async events(actor: Actor | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Page<ReturnType<typeof eventNode>>> {
    const size = pageSize(first, 20);
    const { rows } = await this.pool.query<EventRow>(
      `SELECT * FROM ${this.schemas.attendance}.events e
        WHERE (e.status = 'published' OR e.organizer_id = $3 OR $4) AND ($1::bigint IS NULL OR e.created_position > $1)
        ORDER BY e.created_position LIMIT $2`,
      [decodeCursor(after), size + 1, ...viewer(actor)],
    );
    return paged(rows, size, (row) => row.created_position, eventNode);
  }

  /** The sessions of several events at once, for the GraphQL loader. */
  async sessionsOf(eventIds: readonly string[]) {
    const { rows } = await this.pool.query(
      `SELECT event_id, session_id, starts_at, ends_at, check_in_opens_at, check_in_closes_at, checked_in
         FROM ${this.schemas.attendance}.sessions WHERE event_id = ANY ($1::uuid[]) ORDER BY starts_at, session_id`,
      [eventIds],
    );
    const byEvent = new Map<string, object[]>();
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
  }

  /** Registrations and door logs show people: the event's organizer, its staff and admins only. */
  async requireEventTeam(actor: Actor | undefined, eventId: string): Promise<void> {
    const caller = requireActor(actor);
    if (hasRole(caller, 'admin')) return;
    const { rows } = await this.pool.query(
      `SELECT 1 FROM ${this.schemas.attendance}.events e WHERE e.event_id = $1 AND (e.organizer_id = $2
         OR EXISTS (SELECT 1 FROM ${this.schemas.attendance}.staff s WHERE s.event_id = e.event_id AND s.staff_id = $2))`,
      [eventId, caller.accountId],
    );
    if (rows.length === 0) throw new DomainError('FORBIDDEN', 'Only the organizer and staff of this event can see this');
  }

  private registrationPage(rows: RegistrationRow[], size: number) {
    return paged(rows, size, (row) => row.registered_position, (row) => ({
      registrationId: row.registration_id,
      eventId: row.event_id,
      attendeeId: row.attendee_id,
      attendeeName: row.name,
      attendeeEmail: row.email,
      status: row.status,
      ticketVersion: row.ticket_version,
      registeredAt: row.registered_at.toISOString(),
    }));
  }

  async registrations(
    actor: Actor | undefined,
    args: { eventId: string; status?: string | null; search?: string | null; first?: number | null; after?: string | null },
  ) {
    await this.requireEventTeam(actor, args.eventId);
    if (args.search != null && args.search.length > 200) throw new DomainError('VALIDATION', 'search is at most 200 characters');
    const size = pageSize(args.first, 50);
    const { rows } = await this.pool.query<RegistrationRow>(
      `SELECT r.*, a.name, a.email FROM ${this.schemas.attendance}.registrations r
         LEFT JOIN ${this.schemas.accounts}.accounts a ON a.account_id = r.attendee_id
        WHERE r.event_id = $1 AND ($2::text IS NULL OR r.status = $2)
          AND ($3::text IS NULL OR a.name ILIKE '%' || $3 || '%' OR a.email ILIKE '%' || $3 || '%')
          AND ($4::bigint IS NULL OR r.registered_position > $4)
        ORDER BY r.registered_position LIMIT $5`,
      [args.eventId, args.status ?? null, args.search ? escapeLike(args.search) : null, decodeCursor(args.after), size + 1],
    );
    return this.registrationPage(rows, size);
  }

  async myRegistrations(actor: Actor | undefined, first: number | null | undefined, after: string | null | undefined) {
    const caller = requireActor(actor);
    const size = pageSize(first, 20);
    const { rows } = await this.pool.query<RegistrationRow>(
      `SELECT r.*, a.name, a.email FROM ${this.schemas.attendance}.registrations r
         LEFT JOIN ${this.schemas.accounts}.accounts a ON a.account_id = r.attendee_id
        WHERE r.attendee_id = $1 AND ($2::bigint IS NULL OR r.registered_position > $2)
        ORDER BY r.registered_position LIMIT $3`,
      [caller.accountId, decodeCursor(after), size + 1],
    );
    return this.registrationPage(rows, size);
  }

  async sessionAttendance(actor: Actor | undefined, eventId: string, sessionId: string) {
    await this.requireEventTeam(actor, eventId);
    const { rows } = await this.pool.query(
      `SELECT s.session_id, s.checked_in, e.confirmed FROM ${this.schemas.attendance}.sessions s
         JOIN ${this.schemas.attendance}.events e ON e.event_id = s.event_id WHERE s.session_id = $1 AND s.event_id = $2`,
      [sessionId, eventId],
    );
    if (!rows[0]) throw new DomainError('NOT_FOUND', 'No such session in this event');
    return { sessionId, checkedIn: rows[0].checked_in as number, confirmed: rows[0].confirmed as number };
  }

  async checkIns(actor: Actor | undefined, args: { eventId: string; sessionId: string; first?: number | null; after?: string | null }) {
    await this.requireEventTeam(actor, args.eventId);
    const size = pageSize(args.first, 50);
    const [commit, prepare] = decodeCursor(args.after)?.split('/') ?? [];
    const { rows } = await this.pool.query<CheckInRow>(
      `SELECT * FROM ${this.schemas.attendance}.check_ins
        WHERE event_id = $1 AND session_id = $2 AND ($3::bigint IS NULL OR (position, prepare_position) > ($3, $4::bigint))
        ORDER BY position, prepare_position LIMIT $5`,
      [args.eventId, args.sessionId, commit ?? null, prepare ?? commit ?? null, size + 1],
    );
    return paged(rows, size, checkInPosition, checkInEntry);
  }

  /**
   * A ticket as the read model has it. The code is signed afresh from the stored version and
   * shown to the holder alone; the organizer and staff see the rest.
   */
  async ticket(actor: Actor | undefined, ticketId: string, sign: (claims: TicketClaims) => Promise<string>) {
    const caller = requireActor(actor);
    const ids = parseTicketId(ticketId);
    if (!ids) throw new DomainError('VALIDATION', 'A ticket id is <eventId>_<registrationId>');
    const { rows } = await this.pool.query<RegistrationRow & { event_status: string }>(
      `SELECT r.*, e.status AS event_status FROM ${this.schemas.attendance}.registrations r
         JOIN ${this.schemas.attendance}.events e ON e.event_id = r.event_id
        WHERE r.registration_id = $1 AND r.event_id = $2`,
      [ids.registrationId, ids.eventId],
    );
    const row = rows[0];
    if (!row) throw new DomainError('NOT_FOUND', 'No such ticket');
    const holder = row.attendee_id === caller.accountId ? row.attendee_id : undefined;
    if (!holder) await this.requireEventTeam(caller, ids.eventId);
    const valid = row.status === 'confirmed' && row.event_status !== 'cancelled';
    return {
      ticketId,
      eventId: row.event_id,
      registrationId: row.registration_id,
      attendeeId: row.attendee_id,
      status: row.status,
      version: row.ticket_version,
      code:
        holder && valid
          ? await sign({ eventId: row.event_id, registrationId: row.registration_id, attendeeId: holder, version: row.ticket_version })
          : null,
      qrPngUrl: `/tickets/${ticketId}/qr.png`,
      qrSvgUrl: `/tickets/${ticketId}/qr.svg`,
    };
  }

  async me(actor: Actor | undefined) {
    const caller = requireActor(actor);
    const { rows } = await this.pool.query(`SELECT * FROM ${this.schemas.accounts}.accounts WHERE account_id = $1`, [caller.accountId]);
    const row = rows[0];
    return row ? { id: row.account_id, email: row.email, name: row.name, roles: row.roles, emailVerified: row.status !== 'unverified' } : null;
  }

  async auditLog(
    actor: Actor | undefined,
    args: { actorId?: string | null; correlationId?: string | null; from?: string | null; to?: string | null; first?: number | null; after?: string | null },
  ) {
    requireAdmin(actor);
    const size = pageSize(args.first, 50);
    for (const [name, value] of [['from', args.from], ['to', args.to]] as const)
      if (value != null && Number.isNaN(Date.parse(value))) throw new DomainError('VALIDATION', `${name} must be an ISO-8601 time`);
    const after = decodeCursor(args.after)?.split('/');
    const { rows } = await this.pool.query(
      `SELECT * FROM ${this.schemas.audit}.audit_log
        WHERE ($1::text IS NULL OR actor_id = $1) AND ($2::text IS NULL OR correlation_id = $2)
          AND ($3::timestamptz IS NULL OR occurred_at >= $3) AND ($4::timestamptz IS NULL OR occurred_at < $4)
          AND ($5::bigint IS NULL OR (commit_position, prepare_position) > ($5, $6))
        ORDER BY commit_position, prepare_position LIMIT $7`,
      [args.actorId ?? null, args.correlationId ?? null, args.from ?? null, args.to ?? null, after?.[0] ?? null, after?.[1] ?? after?.[0] ?? null, size + 1],
    );
    return paged(rows, size, (row) => `${row.commit_position}/${row.prepare_position}`, (row) => ({
      position: row.commit_position === row.prepare_position ? String(row.commit_position) : `${row.commit_position}/${row.prepare_position}`,
      eventId: row.event_id,
      streamId: row.stream_id,
      type: row.type,
      actorId: row.actor_id,
      correlationId: row.correlation_id,
      commandId: row.command_id,
      occurredAt: row.occurred_at?.toISOString() ?? null,
    }));
  }
}

/** A row of the check-in log, as the attendance projection writes it (null where the log holds what it could not store). */
export interface CheckInRow {
  position: string;
  prepare_position: string;
  event_id: string | null;
  session_id: string | null;
  registration_id: string | null;
  attendee_id: string | null;
  staff_id: string | null;
  kind: string | null;
  result: string | null;
  reason: string | null;
  at: Date;
}

/** One line of the door log, for queries and for the live feed alike. */
/** The whole position: the events of one EventStoreDB append share their commit position. */
const checkInPosition = (row: CheckInRow): string => formatPosition({ commit: BigInt(row.position), prepare: BigInt(row.prepare_position) });

export const checkInEntry = (row: CheckInRow) => ({
  position: checkInPosition(row),
  eventId: row.event_id,
  sessionId: row.session_id,
  registrationId: row.registration_id,
  attendeeId: row.attendee_id,
  staffId: row.staff_id,
  kind: row.kind,
  result: row.result,
  reason: row.reason,
  at: row.at.toISOString(),
});

export type CheckInEntry = ReturnType<typeof checkInEntry>;

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

/** A search term is matched literally: % and _ in it are not wildcards. */
const escapeLike = (term: string): string => term.replace(/[\\%_]/g, (c) => `\\${c}`);

