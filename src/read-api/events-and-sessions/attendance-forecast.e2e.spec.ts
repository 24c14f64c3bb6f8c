import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlClient } from '../../../test/graphql.js';
import { type TestApp, startTestApp } from '../../../test/test-app.js';
import { CommandHandler } from '../../commands/command-handler.js';
import type { Actor } from '../../domain/actor.js';
import { startJobWorkers } from '../../jobs/job-runner.js';
import { FORECAST_REFRESH_QUEUE } from '../../jobs/queues.js';
import { AttendanceHistory } from '../../ml/forecast/attendance-history.fixture.js';
import { forecastWorkers } from '../../ml/forecast/forecast-jobs.js';
import { PRIOR_SHOW_UP_RATE } from '../../ml/forecast/forecaster.js';
import { forecastsProjection } from '../../projections/forecasts/projection.js';
import { ProjectionRunner } from '../../projections/runner.js';

let rollcall: TestApp;
let forecasts: ProjectionRunner;

const DAY = 86_400_000;
const organizer: Actor = { accountId: 'org-f', roles: ['organizer'] };
const otherOrganizer: Actor = { accountId: 'org-g', roles: ['organizer'] };
const admin: Actor = { accountId: 'admin-f', roles: ['admin'] };
const attendee: Actor = { accountId: 'ann', roles: ['attendee'] };

const history = new AttendanceHistory();
const event = history.event(organizer.accountId, [new Date(Date.now() + 14 * DAY), new Date(Date.now() + 7 * DAY)], new Date(Date.now() - DAY));
const registrations = ['ann', 'bob', 'cat'].map((name) => history.register(event.eventId, name, new Date(Date.now() - DAY)));

beforeAll(async () => {
  rollcall = await startTestApp();
  const { store, db } = rollcall;
  // The projector's part in this: the job records forecasts, the projection builds what the API reads.
  await startJobWorkers(rollcall.app.jobs, forecastWorkers({ pool: db.pool, commands: new CommandHandler(store), log: () => undefined }));
  forecasts = new ProjectionRunner({ store, pool: db.pool, projection: forecastsProjection });
  await forecasts.start();
  await history.project(db.pool);
});
afterAll(async () => {
  await forecasts?.stop();
  await rollcall?.close();
});

const gql = graphqlClient(() => rollcall.app);

const FORECAST = `query ($e: ID!) { attendanceForecast(eventId: $e) {
  eventId modelVersion computedAt
  sessions { sessionId startsAt confirmed expectedAttendance low high registrations { registrationId attendeeId probability } } } }`;

/** Sends a job as a reactor would and waits for the worker to finish it and the read model to show what it recorded. */
const refreshThroughTheQueue = async (data: object) => {
  const boss = await rollcall.app.jobs.boss();
  const id = (await boss.send(FORECAST_REFRESH_QUEUE, data))!;
  for (let waited = 0; waited < 30_000; waited += 200) {
    const job = await boss.getJobById(FORECAST_REFRESH_QUEUE, id);
    if (job?.state === 'completed') return forecasts.caughtUp((await rollcall.store.headPosition())!);
    if (job?.state === 'failed') throw new Error(`forecast-refresh failed: ${JSON.stringify(job.output)}`);
    await sleep(200);
  }
  throw new Error('forecast-refresh did not finish');
};

describe('attendanceForecast', () => {
  it('is empty until a refresh has run', async () => {
    const result = await gql(organizer, FORECAST, { e: event.eventId });
    expect(result.errors).toBeUndefined();
    expect(result.data.attendanceForecast).toEqual({ eventId: event.eventId, modelVersion: null, computedAt: null, sessions: [] });
  });

  it('shows the organizer each upcoming session’s expected head count and who is likely to come', async () => {
    await refreshThroughTheQueue({ eventId: event.eventId });
    const result = await gql(organizer, FORECAST, { e: event.eventId });
    expect(result.errors).toBeUndefined();
    const forecast = result.data.attendanceForecast;
    expect(forecast.modelVersion).toBeNull();
    expect(Date.parse(forecast.computedAt)).toBeGreaterThan(Date.now() - 60_000);
    // Sessions in start order, though scheduled the other way round.
    expect(forecast.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual([event.sessionIds[1], event.sessionIds[0]]);
    for (const session of forecast.sessions) {
      expect(session.confirmed).toBe(3);
      expect(new Set(session.registrations.map((r: { registrationId: string }) => r.registrationId))).toEqual(new Set(registrations));
      expect(session.registrations.every((r: { probability: number }) => r.probability === PRIOR_SHOW_UP_RATE)).toBe(true);
      expect(session.expectedAttendance).toBeCloseTo(3 * PRIOR_SHOW_UP_RATE, 12);
      // 1.8 ± 1.645 × √0.72 is -0.2 to 3.2, clamped to the three confirmed.
      expect([session.low, session.high]).toEqual([0, 3]);
    }
  });

  it('shows admins too', async () => {
    const result = await gql(admin, FORECAST, { e: event.eventId });
    expect(result.data.attendanceForecast.sessions).toHaveLength(2);
  });

  it('is FORBIDDEN to other organizers and to attendees, and needs a login', async () => {
    expect((await gql(otherOrganizer, FORECAST, { e: event.eventId })).code).toBe('FORBIDDEN');
    expect((await gql(attendee, FORECAST, { e: event.eventId })).code).toBe('FORBIDDEN');
    expect((await gql(undefined, FORECAST, { e: event.eventId })).code).toBe('UNAUTHENTICATED');
  });

  it('is NOT_FOUND for an event that does not exist, and VALIDATION for an id that is no id', async () => {
    expect((await gql(admin, FORECAST, { e: randomUUID() })).code).toBe('NOT_FOUND');
    expect((await gql(admin, FORECAST, { e: 'not-an-event' })).code).toBe('VALIDATION');
  });
});

const HISTORY = `query ($e: ID!, $s: ID, $first: Int, $after: String) { forecastHistory(eventId: $e, sessionId: $s, first: $first, after: $after) {
  nodes { position sessionId computedAt confirmed expectedAttendance low high modelVersion inputsPosition } pageInfo { endCursor hasNextPage } } }`;

describe('forecastHistory', () => {
  it('lists the organizer what was forecast when, newest first, a page at a time', async () => {
    const all = (await gql(organizer, HISTORY, { e: event.eventId })).data.forecastHistory;
    // The first refresh above: one forecast per session, recorded in one job.
    expect(all.nodes).toHaveLength(2);
    expect(all.pageInfo.hasNextPage).toBe(false);
    const positions = all.nodes.map((n: { position: string }) => BigInt(n.position));
    expect(positions[0]).toBeGreaterThan(positions[1]);
    for (const node of all.nodes)
      expect(node).toMatchObject({ confirmed: 3, low: 0, high: 3, modelVersion: null, inputsPosition: null, computedAt: expect.any(String) });
    const first = (await gql(organizer, HISTORY, { e: event.eventId, first: 1 })).data.forecastHistory;
    expect(first.pageInfo.hasNextPage).toBe(true);
    const next = (await gql(organizer, HISTORY, { e: event.eventId, first: 1, after: first.pageInfo.endCursor })).data.forecastHistory;
    expect([...first.nodes, ...next.nodes]).toEqual(all.nodes);
    expect(next.pageInfo.hasNextPage).toBe(false);
  });

  it('lists one session’s forecasts when asked, and admins see it too', async () => {
    const result = await gql(admin, HISTORY, { e: event.eventId, s: event.sessionIds[0] });
    expect(result.data.forecastHistory.nodes.map((n: { sessionId: string }) => n.sessionId)).toEqual([event.sessionIds[0]]);
  });

  it('records nothing when the same forecast is refreshed again', async () => {
    await refreshThroughTheQueue({ eventId: event.eventId });
    expect((await gql(organizer, HISTORY, { e: event.eventId })).data.forecastHistory.nodes).toHaveLength(2);
  });

  it('is FORBIDDEN to other organizers and to attendees, NOT_FOUND for no such event, and needs a login', async () => {
    expect((await gql(otherOrganizer, HISTORY, { e: event.eventId })).code).toBe('FORBIDDEN');
    expect((await gql(attendee, HISTORY, { e: event.eventId })).code).toBe('FORBIDDEN');
    expect((await gql(admin, HISTORY, { e: randomUUID() })).code).toBe('NOT_FOUND');
    expect((await gql(undefined, HISTORY, { e: event.eventId })).code).toBe('UNAUTHENTICATED');
  });
});
