import type pg from 'pg';
import type { CheckInEvent } from '../domain/check-in/check-in.js';
import type { EventDetails, EventEvent } from '../domain/event/event.js';
import type { RecordedEvent } from '../eventstore/event-store.js';
import { type IssuedTicket, enqueueTicketDeliveries } from '../jobs/ticket-delivery.js';
import type { Projection } from './projection.js';

/**
 * Events, their sessions and staff, registrations and the check-in log, with the live counts
 * a door dashboard shows. One projection, because the counts span its tables.
 */
const TABLES = ['events', 'sessions', 'staff', 'registrations', 'check_ins'] as const;

const setUpSql = (s: string) => `
  CREATE TABLE IF NOT EXISTS ${s}.events (
    event_id uuid PRIMARY KEY,
    organizer_id text NOT NULL,
    title text NOT NULL,
    description text NOT NULL,
    venue text NOT NULL,
    time_zone text NOT NULL,
    status text NOT NULL,
    capacity int NOT NULL,
    requires_approval boolean NOT NULL,
    face_verification text NOT NULL,
    registration_opens_at timestamptz NOT NULL,
    registration_closes_at timestamptz NOT NULL,
    confirmed int NOT NULL DEFAULT 0,
    pending int NOT NULL DEFAULT 0,
    waitlisted int NOT NULL DEFAULT 0,
    created_position bigint NOT NULL,
    updated_at timestamptz NOT NULL
  );
  CREATE INDEX IF NOT EXISTS events_by_status ON ${s}.events (status, created_position);
  -- Where the counts last changed, for the live feed; ALTER so read models built before it gain it.
  ALTER TABLE ${s}.events ADD COLUMN IF NOT EXISTS updated_position bigint;
  CREATE INDEX IF NOT EXISTS events_by_update ON ${s}.events (updated_position);
  CREATE TABLE IF NOT EXISTS ${s}.sessions (
    session_id uuid PRIMARY KEY,
    event_id uuid NOT NULL,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    check_in_opens_at timestamptz NOT NULL,
    check_in_closes_at timestamptz NOT NULL,
    checked_in int NOT NULL DEFAULT 0
  );
  CREATE INDEX IF NOT EXISTS sessions_by_event ON ${s}.sessions (event_id, starts_at);
  ALTER TABLE ${s}.sessions ADD COLUMN IF NOT EXISTS updated_position bigint;
  CREATE INDEX IF NOT EXISTS sessions_by_update ON ${s}.sessions (updated_position);
  CREATE TABLE IF NOT EXISTS ${s}.staff (
    event_id uuid NOT NULL,
    staff_id text NOT NULL,
    PRIMARY KEY (event_id, staff_id)
  );
  CREATE INDEX IF NOT EXISTS staff_by_account ON ${s}.staff (staff_id);
  CREATE TABLE IF NOT EXISTS ${s}.registrations (
    registration_id uuid PRIMARY KEY,
    event_id uuid NOT NULL,
    attendee_id text NOT NULL,
    status text NOT NULL,
    ticket_version int NOT NULL DEFAULT 0,
    registered_position bigint NOT NULL,
    registered_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  );
  CREATE INDEX IF NOT EXISTS registrations_by_event ON ${s}.registrations (event_id, status, registered_position);
  CREATE INDEX IF NOT EXISTS registrations_by_attendee ON ${s}.registrations (attendee_id, registered_position);
  CREATE TABLE IF NOT EXISTS ${s}.check_ins (
    position bigint PRIMARY KEY,
    event_id uuid NOT NULL,
    session_id uuid NOT NULL,
    registration_id uuid,
    attendee_id text,
    staff_id text NOT NULL,
    kind text NOT NULL,
    result text NOT NULL,
    reason text,
    at timestamptz NOT NULL
  );
  CREATE INDEX IF NOT EXISTS check_ins_by_session ON ${s}.check_ins (session_id, position);
`;

type Handled = EventEvent | CheckInEvent;

const eventIdOf = (streamId: string): string => streamId.slice('event-'.length);

/** The registration counters an event keeps, by status. */
const COUNTED = ['confirmed', 'pending', 'waitlisted'] as const;
type Counted = (typeof COUNTED)[number];
const isCounted = (status: string | undefined): status is Counted => COUNTED.includes(status as Counted);

interface RegistrationRow {
  registrationId: string;
  eventId: string;
  attendeeId: string;
  status: string;
  ticketVersion: number;
  registeredPosition: string;
  registeredAt: Date;
  updatedAt: Date;
}

/**
 * What one batch changes, gathered in memory first and then written with one statement per
 * table: a rebuild folds hundreds of thousands of registrations, and a round trip per
 * event would cap it at a few thousand events a second.
 */
class BatchChanges {
  readonly newEvents = new Map<string, Record<string, unknown>>();
  readonly eventPatches = new Map<string, Record<string, unknown>>();
  readonly counters = new Map<string, Record<Counted, number> & { at: Date; position: string }>();
  readonly sessions: Record<string, unknown>[] = [];
  readonly sessionCounts = new Map<string, { delta: number; position: string }>();
  readonly staff: [string, string][] = [];
  readonly checkIns: unknown[][] = [];
  readonly registrations = new Map<string, RegistrationRow & { dirty: boolean }>();
  readonly issuedTickets: IssuedTicket[] = [];

  patchEvent(eventId: string, patch: Record<string, unknown>): void {
    const created = this.newEvents.get(eventId);
    if (created) Object.assign(created, patch);
    else this.eventPatches.set(eventId, { ...this.eventPatches.get(eventId), ...patch });
  }

  moveRegistration(recorded: RecordedEvent, registrationId: string, status: string, attendeeId?: string, newVersion?: number): void {
    const eventId = eventIdOf(recorded.streamId);
    const current = this.registrations.get(registrationId);
    const previous = current?.status;
    const row: RegistrationRow & { dirty: boolean } = current ?? {
      registrationId,
      eventId,
      attendeeId: attendeeId!,
      status,
      ticketVersion: 0,
      registeredPosition: recorded.position.commit.toString(),
      registeredAt: recorded.recordedAt,
      updatedAt: recorded.recordedAt,
      dirty: true,
    };
    row.status = status;
    row.ticketVersion = newVersion ?? row.ticketVersion;
    row.updatedAt = recorded.recordedAt;
    row.dirty = true;
    this.registrations.set(registrationId, row);
    if (previous === status) return;
    const counter = this.counters.get(eventId) ?? { confirmed: 0, pending: 0, waitlisted: 0, at: recorded.recordedAt, position: '0' };
    if (isCounted(previous)) counter[previous] -= 1;
    if (isCounted(status)) counter[status] += 1;
    counter.at = recorded.recordedAt;
    counter.position = recorded.position.commit.toString();
    this.counters.set(eventId, counter);
  }
}

const detailsColumns = (details: EventDetails) => ({
  title: details.title,
  description: details.description,
  venue: details.venue,
  time_zone: details.timeZone,
  requires_approval: details.requiresApproval,
  face_verification: details.faceVerification,
  registration_opens_at: details.registrationOpensAt,
  registration_closes_at: details.registrationClosesAt,
});

const gather = (changes: BatchChanges, recorded: RecordedEvent): void => {
  const event = { type: recorded.type, data: recorded.data } as Handled;
  const at = recorded.recordedAt;
  switch (event.type) {
    case 'EventCreated': {
      const { eventId, organizerId, details, capacity } = event.data;
      changes.newEvents.set(eventId, {
        event_id: eventId,
        organizer_id: organizerId,
        ...detailsColumns(details),
        status: 'draft',
        capacity,
        created_position: recorded.position.commit.toString(),
        updated_at: at,
      });
      return;
    }
    case 'EventDetailsUpdated':
      return changes.patchEvent(eventIdOf(recorded.streamId), { ...detailsColumns(event.data.details), updated_at: at });
    case 'EventPublished':
    case 'EventCancelled':
      return changes.patchEvent(eventIdOf(recorded.streamId), {
        status: event.type === 'EventPublished' ? 'published' : 'cancelled',
        updated_at: at,
      });
    case 'CapacityChanged':
      return changes.patchEvent(eventIdOf(recorded.streamId), { capacity: event.data.capacity, updated_at: at });
    case 'SessionsScheduled':
      for (const session of event.data.sessions)
        changes.sessions.push({ ...session, eventId: eventIdOf(recorded.streamId) });
      return;
    case 'StaffAssigned':
      changes.staff.push([eventIdOf(recorded.streamId), event.data.staffId]);
      return;
    case 'RegistrationSubmitted':
      return changes.moveRegistration(recorded, event.data.registrationId, 'pending', event.data.attendeeId);
    case 'RegistrationWaitlisted':
      return changes.moveRegistration(recorded, event.data.registrationId, 'waitlisted', event.data.attendeeId);
    case 'RegistrationConfirmed': {
      const version = (changes.registrations.get(event.data.registrationId)?.ticketVersion ?? 0) + 1;
      const { registrationId, attendeeId } = event.data;
      changes.issuedTickets.push({ registrationId, attendeeId, eventId: eventIdOf(recorded.streamId), version, recordedAt: at });
      return changes.moveRegistration(recorded, event.data.registrationId, 'confirmed', event.data.attendeeId, version);
    }
    case 'RegistrationRejected':
      return changes.moveRegistration(recorded, event.data.registrationId, 'rejected');
    case 'RegistrationCancelled':
      return changes.moveRegistration(recorded, event.data.registrationId, 'cancelled');
    case 'TicketReissued': {
      // apply() loads the row of every registration the batch names, so only a registration
      // this read model never saw is missing: there is nothing to update, nor anyone to mail.
      const row = changes.registrations.get(event.data.registrationId);
      if (!row) return;
      const { registrationId, attendeeId, eventId } = row;
      Object.assign(row, { ticketVersion: event.data.version, updatedAt: at, dirty: true });
      changes.issuedTickets.push({ registrationId, attendeeId, eventId, version: event.data.version, recordedAt: at });
      return;
    }
    case 'CheckedIn':
    case 'CheckInAwaitingFace':
    case 'ScanRefused':
    case 'CheckInUndone':
    case 'UnreadableTicketScanned':
      return gatherCheckIn(changes, recorded, event);
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

/** Every door action, in order; CheckedIn and CheckInUndone also move the session's count. */
const gatherCheckIn = (changes: BatchChanges, recorded: RecordedEvent, event: CheckInEvent): void => {
  const data = event.data;
  const result =
    event.type === 'ScanRefused'
      ? event.data.result
      : event.type === 'CheckedIn'
        ? 'ok'
        : event.type === 'CheckInAwaitingFace'
          ? 'face_pending'
          : event.type === 'UnreadableTicketScanned'
            ? 'invalid'
            : 'undone';
  const kind = event.type === 'CheckedIn' ? event.data.method : event.type === 'CheckInUndone' ? 'undo' : 'scan';
  changes.checkIns.push([
    recorded.position.commit.toString(),
    data.eventId,
    data.sessionId,
    'registrationId' in data ? data.registrationId : null,
    'attendeeId' in data ? data.attendeeId : null,
    data.staffId,
    kind,
    result,
    'reason' in data ? data.reason : null,
    recorded.recordedAt,
  ]);
  const delta = event.type === 'CheckedIn' ? 1 : event.type === 'CheckInUndone' ? -1 : 0;
  if (delta === 0) return;
  const count = changes.sessionCounts.get(data.sessionId) ?? { delta: 0, position: '0' };
  changes.sessionCounts.set(data.sessionId, { delta: count.delta + delta, position: recorded.position.commit.toString() });
};

const EVENT_COLUMNS = [
  ['event_id', 'uuid'],
  ['organizer_id', 'text'],
  ['title', 'text'],
  ['description', 'text'],
  ['venue', 'text'],
  ['time_zone', 'text'],
  ['status', 'text'],
  ['capacity', 'int'],
  ['requires_approval', 'boolean'],
  ['face_verification', 'text'],
  ['registration_opens_at', 'timestamptz'],
  ['registration_closes_at', 'timestamptz'],
  ['created_position', 'bigint'],
  ['updated_at', 'timestamptz'],
] as const;

/** INSERT ... SELECT FROM unnest(...): one statement for any number of rows. */
const insertRows = async (client: pg.PoolClient, table: string, columns: readonly (readonly [string, string])[], rows: unknown[][], tail = '') => {
  if (rows.length === 0) return;
  const names = columns.map(([name]) => name).join(', ');
  const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  await client.query(`INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays}) ${tail}`, columns.map((_, i) => rows.map((row) => row[i])));
};

const write = async (client: pg.PoolClient, s: string, changes: BatchChanges): Promise<void> => {
  await insertRows(
    client,
    `${s}.events`,
    EVENT_COLUMNS,
    [...changes.newEvents.values()].map((row) => EVENT_COLUMNS.map(([name]) => row[name])),
  );
  for (const [eventId, patch] of changes.eventPatches) {
    const columns = Object.keys(patch);
    await client.query(`UPDATE ${s}.events SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE event_id = $1`, [
      eventId,
      ...columns.map((c) => patch[c]),
    ]);
  }
  if (changes.counters.size > 0) {
    const counters = [...changes.counters];
    await client.query(
      `UPDATE ${s}.events e SET confirmed = e.confirmed + d.confirmed, pending = e.pending + d.pending, waitlisted = e.waitlisted + d.waitlisted,
              updated_at = GREATEST(e.updated_at, d.at), updated_position = d.position
         FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[], $5::timestamptz[], $6::bigint[]) AS d(event_id, confirmed, pending, waitlisted, at, position)
        WHERE e.event_id = d.event_id`,
      [
        counters.map(([id]) => id),
        counters.map(([, c]) => c.confirmed),
        counters.map(([, c]) => c.pending),
        counters.map(([, c]) => c.waitlisted),
        counters.map(([, c]) => c.at),
        counters.map(([, c]) => c.position),
      ],
    );
  }
  await insertRows(
    client,
    `${s}.sessions`,
    [
      ['session_id', 'uuid'],
      ['event_id', 'uuid'],
      ['starts_at', 'timestamptz'],
      ['ends_at', 'timestamptz'],
      ['check_in_opens_at', 'timestamptz'],
      ['check_in_closes_at', 'timestamptz'],
    ],
    changes.sessions.map((x) => [x.sessionId, x.eventId, x.startsAt, x.endsAt, x.checkInOpensAt, x.checkInClosesAt]),
  );
  await insertRows(client, `${s}.staff`, [['event_id', 'uuid'], ['staff_id', 'text']], changes.staff, 'ON CONFLICT DO NOTHING');
  const dirty = [...changes.registrations.values()].filter((row) => row.dirty);
  await insertRows(
    client,
    `${s}.registrations`,
    [
      ['registration_id', 'uuid'],
      ['event_id', 'uuid'],
      ['attendee_id', 'text'],
      ['status', 'text'],
      ['ticket_version', 'int'],
      ['registered_position', 'bigint'],
      ['registered_at', 'timestamptz'],
      ['updated_at', 'timestamptz'],
    ],
    dirty.map((r) => [r.registrationId, r.eventId, r.attendeeId, r.status, r.ticketVersion, r.registeredPosition, r.registeredAt, r.updatedAt]),
    `ON CONFLICT (registration_id) DO UPDATE SET status = excluded.status, ticket_version = excluded.ticket_version, updated_at = excluded.updated_at`,
  );
  await insertRows(
    client,
    `${s}.check_ins`,
    [
      ['position', 'bigint'],
      ['event_id', 'uuid'],
      ['session_id', 'uuid'],
      ['registration_id', 'uuid'],
      ['attendee_id', 'text'],
      ['staff_id', 'text'],
      ['kind', 'text'],
      ['result', 'text'],
      ['reason', 'text'],
      ['at', 'timestamptz'],
    ],
    changes.checkIns,
  );
  if (changes.sessionCounts.size > 0) {
    const counts = [...changes.sessionCounts];
    await client.query(
      `UPDATE ${s}.sessions x SET checked_in = x.checked_in + d.delta, updated_position = d.position
         FROM unnest($1::uuid[], $2::int[], $3::bigint[]) AS d(session_id, delta, position) WHERE x.session_id = d.session_id`,
      [counts.map(([id]) => id), counts.map(([, c]) => c.delta), counts.map(([, c]) => c.position)],
    );
  }
};

const REGISTRATION_EVENTS: ReadonlySet<string> = new Set([
  'RegistrationSubmitted',
  'RegistrationWaitlisted',
  'RegistrationConfirmed',
  'RegistrationRejected',
  'RegistrationCancelled',
  'TicketReissued',
] satisfies EventEvent['type'][]);

const HANDLED_PREFIXES = ['event-', 'checkin-'];

export const attendanceProjection: Projection = {
  name: 'attendance',
  tables: TABLES,
  async setUp(client, schema) {
    await client.query(setUpSql(schema));
  },
  async apply(client, schema, events) {
    const relevant = events.filter((recorded) => HANDLED_PREFIXES.some((prefix) => recorded.streamId.startsWith(prefix)));
    if (relevant.length === 0) return;
    const changes = new BatchChanges();
    // The registrations this batch moves, as the tables have them now.
    const ids = [
      ...new Set(relevant.filter((r) => REGISTRATION_EVENTS.has(r.type)).map((r) => (r.data as { registrationId: string }).registrationId)),
    ];
    if (ids.length > 0) {
      const { rows } = await client.query(
        `SELECT registration_id, event_id, attendee_id, status, ticket_version, registered_position, registered_at, updated_at
           FROM ${schema}.registrations WHERE registration_id = ANY ($1::uuid[])`,
        [ids],
      );
      for (const row of rows)
        changes.registrations.set(row.registration_id, {
          registrationId: row.registration_id,
          eventId: row.event_id,
          attendeeId: row.attendee_id,
          status: row.status,
          ticketVersion: row.ticket_version,
          registeredPosition: row.registered_position,
          registeredAt: row.registered_at,
          updatedAt: row.updated_at,
          dirty: false,
        });
    }
    for (const recorded of relevant) gather(changes, recorded);
    await write(client, schema, changes);
    await enqueueTicketDeliveries(client, schema, changes.issuedTickets);
  },
};
