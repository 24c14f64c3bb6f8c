import type pg from 'pg';
import { PERSON_COLUMNS, personJoin } from './people.js';
import { LIVE } from './tables.js';
import { inTransaction } from '../../postgres/transaction.js';

/**
 * The reports' named queries. Each is one statement, so a report reads one snapshot of the
 * read model (never counts from one batch beside sessions from the next), and each part is an
 * index range of one event's or one organizer's rows, however long the history.
 */

type Queryable = pg.Pool | pg.PoolClient;

export interface EventFigures {
  title: string | null;
  timeZone: string | null;
  counts: Record<'pending' | 'confirmed' | 'waitlisted' | 'cancelled' | 'rejected' | 'attended' | 'unusedTickets', number>;
  /** Registrations made, by quarter hour (UTC). */
  registrationTimes: { quarterHour: Date; registrations: number }[];
  /** Registrations confirmed now, by the quarter hour (UTC) they were confirmed in. */
  confirmationTimes: { quarterHour: Date; confirmed: number }[];
  approvals: { count: number; medianSeconds: number | null; p90Seconds: number | null };
  sessions: { sessionId: string; startsAt: Date | null; endsAt: Date | null; checkedIn: number; checkedInConfirmed: number }[];
  arrivals: { sessionId: string; fiveMinutes: Date; checkIns: number }[];
  refusals: { sessionId: string; reason: string; scans: number }[];
}

const at = (value: string | null): Date | null => (value === null ? null : new Date(value));

/** An event's figures; all zero for an event the read model does not have (yet). */
export const eventFigures = async (db: Queryable, eventId: string): Promise<EventFigures> => {
  const { rows } = await db.query(
    `SELECT e.title, e.time_zone, coalesce(e.pending, 0) AS pending, coalesce(e.confirmed, 0) AS confirmed, coalesce(e.waitlisted, 0) AS waitlisted,
            coalesce(e.cancelled, 0) AS cancelled, coalesce(e.rejected, 0) AS rejected, coalesce(e.attended, 0) AS attended,
            coalesce(e.unused_tickets, 0) AS unused_tickets,
            (SELECT coalesce(json_agg(json_build_array(t.quarter_hour, t.registrations) ORDER BY t.quarter_hour), '[]')
               FROM ${LIVE}.registration_times t WHERE t.event_id = k.event_id) AS registration_times,
            (SELECT coalesce(json_agg(json_build_array(t.quarter_hour, t.confirmed) ORDER BY t.quarter_hour), '[]')
               FROM ${LIVE}.confirmation_times t WHERE t.event_id = k.event_id) AS confirmation_times,
            (SELECT json_build_array(count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY a.seconds), percentile_cont(0.9) WITHIN GROUP (ORDER BY a.seconds))
               FROM ${LIVE}.approvals a WHERE a.event_id = k.event_id) AS approvals,
            (SELECT coalesce(json_agg(json_build_array(x.session_id, x.starts_at, x.ends_at, x.checked_in, x.checked_in_confirmed) ORDER BY x.starts_at, x.session_id), '[]')
               FROM ${LIVE}.sessions x WHERE x.event_id = k.event_id) AS sessions,
            (SELECT coalesce(json_agg(json_build_array(a.session_id, a.five_minutes, a.check_ins) ORDER BY a.five_minutes), '[]')
               FROM ${LIVE}.arrivals a WHERE a.event_id = k.event_id) AS arrivals,
            (SELECT coalesce(json_agg(json_build_array(r.session_id, r.reason, r.scans) ORDER BY r.reason), '[]')
               FROM ${LIVE}.refusals r WHERE r.event_id = k.event_id) AS refusals
       FROM (SELECT $1::uuid AS event_id) k LEFT JOIN ${LIVE}.events e ON e.event_id = k.event_id`,
    [eventId],
  );
  const row = rows[0]!;
  const [approvals, median, p90] = row.approvals as [number, number | null, number | null];
  return {
    title: row.title,
    timeZone: row.time_zone,
    counts: {
      pending: row.pending,
      confirmed: row.confirmed,
      waitlisted: row.waitlisted,
      cancelled: row.cancelled,
      rejected: row.rejected,
      attended: row.attended,
      unusedTickets: row.unused_tickets,
    },
    registrationTimes: (row.registration_times as [string, number][]).map(([quarterHour, registrations]) => ({ quarterHour: new Date(quarterHour), registrations })),
    confirmationTimes: (row.confirmation_times as [string, number][]).map(([quarterHour, confirmed]) => ({ quarterHour: new Date(quarterHour), confirmed })),
    approvals: { count: approvals, medianSeconds: median, p90Seconds: p90 },
    sessions: (row.sessions as [string, string | null, string | null, number, number][]).map(([sessionId, startsAt, endsAt, checkedIn, checkedInConfirmed]) => ({
      sessionId,
      startsAt: at(startsAt),
      endsAt: at(endsAt),
      checkedIn,
      checkedInConfirmed,
    })),
    arrivals: (row.arrivals as [string, string, number][]).map(([sessionId, fiveMinutes, checkIns]) => ({ sessionId, fiveMinutes: new Date(fiveMinutes), checkIns })),
    refusals: (row.refusals as [string, string, number][]).map(([sessionId, reason, scans]) => ({ sessionId, reason, scans })),
  };
};

export interface OrganizerFigures {
  /** The organizer's events whose first session starts in the period, in start order. */
  events: { eventId: string; title: string | null; status: string; startsAt: Date; confirmed: number; attended: number }[];
  /** People checked in at one of those events at least, and of them those checked in at two or more. */
  attendees: number;
  repeatAttendees: number;
  /** Those who came to the most of the events, most first (ties by account id); name and email from the accounts read model. */
  top: { attendeeId: string; events: number; name: string | null; email: string | null }[];
}

/**
 * Who came to how many of an organizer's events in a period, from whichever reads fewer rows:
 * the period's attendances (an event's are about its `attended`), counted up by attendee, or
 * the organizer's attendees (as many as `organizers` says), one row each listing when the
 * events they came to start, of which two binary searches (width_bucket) count those in the
 * period. So however much of a long history a period holds, it costs no more than one row per
 * attendee, and a short one no more than its own attendances.
 */
const CAME = `
  mine AS (
    SELECT event_id, title, status, starts_at, confirmed, attended FROM ${LIVE}.events WHERE organizer_id = $1 AND starts_at >= $2::timestamptz AND starts_at < $3::timestamptz
  ), counting AS (
    SELECT coalesce(sum(attended), 0) <= coalesce((SELECT attendees FROM ${LIVE}.organizers WHERE organizer_id = $1), 0) AS from_attendances FROM mine
  ), came AS (
    SELECT a.attendee_id, count(*)::int AS events FROM ${LIVE}.event_attendees a JOIN mine m ON m.event_id = a.event_id
     WHERE (SELECT from_attendances FROM counting) GROUP BY a.attendee_id
    UNION ALL
    SELECT * FROM (
      -- width_bucket counts the starts up to a time, and a timestamptz counts whole microseconds: those before $3 less those before $2.
      SELECT o.attendee_id, width_bucket($3::timestamptz - interval '1 microsecond', o.starts) - width_bucket($2::timestamptz - interval '1 microsecond', o.starts) AS events
        FROM ${LIVE}.organizer_attendees o WHERE o.organizer_id = $1 AND NOT (SELECT from_attendances FROM counting)
    ) listed WHERE listed.events > 0
  )`;

/** Enough for an organizer's attendees to be counted and ranked in memory rather than on disk (the default is 4 MB). */
const RANKING_MEMORY = '32MB';

/** An organizer's events starting from `from` (inclusive) to `to` (exclusive), and who came to them. */
export const organizerFigures = async (pool: pg.Pool, args: { organizerId: string; from: string; to: string; top: number }): Promise<OrganizerFigures> => {
  return inTransaction(pool, async (client) => {
    await client.query(`SET LOCAL work_mem = '${RANKING_MEMORY}'`);
    const { rows } = await client.query(
      // The totals apart from the ranking: a window over every attendee would make PostgreSQL sort
      // them all, where LIMIT alone keeps the top few in a heap (`came`, read twice, is computed once).
      `WITH ${CAME}, totals AS (
         SELECT count(*)::int AS attendees, (count(*) FILTER (WHERE c.events >= 2))::int AS repeaters FROM came c
       ), ranked AS (
         SELECT c.attendee_id, c.events FROM came c ORDER BY c.events DESC, c.attendee_id COLLATE "C" LIMIT $4
       )
       SELECT (SELECT coalesce(json_agg(json_build_array(m.event_id, m.title, m.status, m.starts_at, m.confirmed, m.attended) ORDER BY m.starts_at, m.event_id), '[]')
                 FROM mine m) AS events,
              (SELECT coalesce(json_agg(json_build_array(t.attendee_id, t.events, t.name, t.email) ORDER BY t.events DESC, t.attendee_id COLLATE "C"), '[]')
                 FROM (SELECT r.*, ${PERSON_COLUMNS} FROM ranked r ${personJoin('r.attendee_id')}) t) AS top,
              totals.attendees, totals.repeaters
         FROM totals`,
      [args.organizerId, args.from, args.to, args.top],
    );
    const row = rows[0]!;
    const top = row.top as [string, number, string | null, string | null][];
    return {
      events: (row.events as [string, string | null, string, string, number, number][]).map(([eventId, title, status, startsAt, confirmed, attended]) => ({
        eventId,
        title,
        status,
        startsAt: new Date(startsAt),
        confirmed,
        attended,
      })),
      attendees: row.attendees,
      repeatAttendees: row.repeaters,
      top: top.map(([attendeeId, events, name, email]) => ({ attendeeId, events, name, email })),
    };
  }, 'BEGIN READ ONLY');
};
