import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../../test/test-app.js';
import { buildApp } from '../app.js';
import { startProjector } from '../projections/projector.js';
import type { RunnerStatus } from '../projections/runner.js';
import { projectionsReady } from './role-checks.js';

let rollcall: TestApp;
beforeAll(async () => {
  rollcall = await startTestApp();
});
afterAll(() => rollcall?.close());

const signUp = (password: string) =>
  rollcall.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ query: `mutation { signUp(email: "lin@example.test", password: "${password}", name: "Lin") { accountId } }` }),
  });

/** The value of one series in a scrape, undefined when it is not there. */
const sample = (scrape: string, series: string): number | undefined => {
  const line = scrape.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('GET /metrics of the api', () => {
  it('serves, after a mutation, its GraphQL, command and append series with their labels, beside the process metrics', async () => {
    expect((await signUp('correct horse battery')).json().data.signUp.accountId).toEqual(expect.any(String));
    expect((await signUp('short')).json().errors[0].extensions.code).toBe('VALIDATION');

    const metrics = await rollcall.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const scrape = metrics.body;
    expect(sample(scrape, 'rollcall_graphql_operation_duration_seconds_count{operation="signUp",type="mutation",outcome="ok"}')).toBe(1);
    expect(sample(scrape, 'rollcall_graphql_operation_duration_seconds_count{operation="signUp",type="mutation",outcome="VALIDATION"}')).toBe(1);
    expect(sample(scrape, 'rollcall_command_duration_seconds_count{command="SignUp",outcome="ok"}')).toBe(1);
    expect(sample(scrape, 'rollcall_command_duration_seconds_count{command="ClaimEmail",outcome="ok"}')).toBe(1);
    expect(sample(scrape, 'rollcall_events_appended_total{type="AccountSignedUp"}')).toBe(1);
    expect(sample(scrape, 'rollcall_job_queue_depth{queue="mail",state="queued"}')).toBe(1);
    expect(sample(scrape, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(scrape).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    // The probes themselves are not GraphQL operations, nor logged as they come.
    expect(scrape).not.toMatch(/operation="unknown"/);
  });
});

describe('GET /readyz', () => {
  it('answers 200 while every projection runs within its bound, and 503 naming the one that stopped or failed', async () => {
    const { store, db, outboxDir } = rollcall;
    const projector = await startProjector({ store, pool: db.pool, onFailure: () => undefined });
    const failed: { status(): RunnerStatus } = {
      status: () => ({ name: 'broken', state: 'failed', position: undefined, failure: { error: 'boom' } as RunnerStatus['failure'] }),
    };
    const bound = { pool: db.pool, storeKind: store.kind, maxLagEvents: 10_000 };
    const app = await buildApp({ store, personalData: rollcall.app.personalData, pool: db.pool, outboxDir, masterKey: db.masterKey, readiness: projectionsReady(projector.runners, bound) });
    const failing = await buildApp({ store, personalData: rollcall.app.personalData, pool: db.pool, outboxDir, masterKey: db.masterKey, readiness: projectionsReady([failed], bound) });
    try {
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json().checks).toMatchObject({ database: 'ok', 'event store': 'ok', 'projection attendance': 'ok', 'projection accounts': 'ok' });

      await projector.stop();
      const stopped = await app.inject({ method: 'GET', url: '/readyz' });
      expect(stopped.statusCode).toBe(503);
      expect(stopped.json()).toMatchObject({ status: 'not_ready', checks: { database: 'ok', 'projection attendance': 'stopped' } });

      const broken = await failing.inject({ method: 'GET', url: '/readyz' });
      expect(broken.statusCode).toBe(503);
      expect(broken.json().checks['projection broken']).toBe('failed: boom');
    } finally {
      await projector.stop();
      await app.close();
      await failing.close();
    }
  });
});
