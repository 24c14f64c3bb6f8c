import type pg from 'pg';
import { LIVE } from './tables.js';

/**
 * Who came to past sessions and who is confirmed for upcoming ones: what the attendance
 * forecasts learn from and predict (src/ml/forecast/).
 */

type Queryable = pg.Pool | pg.PoolClient;

/**
 * Sessions of published events (those `where` keeps), numbered within their event by start
 * time; one without stored times cannot be placed.
 */
const series = (where = 'true') => `
  SELECT s.session_id, s.event_id, s.starts_at, s.ends_at, e.time_zone, e.requires_approval,
         (row_number() OVER (PARTITION BY s.event_id ORDER BY s.starts_at, s.session_id) - 1)::int AS session_index,
         min(s.starts_at) OVER (PARTITION BY s.event_id) AS series_starts_at
    FROM ${LIVE}.sessions s JOIN ${LIVE}.events e ON e.event_id = s.event_id AND e.status = 'published'
   WHERE s.starts_at IS NOT NULL AND s.ends_at IS NOT NULL AND ${where}`;

/** What a registration adds to a session's features: when and how it was confirmed. */
const CONFIRMATION = `r.confirmed_at, r.confirmed_via = 'promotion' AS promoted`;

/**
 * Past attendances, one row per session ended by $1 and registration confirmed for it,
 * labelled with whether the attendee was checked in (a check-in not undone). The read model
 * keeps a registration's current status only, so "confirmed then" is read as: confirmed at
 * some point (it has a ticket), registered before the start, and still confirmed or
 * cancelled only after the session ended. Left out: cancelled events, whose later sessions
 * never happened, and sessions where nobody was checked in, which say that the door did not
 * use Rollcall rather than that nobody came.
 */
const LABELLED = `
  WITH tracked AS (
    SELECT x.* FROM (${series()}) x
     WHERE x.ends_at <= $1
       AND EXISTS (SELECT 1 FROM ${LIVE}.check_ins c WHERE c.event_id = x.event_id AND c.session_id = x.session_id AND c.result = 'ok')
  ), door AS (
    SELECT c.event_id, c.session_id, c.registration_id,
           count(*) FILTER (WHERE c.result = 'ok') > count(*) FILTER (WHERE c.result = 'undone') AS attended
      FROM ${LIVE}.check_ins c JOIN tracked t ON t.event_id = c.event_id AND t.session_id = c.session_id
     WHERE c.registration_id IS NOT NULL
     GROUP BY c.event_id, c.session_id, c.registration_id
  )
  SELECT t.event_id, t.session_id, t.starts_at, t.ends_at, t.session_index, t.series_starts_at, t.time_zone, t.requires_approval,
         r.attendee_id, r.registered_at, ${CONFIRMATION}, coalesce(d.attended, false) AS attended
    FROM tracked t
    JOIN ${LIVE}.registrations r ON r.event_id = t.event_id AND r.registered_at < t.starts_at AND r.ticket_version > 0
     AND (r.status = 'confirmed' OR (r.status = 'cancelled' AND r.updated_at >= t.ends_at))
    LEFT JOIN door d ON d.event_id = t.event_id AND d.session_id = t.session_id AND d.registration_id = r.registration_id`;

/** One attendee's registration at one session: when it was made and confirmed, and where the session stands in its series. */
export interface Attendance {
  eventId: string;
  sessionId: string;
  attendeeId: string;
  startsAt: Date;
  registeredAt: Date;
  /** 0 for an event's first session. */
  sessionIndex: number;
  /** The session's confirmed registrations. */
  confirmed: number;
  /** When the event's first session starts. */
  seriesStartsAt: Date;
  timeZone: string | null;
  requiresApproval: boolean | null;
  confirmedAt: Date | null;
  promotedFromWaitlist: boolean;
}

/** The columns every attendance query selects, as an Attendance. */
const attendanceOf = (row: Record<string, any>): Attendance => ({
  eventId: row.event_id,
  sessionId: row.session_id,
  attendeeId: row.attendee_id,
  startsAt: row.starts_at,
  registeredAt: row.registered_at,
  sessionIndex: row.session_index,
  confirmed: row.confirmed,
  seriesStartsAt: row.series_starts_at,
  timeZone: row.time_zone,
  requiresApproval: row.requires_approval,
  confirmedAt: row.confirmed_at,
  promotedFromWaitlist: row.promoted === true,
});

export interface PastAttendance extends Attendance {
  endsAt: Date;
  attended: boolean;
}

/** Every past attendance, labelled. */
export const pastAttendances = async (db: Queryable, now: Date): Promise<PastAttendance[]> => {
  const { rows } = await db.query(
    `SELECT l.*, count(*) OVER (PARTITION BY l.event_id, l.session_id)::int AS confirmed FROM (${LABELLED}) l`,
    [now],
  );
  return rows.map((row) => ({ ...attendanceOf(row), endsAt: row.ends_at, attended: row.attended }));
};

/**
 * LABELLED's outcomes for the registrations of some attendees and of some events only, as a
 * refresh needs them: it starts from those registrations (indexed), where LABELLED starts
 * from every session, so a refresh costs what its people's past holds, not the whole history.
 */
const OUTCOMES_OF = `
  WITH regs AS MATERIALIZED (
    SELECT r.event_id, r.registration_id, r.attendee_id, r.registered_at, r.status, r.updated_at
      FROM ${LIVE}.registrations r
     -- IN a set, not = ANY an array: PostgreSQL hashes the one and compares each row to every element of the other.
     WHERE (r.attendee_id IN (SELECT unnest($2::text[])) OR r.event_id IN (SELECT unnest($3::uuid[])))
       AND r.ticket_version > 0 AND r.status IN ('confirmed', 'cancelled')
  ), ended AS MATERIALIZED (
    SELECT s.event_id, s.session_id, s.starts_at, s.ends_at
      FROM ${LIVE}.sessions s JOIN ${LIVE}.events e ON e.event_id = s.event_id AND e.status = 'published'
     WHERE s.event_id IN (SELECT event_id FROM regs) AND s.starts_at IS NOT NULL AND s.ends_at <= $1
       AND EXISTS (SELECT 1 FROM ${LIVE}.check_ins c WHERE c.event_id = s.event_id AND c.session_id = s.session_id AND c.result = 'ok')
  ), door AS (
    SELECT c.event_id, c.session_id, c.registration_id
      FROM ${LIVE}.check_ins c JOIN regs r ON r.event_id = c.event_id AND r.registration_id = c.registration_id
     GROUP BY c.event_id, c.session_id, c.registration_id
    HAVING count(*) FILTER (WHERE c.result = 'ok') > count(*) FILTER (WHERE c.result = 'undone')
  )
  SELECT r.attendee_id, r.event_id, x.ends_at, d.registration_id IS NOT NULL AS attended
    FROM regs r
    JOIN ended x ON x.event_id = r.event_id AND r.registered_at < x.starts_at AND (r.status = 'confirmed' OR r.updated_at >= x.ends_at)
    LEFT JOIN door d ON d.event_id = x.event_id AND d.session_id = x.session_id AND d.registration_id = r.registration_id`;

/** The past attendances of some attendees, and everyone's at some events: whether they came and when. */
export const showUpsOf = async (
  db: Queryable,
  of: { attendeeIds: readonly string[]; eventIds: readonly string[] },
  now: Date,
): Promise<{ attendeeId: string; eventId: string; endsAt: Date; attended: boolean }[]> => {
  const { rows } = await db.query(OUTCOMES_OF, [now, of.attendeeIds, of.eventIds]);
  return rows.map((row) => ({ attendeeId: row.attendee_id, eventId: row.event_id, endsAt: row.ends_at, attended: row.attended }));
};

/** How many past attendances there are and how many were shows. */
export const showUpCounts = async (db: Queryable, now: Date): Promise<{ attended: number; total: number }> => {
  const { rows } = await db.query<{ attended: number; total: number }>(
    `SELECT (count(*) FILTER (WHERE l.attended))::int AS attended, count(*)::int AS total FROM (${LABELLED}) l`,
    [now],
  );
  return rows[0]!;
};

/** Each confirmed registration at each of an event's sessions that has not ended. */
export const upcomingAttendances = async (db: Queryable, eventId: string, now: Date): Promise<(Attendance & { registrationId: string })[]> => {
  const { rows } = await db.query(
    `SELECT x.event_id, x.session_id, x.starts_at, x.session_index, x.series_starts_at, x.time_zone, x.requires_approval,
            r.registration_id, r.attendee_id, r.registered_at, ${CONFIRMATION},
            count(*) OVER (PARTITION BY x.session_id)::int AS confirmed
       FROM (${series('s.event_id = $1')}) x
       JOIN ${LIVE}.registrations r ON r.event_id = x.event_id AND r.status = 'confirmed'
      WHERE x.event_id = $1 AND x.ends_at > $2`,
    [eventId, now],
  );
  return rows.map((row) => ({ ...attendanceOf(row), registrationId: row.registration_id }));
};

/** Published events with a session that has not ended. */
export const eventsWithUpcomingSessions = async (db: Queryable, now: Date): Promise<string[]> => {
  const { rows } = await db.query<{ event_id: string }>(
    `SELECT DISTINCT s.event_id FROM ${LIVE}.sessions s JOIN ${LIVE}.events e ON e.event_id = s.event_id AND e.status = 'published'
      WHERE s.ends_at > $1`,
    [now],
  );
  return rows.map((row) => row.event_id);
};
