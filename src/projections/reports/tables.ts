import { liveSchema } from '../runner.js';

/**
 * The reports read model: what organizers' reports show, kept pre-aggregated so that a report
 * is a few index lookups however long the history. Counters are kept per event, per session,
 * per quarter hour of registrations, per five minutes of arrivals and per event attendee, and
 * per organizer, when the events each attendee came to start; the per-registration and
 * per-ticket-at-a-session rows hold just the state a counter needs to move right when a later
 * event changes it. No names or addresses: reports join the accounts read model for those, so
 * an erasure there is an erasure here.
 */

export const REPORTS = 'reports';

/** Where the live tables are; only this folder's queries read them. */
export const LIVE = liveSchema(REPORTS);

export const TABLES = ['events', 'sessions', 'registrations', 'attendances', 'registration_times', 'confirmation_times', 'approvals', 'arrivals', 'refusals', 'event_attendees', 'organizer_attendees', 'organizers'] as const;

/**
 * 2: who came to each organizer's events, counted (tables of version 1, a work in progress, lack them).
 * 3: who came to each organizer's events, with when each of those events started, and how many
 * came per organizer: a report over any period counts its attendees from these, not their totals.
 */
export const VERSION = 3;

export const createTables = (s: string): string => `
  CREATE TABLE IF NOT EXISTS ${s}.events (
    event_id uuid PRIMARY KEY,
    organizer_id text,
    title text,
    time_zone text,
    status text NOT NULL,
    -- The first session's start: where the event falls in an organizer's report period.
    starts_at timestamptz,
    pending int NOT NULL DEFAULT 0,
    confirmed int NOT NULL DEFAULT 0,
    waitlisted int NOT NULL DEFAULT 0,
    cancelled int NOT NULL DEFAULT 0,
    rejected int NOT NULL DEFAULT 0,
    -- Confirmed registrations checked in at one session at least.
    attended int NOT NULL DEFAULT 0,
    -- Confirmed registrations whose ticket no door has seen.
    unused_tickets int NOT NULL DEFAULT 0
  );
  CREATE INDEX IF NOT EXISTS events_by_organizer ON ${s}.events (organizer_id, starts_at);
  CREATE TABLE IF NOT EXISTS ${s}.sessions (
    event_id uuid NOT NULL,
    session_id uuid NOT NULL,
    starts_at timestamptz,
    ends_at timestamptz,
    -- Tickets checked in now (not undone), and those of them still confirmed.
    checked_in int NOT NULL DEFAULT 0,
    checked_in_confirmed int NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, session_id)
  );
  CREATE TABLE IF NOT EXISTS ${s}.registrations (
    event_id uuid NOT NULL,
    registration_id uuid NOT NULL,
    attendee_id text,
    status text NOT NULL,
    -- When it went pending: the start of an approval's turnaround.
    submitted_at timestamptz,
    confirmed_at timestamptz,
    present_sessions int NOT NULL,
    door_events int NOT NULL,
    PRIMARY KEY (event_id, registration_id)
  );
  CREATE TABLE IF NOT EXISTS ${s}.attendances (
    event_id uuid NOT NULL,
    registration_id uuid NOT NULL,
    session_id uuid NOT NULL,
    present boolean NOT NULL,
    checked_in_at timestamptz,
    -- Keyed by registration first: a registration's change of status reads all its sessions.
    PRIMARY KEY (event_id, registration_id, session_id)
  );
  CREATE TABLE IF NOT EXISTS ${s}.registration_times (
    event_id uuid NOT NULL,
    quarter_hour timestamptz NOT NULL,
    registrations int NOT NULL,
    PRIMARY KEY (event_id, quarter_hour)
  );
  -- Registrations confirmed now, by the quarter hour they were confirmed in.
  CREATE TABLE IF NOT EXISTS ${s}.confirmation_times (
    event_id uuid NOT NULL,
    quarter_hour timestamptz NOT NULL,
    confirmed int NOT NULL,
    PRIMARY KEY (event_id, quarter_hour)
  );
  CREATE TABLE IF NOT EXISTS ${s}.approvals (
    event_id uuid NOT NULL,
    registration_id uuid NOT NULL,
    seconds double precision NOT NULL,
    PRIMARY KEY (event_id, registration_id)
  );
  CREATE TABLE IF NOT EXISTS ${s}.arrivals (
    event_id uuid NOT NULL,
    session_id uuid NOT NULL,
    five_minutes timestamptz NOT NULL,
    check_ins int NOT NULL,
    PRIMARY KEY (event_id, session_id, five_minutes)
  );
  CREATE TABLE IF NOT EXISTS ${s}.refusals (
    event_id uuid NOT NULL,
    session_id uuid NOT NULL,
    reason text NOT NULL,
    scans int NOT NULL,
    PRIMARY KEY (event_id, session_id, reason)
  );
  CREATE TABLE IF NOT EXISTS ${s}.event_attendees (
    event_id uuid NOT NULL,
    attendee_id text NOT NULL,
    -- The attendee's registrations of the event checked in somewhere; a row only while above 0.
    present_registrations int NOT NULL,
    PRIMARY KEY (event_id, attendee_id)
  );
  CREATE INDEX IF NOT EXISTS event_attendees_by_attendee ON ${s}.event_attendees (attendee_id);
  -- Of each organizer's events, when each one an attendee came to starts (sorted, those without
  -- a start left out; a row only while one is left): how many of them fall in a report's period
  -- is two binary searches of the row, so a period holding most of a long history reads one row
  -- per attendee instead of one per attendance.
  CREATE TABLE IF NOT EXISTS ${s}.organizer_attendees (
    organizer_id text NOT NULL,
    attendee_id text NOT NULL,
    starts timestamptz[] NOT NULL,
    PRIMARY KEY (organizer_id, attendee_id)
  );
  -- Each organizer's rows of organizer_attendees, counted: a report reads whichever is fewer,
  -- those rows or its period's attendances. A row only while above 0.
  CREATE TABLE IF NOT EXISTS ${s}.organizers (
    organizer_id text PRIMARY KEY,
    attendees int NOT NULL
  );`;
