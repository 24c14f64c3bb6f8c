import { liveSchema } from '../runner.js';

/**
 * The attendance read model's tables: events with the live counts a door dashboard shows,
 * their sessions and staff, registrations, and the check-in log. One read model, because the
 * counts span its tables.
 *
 * Every row is keyed by what its aggregate keys it by: a registration or a session is one of
 * its event's, `(event_id, registration_id)` and `(event_id, session_id)`, since logs written
 * before ids were scoped to their event hold ids that two events share. Columns an event fills
 * are nullable: a value the log holds but PostgreSQL cannot store is null, not a failed batch.
 */

export const ATTENDANCE = 'attendance';

/** Where the live tables are; only this folder's queries read them. */
export const LIVE = liveSchema(ATTENDANCE);

export const TABLES = ['events', 'sessions', 'staff', 'registrations', 'check_ins', 'scanner_devices'] as const;

/**
 * 2: registrations and sessions keyed within their event; columns an event fills nullable.
 * 3: the check-in log keyed by the whole position: on EventStoreDB the events of one append
 * share their commit position.
 * 4: times are when events occurred (their commands' `occurredAt`), not when they were
 * recorded; registrations keep when and how they were last confirmed (the forecasts' features);
 * the check-in log is indexed by registration (a forecast reads its people's past);
 * registrations keep the organizer's note (erased with its attendee).
 * 5: registrations keep the position of their last change (a scanner's check-in list is
 * fetched after a position); the check-in log keeps where and when each scan was made (its
 * device, its scan time, offline or not) and flags offline conflicts; the scanner devices
 * registered for each event.
 */
export const VERSION = 5;

export const createTables = (s: string): string => `
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
    confirmed_at timestamptz,
    confirmed_via text,
    note text,
    updated_position bigint,
    PRIMARY KEY (event_id, registration_id)
  );
  CREATE INDEX IF NOT EXISTS registrations_by_update ON ${s}.registrations (event_id, updated_position);
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
    device_id text,
    scanned_at timestamptz,
    offline boolean NOT NULL DEFAULT false,
    offline_conflict boolean NOT NULL DEFAULT false,
    PRIMARY KEY (position, prepare_position)
  );
  CREATE INDEX IF NOT EXISTS check_ins_by_session ON ${s}.check_ins (event_id, session_id, position, prepare_position);
  CREATE INDEX IF NOT EXISTS check_ins_by_registration ON ${s}.check_ins (event_id, registration_id);
  CREATE TABLE IF NOT EXISTS ${s}.scanner_devices (
    event_id uuid NOT NULL,
    device_id uuid NOT NULL,
    name text,
    registered_by text,
    registered_at timestamptz NOT NULL,
    revoked_at timestamptz,
    PRIMARY KEY (event_id, device_id)
  );
`;
