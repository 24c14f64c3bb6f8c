import type pg from 'pg';
import { comparePositions, formatPosition } from '../../eventstore/position.js';
import { LIVE as ATTENDANCE } from '../attendance/tables.js';
import { type Page, type PageArgs, decodeCursor, pageSize, paged } from '../pages.js';
import { LIVE } from './tables.js';

/**
 * Named queries on the recorded forecasts. The latest forecast joins the attendance read model
 * through its live schema's name, as that model joins the accounts for people's names: which
 * sessions are still to come, and who each registration is, are its facts, and one statement
 * has to filter by them.
 */

type Queryable = pg.Pool | pg.PoolClient;

interface ForecastRow {
  commit_position: string;
  prepare_position: string;
  session_id: string;
  confirmed: number;
  expected: number;
  low: number;
  high: number;
  model_version: number | null;
  inputs_position: string | null;
  computed_at: Date | null;
}

const positionOf = (row: ForecastRow) => ({ commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) });

/** Each session's forecast with the highest position: the one recorded last. */
const LATEST = `
  SELECT DISTINCT ON (f.session_id) f.* FROM ${LIVE}.session_forecasts f
   WHERE f.event_id = $1
   ORDER BY f.session_id, f.commit_position DESC, f.prepare_position DESC`;

/**
 * An event's current forecast as `attendanceForecast` shows it: the latest forecast of each
 * session that has not ended, sessions in start order, while the event is published (a
 * cancelled event's sessions will not happen, whatever was forecast). A session nobody is
 * confirmed for any more is left out, as one never forecast is. Each forecast shows its
 * figures as recorded, and of its registrations those still confirmed: someone who cancelled
 * since will not come, whatever the model thought, and the cancellation's own refresh
 * replaces the figures within the trigger's window. Top-level, the model and time of the
 * newest of the forecasts shown: a refresh that finds nothing new records nothing, so that is
 * when the forecast last changed.
 */
export const eventForecast = async (db: Queryable, eventId: string, now = new Date()) => {
  const { rows } = await db.query<ForecastRow & { starts_at: Date }>(
    `SELECT l.*, s.starts_at FROM (${LATEST}) l
       JOIN ${ATTENDANCE}.events e ON e.event_id = l.event_id AND e.status = 'published'
       JOIN ${ATTENDANCE}.sessions s ON s.event_id = l.event_id AND s.session_id = l.session_id
      WHERE s.starts_at IS NOT NULL AND s.ends_at > $2 AND l.confirmed > 0
      ORDER BY s.starts_at, l.session_id`,
    [eventId, now],
  );
  const { rows: registrations } = await db.query<{ session_id: string; registration_id: string; attendee_id: string; probability: number }>(
    `SELECT f.session_id, f.registration_id, r.attendee_id, f.probability
       FROM ${LIVE}.registration_forecasts f
       JOIN ${ATTENDANCE}.registrations r ON r.event_id = f.event_id AND r.registration_id = f.registration_id
      WHERE f.event_id = $1 AND r.status = 'confirmed' AND r.attendee_id IS NOT NULL
      ORDER BY f.probability DESC, f.registration_id`,
    [eventId],
  );
  const bySession = new Map<string, { registrationId: string; attendeeId: string; probability: number }[]>();
  for (const r of registrations)
    bySession.set(r.session_id, [...(bySession.get(r.session_id) ?? []), { registrationId: r.registration_id, attendeeId: r.attendee_id, probability: r.probability }]);
  const newest = rows.reduce<(typeof rows)[number] | undefined>(
    (best, row) => (!best || comparePositions(positionOf(row), positionOf(best)) > 0 ? row : best),
    undefined,
  );
  return {
    eventId,
    modelVersion: newest?.model_version ?? null,
    computedAt: newest?.computed_at?.toISOString() ?? null,
    sessions: rows.map((row) => ({
      sessionId: row.session_id,
      startsAt: row.starts_at.toISOString(),
      confirmed: row.confirmed,
      expectedAttendance: row.expected,
      low: row.low,
      high: row.high,
      registrations: bySession.get(row.session_id) ?? [],
    })),
  };
};

export type EventForecast = Awaited<ReturnType<typeof eventForecast>>;

export interface ForecastHistoryFilter extends PageArgs {
  eventId: string;
  sessionId?: string | null;
}

/** A page without `first`; the schema declares it as the default, which the query cost rule prices. */
export const FORECAST_HISTORY_PAGE = 50;

/** A forecast as the history lists it; its probabilities are in the log, at `position`. */
const recordedForecast = (row: ForecastRow) => ({
  position: formatPosition(positionOf(row)),
  sessionId: row.session_id,
  computedAt: row.computed_at?.toISOString() ?? null,
  confirmed: row.confirmed,
  expectedAttendance: row.expected,
  low: row.low,
  high: row.high,
  modelVersion: row.model_version,
  inputsPosition: row.inputs_position,
});

export type RecordedForecastView = ReturnType<typeof recordedForecast>;

/** Every forecast recorded for an event (or one of its sessions), newest first, ended sessions' too: what was predicted when. */
export const forecastHistory = async (db: Queryable, filter: ForecastHistoryFilter): Promise<Page<RecordedForecastView>> => {
  const size = pageSize(filter.first, FORECAST_HISTORY_PAGE);
  const before = decodeCursor(filter.after)?.split('/');
  const { rows } = await db.query<ForecastRow>(
    `SELECT * FROM ${LIVE}.session_forecasts
      WHERE event_id = $1 AND ($2::uuid IS NULL OR session_id = $2)
        AND ($3::bigint IS NULL OR (commit_position, prepare_position) < ($3, $4))
      ORDER BY commit_position DESC, prepare_position DESC LIMIT $5`,
    [filter.eventId, filter.sessionId ?? null, before?.[0] ?? null, before?.[1] ?? before?.[0] ?? null, size + 1],
  );
  return paged(rows, size, (row) => `${row.commit_position}/${row.prepare_position}`, recordedForecast);
};
