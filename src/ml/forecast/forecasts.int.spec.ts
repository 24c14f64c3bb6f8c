import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
import { CommandHandler } from '../../commands/command-handler.js';
import type { AttendanceForecasted } from '../../domain/forecast/forecast.js';
import { forecastStream } from '../../domain/streams.js';
import { PostgresEventStore } from '../../eventstore/postgres/postgres-event-store.js';
import { Metrics } from '../../observability/metrics.js';
import { eventsWithUpcomingSessions, pastAttendances } from '../../projections/attendance/show-up-queries.js';
import { forecastsProjection } from '../../projections/forecasts/projection.js';
import { eventForecast, forecastHistory } from '../../projections/forecasts/queries.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { AttendanceHistory } from './attendance-history.fixture.js';
import { expectedAttendance } from './expected-attendance.js';
import { type Forecaster, PRIOR_SHOW_UP_RATE, PRIOR_WEIGHT } from './forecaster.js';
import { type ForecastRefreshDependencies, refreshForecasts } from './refresh-forecasts.js';
import { retrainForecastModel } from './retrain-model.js';

let db: TestDatabase;
let store: PostgresEventStore;
let commands: CommandHandler;
let runner: ProjectionRunner;
const lines: string[] = [];
const deps = (): ForecastRefreshDependencies => ({ pool: db.pool, commands, log: (line: string) => void lines.push(line) });
/** A run of the job as pg-boss would hand it over. */
const refresh = (data: object, extra: Partial<ForecastRefreshDependencies> = {}) => refreshForecasts({ ...deps(), ...extra }, { id: randomUUID(), data }, now);

const DAY = 86_400_000;
const HOUR = 3_600_000;
const now = new Date();
const daysFromNow = (days: number) => new Date(now.getTime() + days * DAY);

const regulars = Array.from({ length: 8 }, (_, i) => `regular-${i}`);
const ghosts = Array.from({ length: 8 }, (_, i) => `ghost-${i}`);
const history = new AttendanceHistory();

// Upcoming: two sessions next week and the one after, for the regulars, the ghosts and a newcomer.
const upcoming = history.event('org', [daysFromNow(7), daysFromNow(14)], daysFromNow(-1));
const attendeeOf = new Map([...regulars, ...ghosts, 'newcomer'].map((attendee) => [history.register(upcoming.eventId, attendee, daysFromNow(-1)), attendee]));

/** What the log holds of an event's forecasts, oldest first. */
const forecastsOf = async (eventId: string) => (await store.readStream(forecastStream(eventId))).map((e) => e.data as AttendanceForecasted['data']);
/** The forecast of each session recorded last. */
const latestOf = async (eventId: string) => [...new Map((await forecastsOf(eventId)).map((f) => [f.sessionId, f])).values()];
/** The read model, once the projection has caught up with the log. */
const readModel = async () => {
  await runner.caughtUp((await store.headPosition())!);
  return db.pool;
};

beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  commands = new CommandHandler(store);
  runner = new ProjectionRunner({ store, pool: db.pool, projection: forecastsProjection });
  await runner.start();
  await history.project(db.pool);
  // The fixture writes the attendance tables itself; a checkpoint says how far the log they reflect goes.
  await db.pool.query(`INSERT INTO rollcall.checkpoints (kind, name, commit_position, prepare_position) VALUES ('projection', 'attendance', 7, 7)`);
});
afterAll(async () => {
  await runner?.stop();
  await store?.close();
  await db?.close();
});

describe('before any session has ended', () => {
  it('records each upcoming session’s forecast at the documented prior, by no model, from inputs at the attendance checkpoint', async () => {
    const metrics = new Metrics();
    const result = await refresh({ eventId: upcoming.eventId }, { timeInference: (model) => metrics.timeInference(model) });
    // One inference of the event's registrations, timed under the label face verification will share.
    expect(await metrics.text()).toMatch(/^rollcall_ml_inference_duration_seconds_count\{model="attendance-forecast"\} 1$/m);
    expect(result).toMatchObject({ events: 1, sessions: 2, registrations: 2 * 17, recorded: 2, modelVersion: null });
    const recorded = await store.readStream(forecastStream(upcoming.eventId));
    expect(recorded.map((e) => [e.type, e.metadata.actorId])).toEqual([
      ['AttendanceForecasted', 'system'],
      ['AttendanceForecasted', 'system'],
    ]);
    const forecasts = await forecastsOf(upcoming.eventId);
    expect(new Set(forecasts.map((f) => f.sessionId))).toEqual(new Set(upcoming.sessionIds));
    for (const forecast of forecasts) {
      expect(forecast).toMatchObject({ eventId: upcoming.eventId, confirmed: 17, modelVersion: null, inputsPosition: '7', computedAt: now.toISOString() });
      expect(forecast.expected).toBeCloseTo(17 * PRIOR_SHOW_UP_RATE, 4);
      expect(new Set(forecast.registrations.map((r) => r.registrationId))).toEqual(new Set(attendeeOf.keys()));
      expect(new Set(forecast.registrations.map((r) => r.probability))).toEqual(new Set([PRIOR_SHOW_UP_RATE]));
    }
    // Registration ids only: who they are stays in the attendance read model.
    expect(JSON.stringify(forecasts)).not.toMatch(/regular|ghost|newcomer/);
  });

  it('records nothing when the next refresh finds the same forecasts, as the hourly sweep mostly does', async () => {
    const result = await refresh({});
    expect(result).toMatchObject({ events: 1, sessions: 2, recorded: 0 });
    expect(lines.at(-1)).toMatch(/0 forecasts recorded, 2 unchanged/);
    expect(await forecastsOf(upcoming.eventId)).toHaveLength(2);
  });

  it('shows each upcoming session’s recorded forecast in the read model, with who each registration is', async () => {
    const forecast = await eventForecast(await readModel(), upcoming.eventId, now);
    const { expected, low, high } = expectedAttendance(Array(17).fill(PRIOR_SHOW_UP_RATE));
    expect(forecast).toMatchObject({ eventId: upcoming.eventId, modelVersion: null, computedAt: now.toISOString() });
    expect(forecast.sessions.map((s) => s.sessionId)).toEqual(upcoming.sessionIds);
    for (const session of forecast.sessions) {
      expect(session).toMatchObject({ confirmed: 17, low, high });
      expect(session.expectedAttendance).toBeCloseTo(expected, 4);
      expect(new Map(session.registrations.map((r) => [r.registrationId, r.attendeeId]))).toEqual(attendeeOf);
    }
    // Once the first session has ended, only the second is shown.
    const later = await eventForecast(db.pool, upcoming.eventId, daysFromNow(7.5));
    expect(later.sessions.map((s) => s.sessionId)).toEqual([upcoming.sessionIds[1]]);
  });

  it('leaves a registration cancelled since the forecast out of it until the next one, which drops it from the figures', async () => {
    const small = history.event('org', [daysFromNow(5)], daysFromNow(-2));
    const [stays, leaves] = ['regular-3', 'ghost-3'].map((attendee) => history.register(small.eventId, attendee, daysFromNow(-2)));
    await history.project(db.pool);
    await refresh({ eventId: small.eventId });
    history.cancelRegistration(small.eventId, leaves!, now);
    await history.project(db.pool);
    const [before] = (await eventForecast(await readModel(), small.eventId, now)).sessions;
    expect(before).toMatchObject({ confirmed: 2, registrations: [expect.objectContaining({ registrationId: stays, attendeeId: 'regular-3' })] });
    expect(before!.registrations).toHaveLength(1);
    await refresh({ eventId: small.eventId });
    const [after] = (await eventForecast(await readModel(), small.eventId, now)).sessions;
    expect(after).toMatchObject({ confirmed: 1, high: 1, registrations: [expect.objectContaining({ registrationId: stays })] });
  });
});

/**
 * Three past events, weekly sessions, everyone registered two weeks ahead; the regulars come
 * every time and the ghosts never, plus the cases the labels must get right.
 */
const seedHistory = async () => {
  const during = (days: number) => new Date(daysFromNow(days).getTime() + HOUR);
  const a = history.event('org', [daysFromNow(-21), daysFromNow(-14), daysFromNow(-7)], daysFromNow(-40));
  let undone = '';
  for (const [event, starts] of [
    [a, [-21, -14, -7]],
    [history.event('org', [daysFromNow(-35), daysFromNow(-28)], daysFromNow(-50)), [-35, -28]],
    [history.event('org', [daysFromNow(-33), daysFromNow(-26)], daysFromNow(-50)), [-33, -26]],
  ] as const) {
    const ids = new Map([...regulars, ...ghosts].map((attendee) => [attendee, history.register(event.eventId, attendee, daysFromNow(starts[0] - 14))]));
    event.sessionIds.forEach((sessionId, i) => {
      for (const attendee of regulars) history.checkIn(event.eventId, sessionId, ids.get(attendee)!, attendee, during(starts[i]!));
    });
    if (event === a) undone = ids.get('regular-0')!;
  }
  const [a1, a2, a3] = a.sessionIds as [string, string, string];
  // Undone at the last session: that is a no-show.
  history.undoCheckIn(a.eventId, a3, undone, new Date(during(-7).getTime() + HOUR));
  // Registered after the first session started: no example for it, a show at the next two.
  const late = history.register(a.eventId, 'late', during(-21));
  history.checkIn(a.eventId, a2, late, 'late', during(-14));
  history.checkIn(a.eventId, a3, late, 'late', during(-7));
  // Came to the first session, cancelled before the second: one example only.
  const quitter = history.register(a.eventId, 'quitter', daysFromNow(-35));
  history.checkIn(a.eventId, a1, quitter, 'quitter', during(-21));
  history.cancelRegistration(a.eventId, quitter, daysFromNow(-20));
  // A cancelled event's session, and one where the door never used Rollcall: no examples.
  const cancelled = history.event('org', [daysFromNow(-30)], daysFromNow(-50));
  const lost = history.register(cancelled.eventId, 'regular-1', daysFromNow(-45));
  history.checkIn(cancelled.eventId, cancelled.sessionIds[0]!, lost, 'regular-1', during(-30));
  history.cancelEvent(cancelled.eventId, daysFromNow(-29));
  const untracked = history.event('org', [daysFromNow(-29)], daysFromNow(-50));
  for (const attendee of regulars) history.register(untracked.eventId, attendee, daysFromNow(-45));
  await history.project(db.pool);
  return { a1, a2, a3, cancelled: cancelled.sessionIds[0]!, untracked: untracked.sessionIds[0]! };
};

describe('with a season of history', () => {
  let sessions: Awaited<ReturnType<typeof seedHistory>>;
  beforeAll(async () => {
    sessions = await seedHistory();
  });

  it('labels each confirmed registration at each ended session with whether it was checked in', async () => {
    const examples = await pastAttendances(db.pool, now);
    const at = (sessionId: string) => new Map(examples.filter((e) => e.sessionId === sessionId).map((e) => [e.attendeeId, e.attended]));
    expect(at(sessions.a1).has('late')).toBe(false);
    expect(at(sessions.a1).get('quitter')).toBe(true);
    expect(at(sessions.a2).has('quitter')).toBe(false);
    expect(at(sessions.a2).get('late')).toBe(true);
    expect(at(sessions.a3).get('regular-0')).toBe(false);
    expect(at(sessions.a3).get('regular-1')).toBe(true);
    expect(at(sessions.a3).get('ghost-0')).toBe(false);
    expect(at(sessions.cancelled).size).toBe(0);
    expect(at(sessions.untracked).size).toBe(0);
    // A: 16 + quitter, 16 + late, 16 + late; D and E: 16 at each of two sessions.
    expect(examples).toHaveLength(17 * 3 + 16 * 4);
    expect(examples.filter((e) => e.attended)).toHaveLength(9 + 9 + 8 + 8 * 4);
  });

  it('records new forecasts at the smoothed past show-up rate while there is no model, rounded to 4 decimals', async () => {
    expect(await refresh({ eventId: upcoming.eventId })).toMatchObject({ recorded: 2 });
    const rate = (58 + PRIOR_SHOW_UP_RATE * PRIOR_WEIGHT) / (115 + PRIOR_WEIGHT);
    for (const forecast of await latestOf(upcoming.eventId)) {
      expect(forecast.modelVersion).toBeNull();
      expect(new Set(forecast.registrations.map((r) => r.probability))).toEqual(new Set([Math.round(rate * 1e4) / 1e4]));
    }
  });

  it('records the new model’s forecasts, the regulars above the ghosts', async () => {
    const trained = await retrainForecastModel(deps(), now);
    if (!trained.trained) throw new Error(trained.reason);
    const result = await refresh({});
    expect(result.modelVersion).toBe(trained.version);
    const latest = await latestOf(upcoming.eventId);
    expect(latest.map((f) => f.modelVersion)).toEqual([result.modelVersion, result.modelVersion]);
    const rows = latest.flatMap((f) => f.registrations).map((r) => ({ ...r, attendeeId: attendeeOf.get(r.registrationId)! }));
    expect(rows).toHaveLength(2 * 17);
    const of = (people: string[]) => rows.filter((r) => people.includes(r.attendeeId)).map((r) => r.probability);
    expect(Math.min(...of(regulars))).toBeGreaterThan(0.5);
    expect(Math.max(...of(ghosts))).toBeLessThan(0.5);
    const newcomer = of(['newcomer']);
    expect(Math.min(...newcomer)).toBeGreaterThan(Math.max(...of(ghosts)));
    // Ranked below the regulars as a group: with a handful of sessions to learn from, a regular's
    // single forecast can dip to a newcomer's.
    const mean = (values: number[]) => values.reduce((sum, p) => sum + p, 0) / values.length;
    expect(mean(newcomer)).toBeLessThan(mean(of(regulars)));
  });

  it('lists what was predicted when, newest first, in pages, with the model and the inputs of each', async () => {
    const [session] = upcoming.sessionIds as [string, string];
    const first = await forecastHistory(await readModel(), { eventId: upcoming.eventId, sessionId: session, first: 2 });
    const rest = await forecastHistory(db.pool, { eventId: upcoming.eventId, sessionId: session, after: first.pageInfo.endCursor });
    const listed = [...first.nodes, ...rest.nodes];
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    const recorded = (await store.readStream(forecastStream(upcoming.eventId))).filter((e) => (e.data as { sessionId: string }).sessionId === session).reverse();
    expect(listed.map((f) => f.position)).toEqual(recorded.map((e) => String(e.position.commit)));
    expect(listed.map((f) => f.modelVersion)).toEqual(recorded.map((e) => (e.data as AttendanceForecasted['data']).modelVersion));
    expect(listed.every((f) => f.sessionId === session && f.inputsPosition === '7' && f.confirmed === 17)).toBe(true);
    expect((await forecastHistory(db.pool, { eventId: upcoming.eventId })).nodes).toHaveLength(2 * listed.length);
  });

  it('records nothing more for an event once it is cancelled, and the read model stops showing its forecast', async () => {
    const extra = history.event('org', [daysFromNow(3)], daysFromNow(-2));
    history.register(extra.eventId, 'regular-2', daysFromNow(-2));
    await history.project(db.pool);
    await refresh({ eventId: extra.eventId });
    expect(await forecastsOf(extra.eventId)).toHaveLength(1);
    expect((await eventForecast(await readModel(), extra.eventId, now)).sessions).toHaveLength(1);
    history.cancelEvent(extra.eventId, now);
    await history.project(db.pool);
    expect(await refresh({ eventId: extra.eventId })).toMatchObject({ sessions: 0, recorded: 0 });
    expect(await forecastsOf(extra.eventId)).toHaveLength(1);
    expect(await eventForecast(await readModel(), extra.eventId, now)).toEqual({ eventId: extra.eventId, modelVersion: null, computedAt: null, sessions: [] });
  });

  it('refreshes the other events when one’s forecast is refused (a model gone wrong), then fails the job so that it shows', async () => {
    const [small] = (await eventsWithUpcomingSessions(db.pool, now)).filter((id) => id !== upcoming.eventId);
    // The one registration left at the small event gets no number; the upcoming event's 34 rows get 0.5.
    const broken = async (): Promise<Forecaster> => ({ modelVersion: 99, sessionVariance: 0, probabilities: async (rows) => rows.map(() => (rows.length === 1 ? Number.NaN : 0.5)) });
    await expect(refresh({}, { currentForecaster: broken })).rejects.toThrow(/refused for 1 of 2 events/);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`the forecast of event ${small} was refused: .*probability`)));
    expect(await forecastsOf(small!)).not.toContainEqual(expect.objectContaining({ modelVersion: 99 }));
    expect((await latestOf(upcoming.eventId)).map((f) => [f.modelVersion, f.registrations[0]!.probability])).toEqual([
      [99, 0.5],
      [99, 0.5],
    ]);
  });

  it('refuses a job whose eventId is not an event id', async () => {
    await expect(refresh({ eventId: 'not-an-id' })).rejects.toThrow(/eventId must be/);
  });
});
