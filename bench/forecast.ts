/**
 * The attendance forecast on this machine, against a real PostgreSQL: (1) one registration's
 * inference (its features to its probability on the promoted ONNX model); (2) a
 * 1,000-registration session's refresh: every registration's features, probability and the
 * session's expected head count and interval, from the history as read (issue 15's target:
 * under 20 ms); (3) the reads that history takes; and (4) the whole `forecast-refresh` job for
 * its event: reading the read model and its checkpoint, the attendees' history, (2), and
 * recording the AttendanceForecasted through the command side. Before each job one more person
 * registers (untimed), so each has something new to record, as after a real registration. The
 * history: 1,000 attendees, each confirmed for three of twelve past four-session events. Last
 * line: one JSON object with every figure.
 */
import { randomUUID } from 'node:crypto';
import { CommandHandler } from '../src/commands/command-handler.js';
import { PostgresEventStore } from '../src/eventstore/postgres/postgres-event-store.js';
import { AttendanceHistory } from '../src/ml/forecast/attendance-history.fixture.js';
import { expectedAttendance } from '../src/ml/forecast/expected-attendance.js';
import { AttendeeHistory, featuresOf } from '../src/ml/forecast/features.js';
import { currentForecaster } from '../src/ml/forecast/forecaster.js';
import { refreshForecasts } from '../src/ml/forecast/refresh-forecasts.js';
import { retrainForecastModel } from '../src/ml/forecast/retrain-model.js';
import { seededRandom } from '../src/ml/forecast/seeded-random.fixture.js';
import { showUpsOf, upcomingAttendances } from '../src/projections/attendance/show-up-queries.js';
import { migrate } from '../src/postgres/migrate.js';
import { createPool } from '../src/postgres/pool.js';
import { openBenchDatabase } from './bench-database.js';

const ATTENDEES = 1_000;
const PAST_EVENTS = 12;
const INFERENCES = Number(process.env.BENCH_INFERENCES ?? 2_000);
const REFRESHES = Number(process.env.BENCH_REFRESHES ?? 60);
const DAY = 86_400_000;
const HOUR = 3_600_000;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const round = (value: number, digits = 3) => Number(value.toFixed(digits));
const timed = async (work: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

/** Past events whose attendees each come with a chance of their own, and one upcoming session everyone is confirmed for. */
const writeHistory = async (history: AttendanceHistory, pool: Parameters<AttendanceHistory['project']>[0], now: Date) => {
  const next = seededRandom(5);
  const habits = Array.from({ length: ATTENDEES }, () => next());
  for (let e = 0; e < PAST_EVENTS; e++) {
    const starts = Array.from({ length: 4 }, (_, week) => new Date(now.getTime() - (5 + e + 7 * (6 - week)) * DAY - 5 * HOUR));
    const createdAt = new Date(starts[0]!.getTime() - 20 * DAY);
    const { eventId, sessionIds } = history.event('bench-organizer', starts, createdAt);
    for (let a = e % 4; a < ATTENDEES; a += 4) {
      const attendeeId = `attendee-${a}`;
      const registrationId = history.register(eventId, attendeeId, new Date(createdAt.getTime() + next() * 10 * DAY));
      sessionIds.forEach((sessionId, i) => {
        if (next() < habits[a]!) history.checkIn(eventId, sessionId, registrationId, attendeeId, new Date(starts[i]!.getTime() + HOUR));
      });
    }
  }
  const upcoming = history.event('bench-organizer', [new Date(now.getTime() + 7 * DAY)], new Date(now.getTime() - 10 * DAY));
  for (let a = 0; a < ATTENDEES; a++) history.register(upcoming.eventId, `attendee-${a}`, new Date(now.getTime() - next() * 9 * DAY));
  await history.project(pool);
  return upcoming.eventId;
};

const main = async () => {
  const database = await openBenchDatabase('forecast');
  const pool = createPool(database.url, 4, (error) => console.error(`idle connection lost: ${error.message}`));
  const store = new PostgresEventStore({ pool, connectionString: database.url });
  const log = () => undefined;
  try {
    await migrate(pool);
    const now = new Date();
    const history = new AttendanceHistory();
    const eventId = await writeHistory(history, pool, now);
    // Statistics, as autovacuum gathers them soon after a bulk write: before, PostgreSQL plans
    // the history's joins for empty tables and one read can take seconds.
    await pool.query('ANALYZE');
    const retrained = await retrainForecastModel({ pool, log }, now);
    if (!retrained.trained || retrained.status !== 'promoted') throw new Error(`No model to forecast with: ${JSON.stringify(retrained)}`);
    const forecaster = await currentForecaster(pool, now, log);

    const occasions = await upcomingAttendances(pool, eventId, now);
    const showUps = new AttendeeHistory(await showUpsOf(pool, { attendeeIds: occasions.map((o) => o.attendeeId), eventIds: [eventId] }, now));
    const single = [featuresOf(occasions[0]!, showUps)];
    for (let i = 0; i < 200; i++) await forecaster.probabilities(single);
    const inference: number[] = [];
    for (let i = 0; i < INFERENCES; i++) inference.push(await timed(() => forecaster.probabilities(single)));

    const session: number[] = [];
    for (let i = 0; i < 100; i++)
      session.push(
        await timed(async () => expectedAttendance([...(await forecaster.probabilities(occasions.map((o) => featuresOf(o, showUps))))], forecaster.sessionVariance)),
      );
    const reads: number[] = [];
    for (let i = 0; i < 30; i++)
      reads.push(
        await timed(async () => {
          const upcoming = await upcomingAttendances(pool, eventId, now);
          await showUpsOf(pool, { attendeeIds: upcoming.map((o) => o.attendeeId), eventIds: [eventId] }, now);
        }),
      );

    const deps = { pool, log, commands: new CommandHandler(store) };
    const refresh: number[] = [];
    let recorded = 0;
    await refreshForecasts(deps, { id: randomUUID(), data: { eventId } }, now);
    for (let i = 0; i < REFRESHES; i++) {
      history.register(eventId, `newcomer-${i}`, now);
      await history.project(pool);
      refresh.push(
        await timed(async () => {
          recorded += (await refreshForecasts(deps, { id: randomUUID(), data: { eventId } }, now)).recorded;
        }),
      );
    }

    const figures = {
      model_version: retrained.version,
      history_attendances: retrained.metrics.examples,
      inference_median_ms: round(percentile(inference, 50)),
      inference_p99_ms: round(percentile(inference, 99)),
      session_registrations: occasions.length,
      session_refresh_median_ms: round(percentile(session, 50)),
      session_refresh_p99_ms: round(percentile(session, 99)),
      history_reads_median_ms: round(percentile(reads, 50), 1),
      history_reads_p99_ms: round(percentile(reads, 99), 1),
      refresh_job_median_ms: round(percentile(refresh, 50), 1),
      refresh_job_p99_ms: round(percentile(refresh, 99), 1),
      refreshes: REFRESHES,
      forecasts_recorded: recorded,
    };
    console.log(`One registration's inference: median ${figures.inference_median_ms} ms, p99 ${figures.inference_p99_ms} ms (${INFERENCES} runs).`);
    console.log(`A ${occasions.length}-registration session's refresh (features, inference, interval): median ${figures.session_refresh_median_ms} ms, p99 ${figures.session_refresh_p99_ms} ms.`);
    console.log(`Reading its registrations and their history: median ${figures.history_reads_median_ms} ms, p99 ${figures.history_reads_p99_ms} ms.`);
    console.log(`The whole job (reads, refresh, recording): median ${figures.refresh_job_median_ms} ms, p99 ${figures.refresh_job_p99_ms} ms; ${recorded} of ${REFRESHES} recorded.`);
    console.log(JSON.stringify(figures));
  } finally {
    await store.close();
    await pool.end();
    await database.close();
  }
};

await main();
