import type pg from 'pg';
import { eventsWithUpcomingSessions, showUpCounts, showUpsOf, upcomingAttendances } from '../../projections/attendance/show-up-queries.js';
import type { Trace } from '../../eventstore/trace.js';
import { isUuid } from '../../uuid.js';
import { AttendeeHistory, featuresOf } from './features.js';
import { type Forecaster, baseRateForecaster, modelForecaster } from './forecaster.js';
import { latestModel, replaceForecasts } from './forecast-store.js';

/** A `forecast-refresh` job: one event (a reactor saw it change), or every upcoming one (the hourly cron). */
export interface ForecastRefreshData {
  eventId?: string;
  /** The change that made the forecast stale (the first of its window), and its request. */
  trace?: Trace;
}

export interface ForecastJobDependencies {
  pool: pg.Pool;
  log: (line: string) => void;
  /** Starts timing one inference of `model` and returns what stops it (the inference metric); untimed without it. */
  timeInference?: (model: string) => () => void;
}

/** The `model` label of the inference metric for forecasts: one inference is one event's registrations. */
export const ATTENDANCE_FORECAST = 'attendance-forecast';

const parseData = (data: unknown): ForecastRefreshData => {
  const eventId = (data as { eventId?: unknown } | null | undefined)?.eventId;
  if (eventId === undefined) return {};
  if (typeof eventId !== 'string' || !isUuid(eventId)) throw new Error(`forecast-refresh: eventId must be an event's UUID, not ${JSON.stringify(eventId)}`);
  return { eventId };
};

/** The newest model when this code can use it; otherwise the smoothed base rate, saying why. */
const chooseForecaster = async (deps: ForecastJobDependencies, now: Date): Promise<Forecaster> => {
  const model = await latestModel(deps.pool);
  const forecaster = model && modelForecaster(model);
  if (forecaster) return forecaster;
  if (model) deps.log(`forecast-refresh: model v${model.version} (${model.kind}: ${model.featureNames.join(', ')}) does not fit this code's features; using the base rate`);
  return baseRateForecaster(await showUpCounts(deps.pool, now));
};

/** Forecasts every confirmed registration at the event's sessions that have not ended, replacing its rows. */
const refreshEvent = async ({ pool, timeInference }: ForecastJobDependencies, forecaster: Forecaster, eventId: string, now: Date): Promise<number> => {
  const occasions = await upcomingAttendances(pool, eventId, now);
  const history = new AttendeeHistory(await showUpsOf(pool, { attendeeIds: [...new Set(occasions.map((o) => o.attendeeId))], eventIds: [eventId] }, now));
  // The reads above are I/O, not inference: timed from the features to the last probability.
  const inferred = occasions.length > 0 ? timeInference?.(ATTENDANCE_FORECAST) : undefined;
  const probabilities = await forecaster.probabilities(occasions.map((occasion) => featuresOf(occasion, history)));
  const forecasts = occasions.map((occasion, i) => ({
    sessionId: occasion.sessionId,
    registrationId: occasion.registrationId,
    attendeeId: occasion.attendeeId,
    probability: probabilities[i]!,
  }));
  inferred?.();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await replaceForecasts(client, eventId, forecasts, forecaster.modelVersion, now);
    await client.query('COMMIT');
    return forecasts.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
};

/**
 * The `forecast-refresh` job. Refreshing one event that is no longer published, or has no
 * session left to come, clears its rows; the sweep passes over such events, so an event
 * keeps the last forecast made before its final session ended.
 */
export const refreshForecasts = async (deps: ForecastJobDependencies, data: unknown, now = new Date()) => {
  const { eventId } = parseData(data);
  const eventIds = eventId ? [eventId] : await eventsWithUpcomingSessions(deps.pool, now);
  const forecaster = await chooseForecaster(deps, now);
  let registrations = 0;
  for (const id of eventIds) registrations += await refreshEvent(deps, forecaster, id, now);
  const by = forecaster.modelVersion === null ? 'the base rate (no usable model)' : `model v${forecaster.modelVersion}`;
  deps.log(`forecast-refresh: ${registrations} registrations at ${eventIds.length} events forecast by ${by}`);
  return { events: eventIds.length, registrations, modelVersion: forecaster.modelVersion };
};
