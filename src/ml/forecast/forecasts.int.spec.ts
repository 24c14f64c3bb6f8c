import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
import { Metrics } from '../../observability/metrics.js';
import { pastAttendances } from '../../projections/attendance/show-up-queries.js';
import { AttendanceHistory } from './attendance-history.fixture.js';
import { FEATURE_NAMES } from './features.js';
import { PRIOR_SHOW_UP_RATE, PRIOR_WEIGHT } from './forecaster.js';
import { refreshForecasts } from './refresh-forecasts.js';
import { retrainForecastModel } from './retrain-model.js';

let db: TestDatabase;
const lines: string[] = [];
const deps = () => ({ pool: db.pool, log: (line: string) => lines.push(line) });

const DAY = 86_400_000;
const HOUR = 3_600_000;
const now = new Date();
const daysFromNow = (days: number) => new Date(now.getTime() + days * DAY);

const regulars = Array.from({ length: 8 }, (_, i) => `regular-${i}`);
const ghosts = Array.from({ length: 8 }, (_, i) => `ghost-${i}`);
const history = new AttendanceHistory();

// Upcoming: two sessions next week and the one after, for the regulars, the ghosts and a newcomer.
const upcoming = history.event('org', [daysFromNow(7), daysFromNow(14)], daysFromNow(-1));
for (const attendee of [...regulars, ...ghosts, 'newcomer']) history.register(upcoming.eventId, attendee, daysFromNow(-1));

const forecastsOf = async (eventId: string) =>
  (
    await db.pool.query<{ session_id: string; attendee_id: string; probability: number; model_version: number | null }>(
      'SELECT session_id, attendee_id, probability, model_version FROM rollcall.attendance_forecasts WHERE event_id = $1',
      [eventId],
    )
  ).rows;

beforeAll(async () => {
  db = await createTestDatabase();
  await history.project(db.pool);
});
afterAll(async () => db?.close());

describe('before any session has ended', () => {
  it('trains no model, and says why', async () => {
    const result = await retrainForecastModel(deps(), now);
    expect(result).toMatchObject({ trained: false, examples: 0 });
    expect(lines.at(-1)).toMatch(/no new model: 0 past attendances known/);
    expect((await db.pool.query('SELECT 1 FROM rollcall.forecast_models')).rowCount).toBe(0);
  });

  it('forecasts everyone at the documented prior, with no model version', async () => {
    const metrics = new Metrics();
    await refreshForecasts({ ...deps(), timeInference: (model) => metrics.timeInference(model) }, { eventId: upcoming.eventId }, now);
    // One inference of the event's registrations, timed under the label face verification will share.
    expect(await metrics.text()).toMatch(/^rollcall_ml_inference_duration_seconds_count\{model="attendance-forecast"\} 1$/m);
    const rows = await forecastsOf(upcoming.eventId);
    expect(rows).toHaveLength(2 * 17);
    expect(new Set(rows.map((r) => r.probability))).toEqual(new Set([PRIOR_SHOW_UP_RATE]));
    expect(rows.every((r) => r.model_version === null)).toBe(true);
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

  it('forecasts at the smoothed past show-up rate while there is no model', async () => {
    await refreshForecasts(deps(), { eventId: upcoming.eventId }, now);
    const rows = await forecastsOf(upcoming.eventId);
    const rate = (58 + PRIOR_SHOW_UP_RATE * PRIOR_WEIGHT) / (115 + PRIOR_WEIGHT);
    expect(rows.every((r) => Math.abs(r.probability - rate) < 1e-12 && r.model_version === null)).toBe(true);
  });

  it('trains a model on the season and stores it with its held-out scores', async () => {
    const result = await retrainForecastModel(deps(), now);
    if (!result.trained) throw new Error(result.reason);
    const { rows } = await db.pool.query('SELECT * FROM rollcall.forecast_models');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ version: result.version, kind: 'logistic-regression', examples: 115, feature_names: [...FEATURE_NAMES] });
    expect(rows[0].metrics.holdout.examples).toBeGreaterThan(0);
    expect(rows[0].metrics.holdout.auc).toBeGreaterThan(0.9);
    expect(rows[0].metrics.holdout.logLoss).toBeLessThan(rows[0].metrics.holdout.baselineLogLoss);
  });

  it('forecasts the regulars above the ghosts with the new model', async () => {
    const result = await refreshForecasts(deps(), {}, now);
    expect(result.modelVersion).not.toBeNull();
    const rows = await forecastsOf(upcoming.eventId);
    expect(rows).toHaveLength(2 * 17);
    expect(rows.every((r) => r.model_version === result.modelVersion)).toBe(true);
    const of = (people: string[]) => rows.filter((r) => people.includes(r.attendee_id)).map((r) => r.probability);
    expect(Math.min(...of(regulars))).toBeGreaterThan(0.5);
    expect(Math.max(...of(ghosts))).toBeLessThan(0.5);
    const newcomer = of(['newcomer']);
    expect(Math.min(...newcomer)).toBeGreaterThan(Math.max(...of(ghosts)));
    // Ranked below the regulars as a group: with a handful of sessions to learn from, a regular's
    // single forecast can dip to a newcomer's.
    const mean = (values: number[]) => values.reduce((sum, p) => sum + p, 0) / values.length;
    expect(mean(newcomer)).toBeLessThan(mean(of(regulars)));
  });

  it('leaves an event that was cancelled with no forecasts on its next refresh', async () => {
    const extra = history.event('org', [daysFromNow(3)], daysFromNow(-2));
    history.register(extra.eventId, 'regular-2', daysFromNow(-2));
    await history.project(db.pool);
    await refreshForecasts(deps(), { eventId: extra.eventId }, now);
    expect(await forecastsOf(extra.eventId)).toHaveLength(1);
    history.cancelEvent(extra.eventId, now);
    await history.project(db.pool);
    await refreshForecasts(deps(), { eventId: extra.eventId }, now);
    expect(await forecastsOf(extra.eventId)).toHaveLength(0);
  });

  it('falls back to the base rate, saying so, when the newest model was trained on other features', async () => {
    await db.pool.query(
      `INSERT INTO rollcall.forecast_models (kind, trained_at, examples, feature_names, parameters, metrics)
       VALUES ('logistic-regression', now(), 100, '{somethingElse}', '{}', '{}')`,
    );
    const result = await refreshForecasts(deps(), { eventId: upcoming.eventId }, now);
    expect(result.modelVersion).toBeNull();
    expect(lines.some((line) => /does not fit this code's features/.test(line))).toBe(true);
    expect((await forecastsOf(upcoming.eventId)).every((r) => r.model_version === null)).toBe(true);
  });

  it('refuses a job whose eventId is not an event id', async () => {
    await expect(refreshForecasts(deps(), { eventId: 'not-an-id' }, now)).rejects.toThrow(/eventId must be/);
  });
});
