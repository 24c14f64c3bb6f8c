import type pg from 'pg';
import type { CheckInEvent } from '../domain/check-in/check-in.js';
import type { EventDetails, EventEvent, FaceVerification, Session } from '../domain/event/event.js';
import type { RecordedEvent } from '../eventstore/event-store.js';
import { type IssuedTicket, enqueueTicketDeliveries } from '../jobs/ticket-delivery.js';
import { compareAttendanceWithDomain } from './attendance-domain-check.js';
import { eventIdOf, keyOf } from './attendance-keys.js';
import type { Projection } from './projection.js';
import { type Fields, type OnUnstorable, type StoredValues, asUuid, fieldsOf, storedValues } from './stored-values.js';

/**
 * Events, their sessions and staff, registrations and the check-in log, with the live counts
 * a door dashboard shows. One projection, because the counts span its tables.
 *
 * Every row is keyed by what its aggregate keys it by: a registration or a session is one of
 * its event's, `(event_id, registration_id)` and `(event_id, session_id)`, since logs written
 * before ids were scoped to their event hold ids that two events share.
 */
const TABLES = ['events', 'sessions', 'staff', 'registrations', 'check_ins'] as const;

/**
 * 2: registrations and sessions keyed within their event; columns an event fills nullable, so
 * a value the log holds but PostgreSQL cannot store is null instead of a failed batch.
 * 3: the check-in log keyed by the whole position: on EventStoreDB the events of one append
 * share their commit position.
 */
const VERSION = 3;

const setUpSql = (s: string) => `
  CREATE TABLE IF NOT EXISTS ${s}.events (
    event_id uuid PRIMARY KEY,
    organizer_id text,
    title text,
    description text,
    venue text,
    time_zone text,
    status text NOT NULL,
    capacity int,
    requires_approval boolean,
    face_verification text,
    registration_opens_at timestamptz,
    registration_closes_at timestamptz,
    confirmed int NOT NULL DEFAULT 0,
    pending int NOT NULL DEFAULT 0,
    waitlisted int NOT NULL DEFAULT 0,
    created_position bigint NOT NULL,
    updated_at timestamptz NOT NULL,
    -- Where the counts last changed, for the live feed.
    updated_position bigint
  );
  CREATE INDEX IF NOT EXISTS events_by_status ON ${s}.events (status, created_position);
  CREATE INDEX IF NOT EXISTS events_by_update ON ${s}.events (updated_position);
  CREATE TABLE IF NOT EXISTS ${s}.sessions (
    event_id uuid NOT NULL,
    session_id uuid NOT NULL,
    starts_at timestamptz,
    ends_at timestamptz,
    check_in_opens_at timestamptz,
    check_in_closes_at timestamptz,
    checked_in int NOT NULL DEFAULT 0,
    updated_position bigint,
    PRIMARY KEY (event_id, session_id)
  );
  CREATE INDEX IF NOT EXISTS sessions_by_event ON ${s}.sessions (event_id, starts_at);
  CREATE INDEX IF NOT EXISTS sessions_by_update ON ${s}.sessions (updated_position);
  CREATE TABLE IF NOT EXISTS ${s}.staff (
    event_id uuid NOT NULL,
    staff_id text NOT NULL,
    PRIMARY KEY (event_id, staff_id)
  );
  CREATE INDEX IF NOT EXISTS staff_by_account ON ${s}.staff (staff_id);
  CREATE TABLE IF NOT EXISTS ${s}.registrations (
    event_id uuid NOT NULL,
    registration_id uuid NOT NULL,
    attendee_id text,
    status text NOT NULL,
    ticket_version int NOT NULL DEFAULT 0,
    registered_position bigint NOT NULL,
    registered_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (event_id, registration_id)
  );
  CREATE INDEX IF NOT EXISTS registrations_by_event ON ${s}.registrations (event_id, status, registered_position);
  CREATE INDEX IF NOT EXISTS registrations_by_attendee ON ${s}.registrations (attendee_id, registered_position);
  CREATE TABLE IF NOT EXISTS ${s}.check_ins (
    position bigint NOT NULL,
    prepare_position bigint NOT NULL,
    event_id uuid,
    session_id uuid,
    registration_id uuid,
    attendee_id text,
    staff_id text,
    kind text,
    result text,
    reason text,
    at timestamptz NOT NULL,
    PRIMARY KEY (position, prepare_position)
  );
  CREATE INDEX IF NOT EXISTS check_ins_by_session ON ${s}.check_ins (event_id, session_id, position, prepare_position);
`;

type Handled = EventEvent | CheckInEvent;
/** Each handled event with its data as the log may hold it. */
type StoredEvent = { [T in Handled['type']]: { type: T; data: Fields<Extract<Handled, { type: T }>['data']> } }[Handled['type']];

const FACE_MODES = ['off', 'optional', 'required'] as const satisfies readonly FaceVerification[];

/** The registration counters an event keeps, by status. */
const COUNTED = ['confirmed', 'pending', 'waitlisted'] as const;
type Counted = (typeof COUNTED)[number];
const isCounted = (status: string | undefined): status is Counted => COUNTED.includes(status as Counted);

interface RegistrationRow {
  registrationId: string;
  eventId: string;
  attendeeId: string | null;
  status: string;
  ticketVersion: number;
  registeredPosition: string;
  registeredAt: Date;
  updatedAt: Date;
}

interface SessionRow {
  eventId: string;
  sessionId: string;
  startsAt: string | null;
  endsAt: string | null;
  checkInOpensAt: string | null;
  checkInClosesAt: string | null;
}

/**
 * What one batch changes, gathered in memory first and then written with one statement per
 * table: a rebuild folds hundreds of thousands of registrations, and a round trip per
 * event would cap it at a few thousand events a second.
 */
class BatchChanges {
  /** Events the tables already have, among those the batch creates: a second creation is ignored. */
  readonly existingEvents = new Set<string>();
  readonly newEvents = new Map<string, Record<string, unknown>>();
  readonly eventPatches = new Map<string, Record<string, unknown>>();
  readonly counters = new Map<string, Record<Counted, number> & { at: Date; position: string }>();
  /** By key; the first schedule of a session id in an event stands, as in the domain's `sessions.find`. */
  readonly sessions = new Map<string, SessionRow>();
  readonly sessionCounts = new Map<string, { eventId: string; sessionId: string; delta: number; position: string }>();
  readonly staff: [string, string][] = [];
  readonly checkIns: unknown[][] = [];
  /** By key, as the tables have them (loaded before the batch) and as the batch moves them. */
  readonly registrations = new Map<string, RegistrationRow & { dirty: boolean }>();
  readonly issuedTickets: IssuedTicket[] = [];

  patchEvent(eventId: string, patch: Record<string, unknown>): void {
    const created = this.newEvents.get(eventId);
    if (created) Object.assign(created, patch);
    else this.eventPatches.set(eventId, { ...this.eventPatches.get(eventId), ...patch });
  }

  moveRegistration(recorded: RecordedEvent, eventId: string, registrationId: string, status: string, attendeeId: string | null, newVersion?: number): void {
    const key = keyOf(eventId, registrationId);
    const current = this.registrations.get(key);
    const previous = current?.status;
    const row: RegistrationRow & { dirty: boolean } = current ?? {
      registrationId,
      eventId,
      attendeeId,
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
    this.registrations.set(key, row);
    if (previous === status) return;
    const counter = this.counters.get(eventId) ?? { confirmed: 0, pending: 0, waitlisted: 0, at: recorded.recordedAt, position: '0' };
    if (isCounted(previous)) counter[previous] -= 1;
    if (isCounted(status)) counter[status] += 1;
    counter.at = recorded.recordedAt;
    counter.position = recorded.position.commit.toString();
    this.counters.set(eventId, counter);
  }
}

const detailsColumns = (value: unknown, v: StoredValues) => {
  const details = fieldsOf<EventDetails>(value);
  return {
    title: v.text(details.title, 'details.title'),
    description: v.text(details.description, 'details.description'),
    venue: v.text(details.venue, 'details.venue'),
    time_zone: v.timeZone(details.timeZone, 'details.timeZone'),
    requires_approval: v.boolean(details.requiresApproval, 'details.requiresApproval'),
    face_verification: v.oneOf(details.faceVerification, 'details.faceVerification', FACE_MODES),
    registration_opens_at: v.instant(details.registrationOpensAt, 'details.registrationOpensAt'),
    registration_closes_at: v.instant(details.registrationClosesAt, 'details.registrationClosesAt'),
  };
};

const sessionRows = (eventId: string, value: unknown, v: StoredValues): SessionRow[] => {
  if (!Array.isArray(value)) {
    v.skip('sessions', 'is not a list');
    return [];
  }
  return value.flatMap((item: unknown, i): SessionRow[] => {
    const session = fieldsOf<Session>(item);
    const sessionId = v.uuid(session.sessionId, `sessions[${i}].sessionId`);
    if (sessionId === null) return [];
    return [
      {
        eventId,
        sessionId,
        startsAt: v.instant(session.startsAt, `sessions[${i}].startsAt`),
        endsAt: v.instant(session.endsAt, `sessions[${i}].endsAt`),
        checkInOpensAt: v.instant(session.checkInOpensAt, `sessions[${i}].checkInOpensAt`),
        checkInClosesAt: v.instant(session.checkInClosesAt, `sessions[${i}].checkInClosesAt`),
      },
    ];
  });
};

const gather = (changes: BatchChanges, recorded: RecordedEvent, onUnstorable: OnUnstorable): void => {
  const v = storedValues(recorded, onUnstorable);
  if (recorded.streamId.startsWith('checkin-')) return gatherCheckIn(changes, recorded, v);
  // Every row of an event stream is keyed by the event: a stream whose id is no UUID has no row to change.
  const eventId = v.uuid(eventIdOf(recorded.streamId), 'streamId');
  if (eventId === null) return;
  const event = { type: recorded.type, data: fieldsOf(recorded.data) } as StoredEvent;
  const at = recorded.recordedAt;
  /** The registration an event names, when it names one the tables can key. */
  const named = (registrationId: unknown) => v.uuid(registrationId, 'registrationId');
  /** The registration's row when this read model has it; a change to one it never saw changes nothing. */
  const existing = (registrationId: unknown) => {
    const id = named(registrationId);
    const row = id === null ? undefined : changes.registrations.get(keyOf(eventId, id));
    if (id !== null && !row) v.skip('registrationId', 'names a registration no earlier event of this event made');
    return row;
  };
  switch (event.type) {
    case 'EventCreated': {
      if (changes.existingEvents.has(eventId) || changes.newEvents.has(eventId)) {
        v.skip('streamId', 'names an event created before; the first creation stands');
        return;
      }
      changes.newEvents.set(eventId, {
        event_id: eventId,
        organizer_id: v.text(event.data.organizerId, 'organizerId'),
        ...detailsColumns(event.data.details, v),
        status: 'draft',
        capacity: v.integer(event.data.capacity, 'capacity'),
        created_position: recorded.position.commit.toString(),
        updated_at: at,
      });
      return;
    }
    case 'EventDetailsUpdated':
      return changes.patchEvent(eventId, { ...detailsColumns(event.data.details, v), updated_at: at });
    case 'EventPublished':
    case 'EventCancelled':
      return changes.patchEvent(eventId, { status: event.type === 'EventPublished' ? 'published' : 'cancelled', updated_at: at });
    case 'CapacityChanged':
      return changes.patchEvent(eventId, { capacity: v.integer(event.data.capacity, 'capacity'), updated_at: at });
    case 'SessionsScheduled':
      for (const row of sessionRows(eventId, event.data.sessions, v)) {
        const key = keyOf(eventId, row.sessionId);
        if (!changes.sessions.has(key)) changes.sessions.set(key, row);
      }
      return;
    case 'StaffAssigned': {
      const staffId = v.indexedText(event.data.staffId, 'staffId');
      if (staffId !== null) changes.staff.push([eventId, staffId]);
      return;
    }
    case 'RegistrationSubmitted':
    case 'RegistrationWaitlisted': {
      const id = named(event.data.registrationId);
      const status = event.type === 'RegistrationSubmitted' ? 'pending' : 'waitlisted';
      if (id !== null) changes.moveRegistration(recorded, eventId, id, status, v.indexedText(event.data.attendeeId, 'attendeeId'));
      return;
    }
    case 'RegistrationConfirmed': {
      const id = named(event.data.registrationId);
      if (id === null) return;
      const attendeeId = v.indexedText(event.data.attendeeId, 'attendeeId');
      const previous = changes.registrations.get(keyOf(eventId, id))?.ticketVersion ?? 0;
      const version = v.integer(previous + 1, 'ticket version') ?? previous;
      changes.moveRegistration(recorded, eventId, id, 'confirmed', attendeeId, version);
      const holder = changes.registrations.get(keyOf(eventId, id))!.attendeeId;
      if (holder !== null)
        changes.issuedTickets.push({ registrationId: id, attendeeId: holder, eventId, version, recordedAt: at, position: recorded.position });
      return;
    }
    case 'RegistrationRejected':
    case 'RegistrationCancelled': {
      const row = existing(event.data.registrationId);
      if (row) changes.moveRegistration(recorded, eventId, row.registrationId, event.type === 'RegistrationRejected' ? 'rejected' : 'cancelled', row.attendeeId);
      return;
    }
    case 'TicketReissued': {
      const row = existing(event.data.registrationId);
      const version = row ? v.integer(event.data.version, 'version') : null;
      if (!row || version === null) return;
      Object.assign(row, { ticketVersion: version, updatedAt: at, dirty: true });
      if (row.attendeeId !== null)
        changes.issuedTickets.push({ registrationId: row.registrationId, attendeeId: row.attendeeId, eventId, version, recordedAt: at, position: recorded.position });
      return;
    }
    case 'CheckedIn':
    case 'CheckInAwaitingFace':
    case 'ScanRefused':
    case 'CheckInUndone':
    case 'UnreadableTicketScanned':
      // Door events live in check-in streams; one in an event stream is not the event's.
      return;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

/** What the door log says of a door event; undefined for any other type. */
const doorEntry = (event: StoredEvent, v: StoredValues): { kind: string | null; result: string | null } | undefined => {
  switch (event.type) {
    case 'CheckedIn':
      return { kind: v.text(event.data.method, 'method'), result: 'ok' };
    case 'CheckInAwaitingFace':
      return { kind: 'scan', result: 'face_pending' };
    case 'ScanRefused':
      return { kind: 'scan', result: v.text(event.data.result, 'result') };
    case 'UnreadableTicketScanned':
      return { kind: 'scan', result: 'invalid' };
    case 'CheckInUndone':
      return { kind: 'undo', result: 'undone' };
    default:
      return undefined;
  }
};

/** Every door action, in order; CheckedIn and CheckInUndone also move the session's count. */
const gatherCheckIn = (changes: BatchChanges, recorded: RecordedEvent, v: StoredValues): void => {
  const event = { type: recorded.type, data: fieldsOf(recorded.data) } as StoredEvent;
  const door = doorEntry(event, v);
  if (!door) return;
  const data = event.data as Fields<{ eventId: string; sessionId: string; registrationId: string; attendeeId: string; staffId: string; reason: string | null }>;
  const eventId = v.uuid(data.eventId, 'eventId');
  const sessionId = v.uuid(data.sessionId, 'sessionId');
  changes.checkIns.push([
    recorded.position.commit.toString(),
    recorded.position.prepare.toString(),
    eventId,
    sessionId,
    'registrationId' in data ? v.uuid(data.registrationId, 'registrationId') : null,
    'attendeeId' in data ? v.text(data.attendeeId, 'attendeeId') : null,
    v.text(data.staffId, 'staffId'),
    door.kind,
    door.result,
    'reason' in data && data.reason !== null ? v.text(data.reason, 'reason') : null,
    recorded.recordedAt,
  ]);
  const delta = event.type === 'CheckedIn' ? 1 : event.type === 'CheckInUndone' ? -1 : 0;
  if (delta === 0 || eventId === null || sessionId === null) return;
  const key = keyOf(eventId, sessionId);
  const count = changes.sessionCounts.get(key) ?? { eventId, sessionId, delta: 0, position: '0' };
  changes.sessionCounts.set(key, { ...count, delta: count.delta + delta, position: recorded.position.commit.toString() });
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
      ['event_id', 'uuid'],
      ['session_id', 'uuid'],
      ['starts_at', 'timestamptz'],
      ['ends_at', 'timestamptz'],
      ['check_in_opens_at', 'timestamptz'],
      ['check_in_closes_at', 'timestamptz'],
    ],
    [...changes.sessions.values()].map((x) => [x.eventId, x.sessionId, x.startsAt, x.endsAt, x.checkInOpensAt, x.checkInClosesAt]),
    // A session scheduled again in a later batch: the first schedule stands.
    'ON CONFLICT DO NOTHING',
  );
  await insertRows(client, `${s}.staff`, [['event_id', 'uuid'], ['staff_id', 'text']], changes.staff, 'ON CONFLICT DO NOTHING');
  const dirty = [...changes.registrations.values()].filter((row) => row.dirty);
  await insertRows(
    client,
    `${s}.registrations`,
    [
      ['event_id', 'uuid'],
      ['registration_id', 'uuid'],
      ['attendee_id', 'text'],
      ['status', 'text'],
      ['ticket_version', 'int'],
      ['registered_position', 'bigint'],
      ['registered_at', 'timestamptz'],
      ['updated_at', 'timestamptz'],
    ],
    dirty.map((r) => [r.eventId, r.registrationId, r.attendeeId, r.status, r.ticketVersion, r.registeredPosition, r.registeredAt, r.updatedAt]),
    `ON CONFLICT (event_id, registration_id) DO UPDATE SET status = excluded.status, ticket_version = excluded.ticket_version, updated_at = excluded.updated_at`,
  );
  await insertRows(
    client,
    `${s}.check_ins`,
    [
      ['position', 'bigint'],
      ['prepare_position', 'bigint'],
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
    const counts = [...changes.sessionCounts.values()];
    await client.query(
      `UPDATE ${s}.sessions x SET checked_in = x.checked_in + d.delta, updated_position = d.position
         FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::bigint[]) AS d(event_id, session_id, delta, position)
        WHERE x.event_id = d.event_id AND x.session_id = d.session_id`,
      [counts.map((c) => c.eventId), counts.map((c) => c.sessionId), counts.map((c) => c.delta), counts.map((c) => c.position)],
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

/**
 * What the tables hold now of what the batch touches: the registrations it moves, and which
 * of the events it creates exist already. Keys that are no UUIDs are left out: the batch
 * skips their events, reporting them.
 */
const load = async (client: pg.PoolClient, s: string, events: readonly RecordedEvent[], changes: BatchChanges): Promise<void> => {
  const registrationKeys = events
    .filter((r) => REGISTRATION_EVENTS.has(r.type) && r.streamId.startsWith('event-'))
    .map((r) => [asUuid(eventIdOf(r.streamId)), asUuid(fieldsOf<{ registrationId: string }>(r.data).registrationId)] as const)
    .filter((key): key is readonly [string, string] => key[0] !== null && key[1] !== null);
  if (registrationKeys.length > 0) {
    const { rows } = await client.query(
      `SELECT r.* FROM ${s}.registrations r JOIN unnest($1::uuid[], $2::uuid[]) AS k(event_id, registration_id) USING (event_id, registration_id)`,
      [registrationKeys.map(([eventId]) => eventId), registrationKeys.map(([, registrationId]) => registrationId)],
    );
    for (const row of rows)
      changes.registrations.set(keyOf(row.event_id, row.registration_id), {
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
  const created = events
    .filter((r) => r.type === 'EventCreated' && r.streamId.startsWith('event-'))
    .map((r) => asUuid(eventIdOf(r.streamId)))
    .filter((id) => id !== null);
  if (created.length > 0) {
    const { rows } = await client.query<{ event_id: string }>(`SELECT event_id FROM ${s}.events WHERE event_id = ANY ($1::uuid[])`, [created]);
    for (const row of rows) changes.existingEvents.add(row.event_id);
  }
};

export const attendanceProjection: Projection = {
  name: 'attendance',
  version: VERSION,
  tables: TABLES,
  async setUp(client, schema) {
    await client.query(setUpSql(schema));
  },
  async apply(client, schema, events, onUnstorable) {
    const relevant = events.filter((recorded) => HANDLED_PREFIXES.some((prefix) => recorded.streamId.startsWith(prefix)));
    if (relevant.length === 0) return;
    const changes = new BatchChanges();
    await load(client, schema, relevant, changes);
    for (const recorded of relevant) gather(changes, recorded, onUnstorable);
    await write(client, schema, changes);
    await enqueueTicketDeliveries(client, changes.issuedTickets);
  },
  compareWithDomain: (options) => compareAttendanceWithDomain(options),
};
