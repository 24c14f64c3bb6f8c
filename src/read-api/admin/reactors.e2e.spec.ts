import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlClient } from '../../../test/graphql.js';
import { forecastTriggerDeadLetter, queuedForecastRefreshes } from '../../../test/forecast-trigger.js';
import { type TestApp, startTestApp } from '../../../test/test-app.js';
import type { Actor } from '../../domain/actor.js';
import { eventStream } from '../../domain/streams.js';
import { setCheckpoint } from '../../log-follower/checkpoints.js';

let rollcall: TestApp;
beforeAll(async () => {
  rollcall = await startTestApp();
});
afterAll(() => rollcall?.close());

const admin: Actor = { accountId: 'admin-o', roles: ['admin'] };
const organizer: Actor = { accountId: 'org-o', roles: ['organizer'] };
const gql = graphqlClient(() => rollcall.app);

const REPLAY = `mutation ($consumer: String!, $eventId: ID) { replayDeadLetters(consumer: $consumer, eventId: $eventId) { replayed stillFailing } }`;
const LETTERS = `{ deadLetters(consumer: "forecast-trigger") { eventId error } }`;

describe('replayDeadLetters', () => {
  it('hands a dead letter to its reactor again: the job is queued and the letter leaves the list', async () => {
    const letter = await forecastTriggerDeadLetter(rollcall.db.pool);
    expect((await gql(admin, LETTERS)).data.deadLetters).toEqual([{ eventId: letter.id, error: expect.stringContaining('ECONNREFUSED') }]);

    const replay = await gql(admin, REPLAY, { consumer: 'forecast-trigger', eventId: letter.id });
    expect(replay.data.replayDeadLetters).toEqual({ replayed: 1, stillFailing: 0 });
    expect((await gql(admin, LETTERS)).data.deadLetters).toEqual([]);
    expect((await queuedForecastRefreshes(rollcall.db.pool)).map((job) => eventStream(job.eventId))).toEqual([letter.streamId]);
  });

  it('refuses a consumer no reactor has', async () => {
    const replay = await gql(admin, REPLAY, { consumer: 'face-matcher' });
    expect(replay.code).toBe('VALIDATION');
    expect(replay.errors[0].message).toBe('No reactor named "face-matcher"; reactors: forecast-trigger, ticket-mail');
  });

  it('is for admins only', async () => {
    await forecastTriggerDeadLetter(rollcall.db.pool);
    expect((await gql(organizer, REPLAY, { consumer: 'forecast-trigger' })).code).toBe('FORBIDDEN');
    expect((await gql(undefined, REPLAY, { consumer: 'forecast-trigger' })).code).toBe('UNAUTHENTICATED');
    expect((await gql(admin, LETTERS)).data.deadLetters).toHaveLength(1);
  });
});

describe('consumer lag', () => {
  it('is served to admins as `consumers` and to Prometheus at /metrics, with each forwarder position', async () => {
    const { pool } = rollcall.db;
    await pool.query(`INSERT INTO rollcall.consumer_lag (consumer, mode, lag) VALUES ('probe', 'kafka', 42)`);
    await setCheckpoint(pool, { kind: 'forwarder', name: 'kafka' }, { commit: 17n, prepare: 17n });
    const consumers = await gql(admin, `{ consumers { consumer mode lag } }`);
    expect(consumers.data.consumers).toContainEqual({ consumer: 'probe', mode: 'kafka', lag: 42 });
    expect((await gql(organizer, `{ consumers { lag } }`)).code).toBe('FORBIDDEN');

    const metrics = await rollcall.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('rollcall_consumer_lag{consumer="probe",mode="kafka"} 42\n');
    expect(metrics.body).toContain('rollcall_forwarder_position{forwarder="kafka"} 17\n');
  });
});
