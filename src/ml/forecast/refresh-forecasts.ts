import type pg from 'pg';
import type { CommandContext, CommandHandler } from '../../commands/command-handler.js';
import { deterministicId } from '../../commands/deterministic-id.js';
import { SYSTEM } from '../../domain/actor.js';
import { DomainError } from '../../domain/domain-error.js';
import { type RecordForecast, forecastDecider } from '../../domain/forecast/business-logic.js';
import type { RegistrationProbability } from '../../domain/forecast/forecast.js';
import { forecastStream } from '../../domain/streams.js';
import { formatPosition } from '../../eventstore/position.js';
import { type Trace, traceOf } from '../../eventstore/trace.js';
import { sessionsOf, visibleEvent } from '../../projections/attendance/event-queries.js';
import { eventsWithUpcomingSessions, showUpsOf, upcomingAttendances } from '../../projections/attendance/show-up-queries.js';
import { ATTENDANCE } from '../../projections/attendance/tables.js';
import { readCheckpoint } from '../../projections/runner.js';
import { isUuid } from '../../uuid.js';
import { expectedAttendance } from './expected-attendance.js';
import { AttendeeHistory, featuresOf } from './features.js';
import { type Forecaster, currentForecaster } from './forecaster.js';
import { inTransaction } from '../../postgres/transaction.js';

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

export interface ForecastRefreshDependencies extends ForecastJobDependencies {
  /** Where forecasts are recorded: the process's command side, on the configured event store. */
  commands: CommandHandler;
  /** What forecasts are made with (forecaster.ts's `currentForecaster` unless given): specs put a misbehaving model in its place. */
  currentForecaster?: typeof currentForecaster;
}

/** One run of the job as pg-boss hands it over: its id names the run's commands, so a retried job records each forecast once. */
export interface ForecastRefreshJob {
  id: string;
  data: unknown;
}

/** The `model` label of the inference metric for forecasts: one inference is one event's registrations. */
export const ATTENDANCE_FORECAST = 'attendance-forecast';

const parseData = (data: unknown): ForecastRefreshData => {
  const eventId = (data as { eventId?: unknown } | null | undefined)?.eventId;
  const trace = traceOf(data);
  if (eventId === undefined) return {};
  if (typeof eventId !== 'string' || !isUuid(eventId)) throw new Error(`forecast-refresh: eventId must be an event's UUID, not ${JSON.stringify(eventId)}`);
  return { eventId: eventId.toLowerCase(), ...(trace ? { trace } : {}) };
};

/**
 * What an event's forecast is made from, read in one snapshot of the attendance read model
 * together with its checkpoint (committed with the rows it covers), so that the position a
 * forecast names is exactly what its inputs reflected. A session is forecast while it has not
 * ended and its event is published.
 */
const readInputs = async (pool: pg.Pool, eventId: string, now: Date) => {
  return inTransaction(pool, async (client) => {
    const checkpoint = await readCheckpoint(client, ATTENDANCE);
    // Anonymous viewers see published events only.
    const published = (await visibleEvent(client, eventId, undefined)) !== null;
    const sessions = published ? ((await sessionsOf(client, [eventId])).get(eventId) ?? []) : [];
    const sessionIds = sessions.filter((s) => s.startsAt !== null && s.endsAt !== null && Date.parse(s.endsAt) > now.getTime()).map((s) => s.sessionId);
    const occasions = sessionIds.length > 0 ? await upcomingAttendances(client, eventId, now) : [];
    const showUps = await showUpsOf(client, { attendeeIds: [...new Set(occasions.map((o) => o.attendeeId))], eventIds: [eventId] }, now);
    return { inputsPosition: checkpoint?.position ? formatPosition(checkpoint.position) : null, sessionIds, occasions, history: new AttendeeHistory(showUps) };
  }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
};

/** The system records forecasts, within the request of the change that made them stale; the hourly sweep's are the job's own. */
const contextOf = (job: ForecastRefreshJob, trace: Trace | undefined, sessionId: string, now: Date): CommandContext => ({
  commandId: deterministicId('forecast-refresh', job.id, sessionId),
  actorId: SYSTEM.accountId,
  correlationId: trace?.correlationId ?? job.id,
  causationId: trace?.causationId ?? job.id,
  now,
});

interface Refreshed {
  sessions: number;
  registrations: number;
  /** Forecasts recorded; the others said nothing new (see recordForecast). */
  recorded: number;
}

/** Forecasts every confirmed registration at each upcoming session of the event, and records each session's forecast. */
const refreshEvent = async (
  deps: ForecastRefreshDependencies,
  forecaster: Forecaster,
  run: { job: ForecastRefreshJob; trace: Trace | undefined },
  eventId: string,
  now: Date,
): Promise<Refreshed> => {
  const { inputsPosition, sessionIds, occasions, history } = await readInputs(deps.pool, eventId, now);
  // The reads above are I/O, not inference: timed from the features to the last probability.
  const inferred = occasions.length > 0 ? deps.timeInference?.(ATTENDANCE_FORECAST) : undefined;
  const probabilities = await forecaster.probabilities(occasions.map((occasion) => featuresOf(occasion, history)));
  inferred?.();
  // Every upcoming session, those nobody is confirmed for among them: a session everyone left has a forecast to replace.
  const bySession = new Map(sessionIds.map((sessionId): [string, RegistrationProbability[]] => [sessionId, []]));
  occasions.forEach(({ sessionId, registrationId }, i) => bySession.get(sessionId)?.push({ registrationId, probability: probabilities[i]! }));
  let recorded = 0;
  // One session at a time: commands queued together on a stream are appended together, and a
  // session's forecast can be most of what one append may hold.
  for (const [sessionId, registrations] of bySession) {
    const { expected, low, high } = expectedAttendance(registrations.map((r) => r.probability), forecaster.sessionVariance);
    const command: RecordForecast = {
      type: 'RecordForecast',
      data: { eventId, sessionId, registrations, expected, low, high, modelVersion: forecaster.modelVersion, inputsPosition, now },
    };
    const result = await deps.commands.handle(forecastDecider, forecastStream(eventId), command, contextOf(run.job, run.trace, sessionId, now));
    recorded += result.events.length;
  }
  return { sessions: bySession.size, registrations: occasions.length, recorded };
};

/**
 * The `forecast-refresh` job: records an AttendanceForecasted for each upcoming session of the
 * event (or of every published event with one, hourly) whose forecast changed. An event no
 * longer published, or a session that ended, simply gets no new forecast; the read model stops
 * showing them. A forecast the decider refuses (a model gone wrong) is logged and the other
 * events are still refreshed; the job then fails, so that it shows among the failed jobs.
 */
export const refreshForecasts = async (deps: ForecastRefreshDependencies, job: ForecastRefreshJob, now = new Date()) => {
  const { eventId, trace } = parseData(job.data);
  const eventIds = eventId ? [eventId] : await eventsWithUpcomingSessions(deps.pool, now);
  const forecaster = await (deps.currentForecaster ?? currentForecaster)(deps.pool, now, deps.log);
  const total: Refreshed = { sessions: 0, registrations: 0, recorded: 0 };
  const refused: string[] = [];
  for (const id of eventIds) {
    try {
      const refreshed = await refreshEvent(deps, forecaster, { job, trace }, id, now);
      for (const key of ['sessions', 'registrations', 'recorded'] as const) total[key] += refreshed[key];
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      refused.push(id);
      deps.log(`forecast-refresh: the forecast of event ${id} was refused: ${error.message}`);
    }
  }
  const by = forecaster.modelVersion === null ? 'the base rate (no usable model)' : `model v${forecaster.modelVersion}`;
  deps.log(
    `forecast-refresh: ${total.registrations} registrations at ${total.sessions} sessions of ${eventIds.length} events forecast by ${by}; ${total.recorded} forecasts recorded, ${total.sessions - total.recorded} unchanged`,
  );
  if (refused.length > 0) throw new Error(`forecast-refresh: forecasts refused for ${refused.length} of ${eventIds.length} events (${refused.join(', ')})`);
  return { events: eventIds.length, ...total, modelVersion: forecaster.modelVersion };
};
