import type pg from 'pg';
import type { CheckInEvent } from '../domain/check-in/check-in.js';
import type { EventEvent } from '../domain/event/event.js';
import type { RecordedEvent } from '../eventstore/event-store.js';
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
const COUNTED = { confirmed: 'confirmed', pending: 'pending', waitlisted: 'waitlisted' } as const;
const counter = (status: string | undefined) => (status && status in COUNTED ? COUNTED[status as keyof typeof COUNTED] : undefined);

/** Moves a registration to `status`, keeping the event's counters in step in one statement. */
const moveRegistration = async (
  client: pg.PoolClient,
  s: string,
  recorded: RecordedEvent,
  registrationId: string,
  status: string,
  attendeeId?: string,
  ticketVersionChange = 0,
): Promise<void> => {
  const eventId = eventIdOf(recorded.streamId);
  const { rows } = await client.query<{ status: string }>(`SELECT status FROM ${s}.registrations WHERE registration_id = $1`, [
    registrationId,
  ]);
  const previous = rows[0]?.status;
  if (previous === undefined) {
    await client.query(
      `INSERT INTO ${s}.registrations (registration_id, event_id, attendee_id, status, ticket_version, registered_position, registered_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
      [registrationId, eventId, attendeeId, status, ticketVersionChange, recorded.position.commit.toString(), recorded.recordedAt],
    );
  } else {
    await client.query(
      `UPDATE ${s}.registrations SET status = $2, ticket_version = ticket_version + $3, updated_at = $4 WHERE registration_id = $1`,
      [registrationId, status, ticketVersionChange, recorded.recordedAt],
    );
  }
  const from = counter(previous);
  const to = counter(status);
  if (from === to) return;
  const changes = [from && `${from} = ${from} - 1`, to && `${to} = ${to} + 1`].filter(Boolean).join(', ');
  await client.query(`UPDATE ${s}.events SET ${changes}, updated_at = $2, updated_position = $3 WHERE event_id = $1`, [
    eventId,
    recorded.recordedAt,
    recorded.position.commit.toString(),
  ]);
};

const applyOne = async (client: pg.PoolClient, s: string, recorded: RecordedEvent): Promise<void> => {
  const event = { type: recorded.type, data: recorded.data } as Handled;
  const at = recorded.recordedAt;
  switch (event.type) {
    case 'EventCreated': {
      const { eventId, organizerId, details, capacity } = event.data;
      await client.query(
        `INSERT INTO ${s}.events (event_id, organizer_id, title, description, venue, time_zone, status, capacity, requires_approval,
           face_verification, registration_opens_at, registration_closes_at, created_position, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, $9, $10, $11, $12, $13)`,
        [
          eventId,
          organizerId,
          details.title,
          details.description,
          details.venue,
          details.timeZone,
          capacity,
          details.requiresApproval,
          details.faceVerification,
          details.registrationOpensAt,
          details.registrationClosesAt,
          recorded.position.commit.toString(),
          at,
        ],
      );
      return;
    }
    case 'EventDetailsUpdated': {
      const { details } = event.data;
      await client.query(
        `UPDATE ${s}.events SET title = $2, description = $3, venue = $4, time_zone = $5, requires_approval = $6, face_verification = $7,
           registration_opens_at = $8, registration_closes_at = $9, updated_at = $10 WHERE event_id = $1`,
        [
          eventIdOf(recorded.streamId),
          details.title,
          details.description,
          details.venue,
          details.timeZone,
          details.requiresApproval,
          details.faceVerification,
          details.registrationOpensAt,
          details.registrationClosesAt,
          at,
        ],
      );
      return;
    }
    case 'SessionsScheduled':
      for (const session of event.data.sessions)
        await client.query(
          `INSERT INTO ${s}.sessions (session_id, event_id, starts_at, ends_at, check_in_opens_at, check_in_closes_at) VALUES ($1, $2, $3, $4, $5, $6)`,
          [session.sessionId, eventIdOf(recorded.streamId), session.startsAt, session.endsAt, session.checkInOpensAt, session.checkInClosesAt],
        );
      return;
    case 'EventPublished':
    case 'EventCancelled':
      await client.query(`UPDATE ${s}.events SET status = $2, updated_at = $3 WHERE event_id = $1`, [
        eventIdOf(recorded.streamId),
        event.type === 'EventPublished' ? 'published' : 'cancelled',
        at,
      ]);
      return;
    case 'CapacityChanged':
      await client.query(`UPDATE ${s}.events SET capacity = $2, updated_at = $3 WHERE event_id = $1`, [
        eventIdOf(recorded.streamId),
        event.data.capacity,
        at,
      ]);
      return;
    case 'StaffAssigned':
      await client.query(`INSERT INTO ${s}.staff (event_id, staff_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        eventIdOf(recorded.streamId),
        event.data.staffId,
      ]);
      return;
    case 'RegistrationSubmitted':
      return moveRegistration(client, s, recorded, event.data.registrationId, 'pending', event.data.attendeeId);
    case 'RegistrationWaitlisted':
      return moveRegistration(client, s, recorded, event.data.registrationId, 'waitlisted', event.data.attendeeId);
    case 'RegistrationConfirmed':
      return moveRegistration(client, s, recorded, event.data.registrationId, 'confirmed', event.data.attendeeId, 1);
    case 'RegistrationRejected':
      return moveRegistration(client, s, recorded, event.data.registrationId, 'rejected');
    case 'RegistrationCancelled':
      return moveRegistration(client, s, recorded, event.data.registrationId, 'cancelled');
    case 'TicketReissued':
      await client.query(`UPDATE ${s}.registrations SET ticket_version = $2, updated_at = $3 WHERE registration_id = $1`, [
        event.data.registrationId,
        event.data.version,
        at,
      ]);
      return;
    case 'CheckedIn':
    case 'CheckInAwaitingFace':
    case 'ScanRefused':
    case 'CheckInUndone':
    case 'UnreadableTicketScanned':
      return logCheckIn(client, s, recorded, event);
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

/** Every door action, in order; CheckedIn and CheckInUndone also move the session's count. */
const logCheckIn = async (client: pg.PoolClient, s: string, recorded: RecordedEvent, event: CheckInEvent): Promise<void> => {
  const data = event.data;
  const entry = {
    registrationId: 'registrationId' in data ? data.registrationId : null,
    attendeeId: 'attendeeId' in data ? data.attendeeId : null,
    reason: 'reason' in data ? data.reason : null,
    result:
      event.type === 'ScanRefused'
        ? event.data.result
        : event.type === 'CheckedIn'
          ? 'ok'
          : event.type === 'CheckInAwaitingFace'
            ? 'face_pending'
            : event.type === 'UnreadableTicketScanned'
              ? 'invalid'
              : 'undone',
    kind: event.type === 'CheckedIn' ? event.data.method : event.type === 'CheckInUndone' ? 'undo' : 'scan',
  };
  await client.query(
    `INSERT INTO ${s}.check_ins (position, event_id, session_id, registration_id, attendee_id, staff_id, kind, result, reason, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      recorded.position.commit.toString(),
      data.eventId,
      data.sessionId,
      entry.registrationId,
      entry.attendeeId,
      data.staffId,
      entry.kind,
      entry.result,
      entry.reason,
      recorded.recordedAt,
    ],
  );
  const change = event.type === 'CheckedIn' ? 1 : event.type === 'CheckInUndone' ? -1 : 0;
  if (change !== 0)
    await client.query(`UPDATE ${s}.sessions SET checked_in = checked_in + $2, updated_position = $3 WHERE session_id = $1`, [
      data.sessionId,
      change,
      recorded.position.commit.toString(),
    ]);
};

const HANDLED_PREFIXES = ['event-', 'checkin-'];

export const attendanceProjection: Projection = {
  name: 'attendance',
  tables: TABLES,
  async setUp(client, schema) {
    await client.query(setUpSql(schema));
  },
  async apply(client, schema, events) {
    for (const recorded of events)
      if (HANDLED_PREFIXES.some((prefix) => recorded.streamId.startsWith(prefix))) await applyOne(client, schema, recorded);
  },
};
