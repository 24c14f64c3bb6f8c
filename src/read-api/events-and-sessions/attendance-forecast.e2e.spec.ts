import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlClient } from '../../../test/graphql.js';
import { type TestApp, startTestApp } from '../../../test/test-app.js';
import type { Actor } from '../../domain/actor.js';
import { startJobWorkers } from '../../jobs/job-runner.js';
import { FORECAST_REFRESH_QUEUE } from '../../jobs/queues.js';
import { AttendanceHistory } from '../../ml/forecast/attendance-history.fixture.js';
import { forecastWorkers } from '../../ml/forecast/forecast-jobs.js';
import { PRIOR_SHOW_UP_RATE } from '../../ml/forecast/forecaster.js';

let rollcall: TestApp;

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
  await startJobWorkers(rollcall.app.jobs, forecastWorkers({ pool: rollcall.db.pool, log: () => undefined }));
  await history.project(rollcall.db.pool);
});
afterAll(() => rollcall?.close());

const gql = graphqlClient(() => rollcall.app);

const FORECAST = `query ($e: ID!) { attendanceForecast(eventId: $e) {
  eventId modelVersion computedAt
  sessions { sessionId startsAt confirmed expectedAttendance low high registrations { registrationId attendeeId probability } } } }`;

/** Sends a job as a reactor would and waits for the worker to finish it. */
const refreshThroughTheQueue = async (data: object) => {
  const boss = await rollcall.app.jobs.boss();
  const id = (await boss.send(FORECAST_REFRESH_QUEUE, data))!;
  for (let waited = 0; waited < 30_000; waited += 200) {
    const job = await boss.getJobById(FORECAST_REFRESH_QUEUE, id);
    if (job?.state === 'completed') return;
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
