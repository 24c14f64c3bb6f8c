import type pg from 'pg';
import { liveSchema } from '../../projections/runner.js';
import type { Occasion, Outcome } from './features.js';
import type { ShowUpCounts } from './forecaster.js';
import type { LabelledExample } from './training.js';

type Queryable = pg.Pool | pg.PoolClient;

/** Sessions of published events, numbered within their event by start time; one without stored times cannot be placed. */
const series = (a: string) => `
  SELECT s.session_id, s.event_id, s.starts_at, s.ends_at,
         (row_number() OVER (PARTITION BY s.event_id ORDER BY s.starts_at, s.session_id) - 1)::int AS session_index
    FROM ${a}.sessions s JOIN ${a}.events e ON e.event_id = s.event_id AND e.status = 'published'
   WHERE s.starts_at IS NOT NULL AND s.ends_at IS NOT NULL`;

/**
 * Past attendances, one row per session ended by $1 and registration confirmed for it,
 * labelled with whether the attendee was checked in (a check-in not undone). The read model
 * keeps a registration's current status only, so "confirmed then" is read as: confirmed at
 * some point (it has a ticket), registered before the start, and still confirmed or
 * cancelled only after the session ended. Left out: cancelled events, whose later sessions
 * never happened, and sessions where nobody was checked in, which say that the door did not
 * use Rollcall rather than that nobody came.
 */
const labelled = (a: string) => `
  WITH tracked AS (
    SELECT x.* FROM (${series(a)}) x
     WHERE x.ends_at <= $1
       AND EXISTS (SELECT 1 FROM ${a}.check_ins c WHERE c.event_id = x.event_id AND c.session_id = x.session_id AND c.result = 'ok')
  ), door AS (
    SELECT c.event_id, c.session_id, c.registration_id,
           count(*) FILTER (WHERE c.result = 'ok') > count(*) FILTER (WHERE c.result = 'undone') AS attended
      FROM ${a}.check_ins c JOIN tracked t ON t.event_id = c.event_id AND t.session_id = c.session_id
     WHERE c.registration_id IS NOT NULL
     GROUP BY c.event_id, c.session_id, c.registration_id
  )
  SELECT t.event_id, t.session_id, t.starts_at, t.ends_at, t.session_index, r.attendee_id, r.registered_at,
         coalesce(d.attended, false) AS attended
    FROM tracked t
    JOIN ${a}.registrations r ON r.event_id = t.event_id AND r.registered_at < t.starts_at AND r.ticket_version > 0
     AND (r.status = 'confirmed' OR (r.status = 'cancelled' AND r.updated_at >= t.ends_at))
    LEFT JOIN door d ON d.event_id = t.event_id AND d.session_id = t.session_id AND d.registration_id = r.registration_id`;

interface ExampleRow {
  session_id: string;
  starts_at: Date;
  ends_at: Date;
  session_index: number;
  attendee_id: string;
  registered_at: Date;
  attended: boolean;
  confirmed: number;
}

/** Every past attendance as a training example, from the live attendance read model. */
export const loadTrainingSet = async (db: Queryable, now: Date): Promise<LabelledExample[]> => {
  const { rows } = await db.query<ExampleRow>(
    `SELECT l.*, count(*) OVER (PARTITION BY l.event_id, l.session_id)::int AS confirmed FROM (${labelled(liveSchema('attendance'))}) l`,
    [now],
  );
  return rows.map((row) => ({
    sessionId: row.session_id,
    attendeeId: row.attendee_id,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    registeredAt: row.registered_at,
    sessionIndex: row.session_index,
    confirmed: row.confirmed,
    attended: row.attended,
  }));
};

/** The past attendances of some attendees: the history their forecasts start from. */
export const loadOutcomes = async (db: Queryable, attendeeIds: readonly string[], now: Date): Promise<Outcome[]> => {
  const { rows } = await db.query<{ attendee_id: string; ends_at: Date; attended: boolean }>(
    `SELECT l.attendee_id, l.ends_at, l.attended FROM (${labelled(liveSchema('attendance'))}) l WHERE l.attendee_id = ANY ($2::text[])`,
    [now, attendeeIds],
  );
  return rows.map((row) => ({ attendeeId: row.attendee_id, endsAt: row.ends_at, attended: row.attended }));
};

/** How many past attendances there are and how many were shows: the fallback's base rate. */
export const countShowUps = async (db: Queryable, now: Date): Promise<ShowUpCounts> => {
  const { rows } = await db.query<{ attended: number; total: number }>(
    `SELECT (count(*) FILTER (WHERE l.attended))::int AS attended, count(*)::int AS total FROM (${labelled(liveSchema('attendance'))}) l`,
    [now],
  );
  return rows[0]!;
};

/** A confirmed registration at one of an event's sessions that has not ended. */
export type UpcomingOccasion = Occasion & { sessionId: string; registrationId: string };

export const loadUpcomingOccasions = async (db: Queryable, eventId: string, now: Date): Promise<UpcomingOccasion[]> => {
  const a = liveSchema('attendance');
  const { rows } = await db.query<Omit<ExampleRow, 'ends_at' | 'attended'> & { registration_id: string }>(
    `SELECT x.session_id, x.starts_at, x.session_index, r.registration_id, r.attendee_id, r.registered_at,
            count(*) OVER (PARTITION BY x.session_id)::int AS confirmed
       FROM (${series(a)}) x
       JOIN ${a}.registrations r ON r.event_id = x.event_id AND r.status = 'confirmed'
      WHERE x.event_id = $1 AND x.ends_at > $2`,
    [eventId, now],
  );
  return rows.map((row) => ({
    sessionId: row.session_id,
    registrationId: row.registration_id,
    attendeeId: row.attendee_id,
    startsAt: row.starts_at,
    registeredAt: row.registered_at,
    sessionIndex: row.session_index,
    confirmed: row.confirmed,
  }));
};

/** Published events with a session that has not ended: the ones a full refresh forecasts. */
export const loadUpcomingEventIds = async (db: Queryable, now: Date): Promise<string[]> => {
  const a = liveSchema('attendance');
  const { rows } = await db.query<{ event_id: string }>(
    `SELECT DISTINCT s.event_id FROM ${a}.sessions s JOIN ${a}.events e ON e.event_id = s.event_id AND e.status = 'published'
      WHERE s.ends_at > $1`,
    [now],
  );
  return rows.map((row) => row.event_id);
};
