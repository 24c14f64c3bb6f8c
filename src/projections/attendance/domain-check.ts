import type pg from 'pg';
import { type CheckInState, evolve as evolveCheckIn, initialState as noCheckIn } from '../../domain/check-in/check-in.js';
import { decode } from '../../domain/decode.js';
import { type EventState, type Registration, type Session, evolve, initialState } from '../../domain/event/event.js';
import { values } from '../../domain/persistent-map.js';
import { parseStream } from '../../domain/streams.js';
import type { RecordedEvent } from '../../eventstore/event-store.js';
import { type DomainCheckOptions, type DomainComparison, type DomainFold, type Differences, checkAgainstDomain } from '../domain-check.js';
import { asIndexedText, asInstant, asInteger, asUuid, fieldsOf } from '../stored-values.js';
import { CHECK_IN_TYPES, EVENT_TYPES } from './event-types.js';
import { keyOf } from './keys.js';
import { ATTENDANCE, LIVE } from './tables.js';

/**
 * The attendance read model against the domain: every `event-*` stream folded with the
 * event's `evolve`, every `checkin-*` stream with the check-in's, and per event its status,
 * capacity, counts, each registration's status and ticket version, its sessions (times and
 * how many are checked in) and its staff compared with the live rows. The domain's values
 * go through the projection's conversions first, so what the log holds but a column cannot
 * store (null there) is no difference. Quarantined events are left out of the fold, as the
 * projection leaves them out: they are decisions, reported as a count, not findings.
 */

/** Events compared per round trip. */
const CHUNK = 500;
const COUNTED = ['confirmed', 'pending', 'waitlisted'] as const;

interface Folded<S> {
  state: S;
  /** Where the domain's own fold threw: the stream cannot be compared (and the command side could not load it either). */
  broken?: string;
}

interface LiveEvent {
  event_id: string;
  status: string;
  capacity: number | null;
  confirmed: number;
  pending: number;
  waitlisted: number;
}

class AttendanceFold implements DomainFold {
  /** By event id. */
  private readonly events = new Map<string, Folded<EventState>>();
  /** By stream, with the event and session its latest event names. */
  private readonly checkIns = new Map<string, Folded<CheckInState> & { eventId: string | null; sessionId: string | null }>();

  get streams(): number {
    return this.events.size + this.checkIns.size;
  }

  fold(recorded: RecordedEvent): void {
    const stream = parseStream(recorded.streamId);
    if (stream.kind === 'event' && Object.hasOwn(EVENT_TYPES, recorded.type)) {
      // A stream whose id is no UUID has no rows in the read model, nor anything to compare.
      const eventId = asUuid(stream.eventId);
      if (eventId === null) return;
      const folded = this.events.get(eventId) ?? { state: initialState() };
      this.events.set(eventId, step(folded, recorded, evolve));
    } else if (stream.kind === 'checkin' && Object.hasOwn(CHECK_IN_TYPES, recorded.type)) {
      const { eventId, sessionId } = fieldsOf<{ eventId: string; sessionId: string }>(recorded.data);
      const folded = this.checkIns.get(recorded.streamId) ?? { state: noCheckIn(), eventId: null, sessionId: null };
      this.checkIns.set(recorded.streamId, { ...step(folded, recorded, evolveCheckIn), eventId: asUuid(eventId), sessionId: asUuid(sessionId) });
    }
  }

  async compare(snapshot: pg.PoolClient, differences: Differences): Promise<void> {
    const s = LIVE;
    const checkedIn = new Map<string, number>();
    for (const { state, eventId, sessionId } of this.checkIns.values())
      if (state.status === 'checked_in' && eventId !== null && sessionId !== null)
        checkedIn.set(keyOf(eventId, sessionId), (checkedIn.get(keyOf(eventId, sessionId)) ?? 0) + 1);
    const { rows: live } = await snapshot.query<{ event_id: string }>(`SELECT event_id FROM ${s}.events`);
    const ids = [...new Set([...this.events.keys(), ...live.map((row) => row.event_id)])].sort();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      /** The chunk's rows of one table, by event. */
      const rowsOf = async <Row extends { event_id: string }>(sql: string) => {
        const byEvent = new Map<string, Row[]>();
        for (const row of (await snapshot.query<Row>(sql, [chunk])).rows) {
          const rows = byEvent.get(row.event_id);
          if (rows) rows.push(row);
          else byEvent.set(row.event_id, [row]);
        }
        return (eventId: string): Row[] => byEvent.get(eventId) ?? [];
      };
      const events = await rowsOf<LiveEvent>(`SELECT * FROM ${s}.events WHERE event_id = ANY ($1::uuid[])`);
      const registrations = await rowsOf<{ event_id: string; registration_id: string; status: string; ticket_version: number }>(
        `SELECT event_id, registration_id, status, ticket_version FROM ${s}.registrations WHERE event_id = ANY ($1::uuid[])`,
      );
      const sessions = await rowsOf<LiveSession>(`SELECT * FROM ${s}.sessions WHERE event_id = ANY ($1::uuid[])`);
      const staff = await rowsOf<{ event_id: string; staff_id: string }>(`SELECT event_id, staff_id FROM ${s}.staff WHERE event_id = ANY ($1::uuid[])`);
      for (const eventId of chunk) {
        const streamId = `event-${eventId}`;
        const folded = this.events.get(eventId);
        if (folded?.broken) {
          differences.add({ streamId, what: 'fold', live: null, domain: `the domain's evolve fails at ${folded.broken}` });
          continue;
        }
        const state = folded?.state.status === 'none' ? undefined : folded?.state;
        const [row] = events(eventId);
        differences.compare(streamId, 'status', row?.status ?? null, state?.status ?? null);
        if (!state || !row) continue;
        differences.compare(streamId, 'capacity', row.capacity, asInteger(state.capacity));
        compareRegistrations(differences, streamId, row, registrations(eventId), values(state.registrations));
        compareSessions(differences, streamId, sessions(eventId), state.sessions, (sessionId) => checkedIn.get(keyOf(eventId, sessionId)) ?? 0);
        compareSets(
          differences,
          streamId,
          'staff',
          staff(eventId).map((r) => r.staff_id),
          state.staff.flatMap((id) => asIndexedText(id) ?? []),
        );
      }
    }
  }
}

/** One event folded in, or the stream marked broken where the domain's evolve throws. */
const step = <S, E>(folded: Folded<S>, recorded: RecordedEvent, evolveWith: (state: S, event: E) => S): Folded<S> => {
  if (folded.broken) return folded;
  try {
    const { type, data } = decode(recorded);
    return { state: evolveWith(folded.state, { type, data } as E) };
  } catch (error) {
    return { ...folded, broken: `revision ${recorded.revision} (${recorded.type}): ${(error as Error).message}` };
  }
};

const compareRegistrations = (
  differences: Differences,
  streamId: string,
  event: LiveEvent,
  live: { registration_id: string; status: string; ticket_version: number }[],
  folded: Registration[],
): void => {
  const domain = new Map<string, Registration>();
  for (const registration of folded) {
    // One the domain keeps under an id the read model cannot key was never projected.
    const id = asUuid(registration.registrationId);
    if (id !== null) domain.set(id, registration);
  }
  for (const status of COUNTED)
    differences.compare(streamId, `${status} count`, event[status], [...domain.values()].filter((r) => r.status === status).length);
  const rows = new Map(live.map((row) => [row.registration_id, row]));
  for (const id of [...new Set([...rows.keys(), ...domain.keys()])].sort()) {
    const [row, registration] = [rows.get(id), domain.get(id)];
    differences.compare(streamId, `registration ${id} status`, row?.status ?? null, registration?.status ?? null);
    if (row && registration) differences.compare(streamId, `registration ${id} ticket version`, row.ticket_version, asInteger(registration.ticketVersion));
  }
};

interface LiveSession {
  event_id: string;
  session_id: string;
  starts_at: Date | null;
  ends_at: Date | null;
  check_in_opens_at: Date | null;
  check_in_closes_at: Date | null;
  checked_in: number;
}

const SESSION_TIMES = [
  ['startsAt', 'starts_at'],
  ['endsAt', 'ends_at'],
  ['checkInOpensAt', 'check_in_opens_at'],
  ['checkInClosesAt', 'check_in_closes_at'],
] as const;

const compareSessions = (
  differences: Differences,
  streamId: string,
  live: LiveSession[],
  folded: readonly Session[],
  checkedIn: (sessionId: string) => number,
): void => {
  const domain = new Map<string, Session>();
  // The first schedule of a session id stands, as the domain's `sessions.find` reads it.
  for (const session of folded) {
    const id = asUuid(fieldsOf<Session>(session).sessionId);
    if (id !== null && !domain.has(id)) domain.set(id, session);
  }
  const rows = new Map(live.map((row) => [row.session_id, row]));
  for (const id of [...new Set([...rows.keys(), ...domain.keys()])].sort()) {
    const [row, session] = [rows.get(id), domain.get(id)];
    differences.compare(streamId, `session ${id}`, row ? 'scheduled' : null, session ? 'scheduled' : null);
    if (!row || !session) continue;
    for (const [field, column] of SESSION_TIMES)
      differences.compare(streamId, `session ${id} ${field}`, row[column]?.toISOString() ?? null, asInstant(fieldsOf<Session>(session)[field]));
    differences.compare(streamId, `session ${id} checked in`, row.checked_in, checkedIn(id));
  }
};

const compareSets = (differences: Differences, streamId: string, what: string, live: readonly string[], domain: readonly string[]): void => {
  const [inLive, inDomain] = [new Set(live), new Set(domain)];
  for (const item of [...new Set([...inLive, ...inDomain])].sort())
    differences.compare(streamId, `${what} ${item}`, inLive.has(item) ? 'assigned' : null, inDomain.has(item) ? 'assigned' : null);
};

export const compareAttendanceWithDomain = (options: DomainCheckOptions): Promise<DomainComparison> =>
  checkAgainstDomain(ATTENDANCE, options, new AttendanceFold());
