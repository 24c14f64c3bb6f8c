import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { type RunningRollcall, spawnRollcall } from '../../test/spawn-rollcall.js';

const brokers = process.env.KAFKA_BROKERS;
if (!brokers && !process.env.CI) process.stdout.write('forwarder and ml-worker probes on Kafka SKIPPED: set KAFKA_BROKERS\n');
const onKafka = brokers || process.env.CI ? describe : describe.skip;

let db: TestDatabase;
let projector: RunningRollcall | undefined;
const others: RunningRollcall[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const child of [projector, ...others]) child?.child.kill('SIGKILL');
  await db?.close();
});

const readyWithin = async (address: string, ms: number): Promise<Response> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const response = await fetch(`${address}/readyz`);
    if (response.status === 200 || Date.now() > deadline) return response;
    await sleep(200);
  }
};

describe('tsx src/main.ts projector', () => {
  it('serves /healthz, /readyz and /metrics on METRICS_PORT, and stops without a warning', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url, METRICS_PORT: '0', LOG_LEVEL: 'info' };
    delete env.EVENTSTORE_URL;
    delete env.KAFKA_BROKERS;
    projector = await spawnRollcall('projector', env, /\/readyz on (http:\/\/127\.0\.0\.1:\d+)/);
    const { address } = projector;

    expect(await (await fetch(`${address}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await readyWithin(address, 30_000);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { database: 'ok', 'event store': 'ok', 'projection attendance': 'ok' } });
    const scrape = await (await fetch(`${address}/metrics`)).text();
    expect(scrape).toMatch(/^rollcall_projection_position\{projection="attendance"\} \d+$/m);
    expect(scrape).toMatch(/^rollcall_projection_lag_seconds\{projection="attendance"\} [\d.]+$/m);
    expect(scrape).toMatch(/^rollcall_job_queue_depth\{queue="mail",state="queued"\} 0$/m);
    expect(scrape).toMatch(/^process_resident_memory_bytes \d+/m);
    // A projector serves no API, and what it does not own it does not serve.
    expect((await fetch(`${address}/graphql`)).status).toBe(404);
    expect(scrape).not.toContain('rollcall_consumer_lag');

    expect(await projector.stop()).toBe(0);
    const output = projector.output();
    projector = undefined;
    // One log format, and a quiet shutdown: JSON lines only, none at warn or above.
    for (const line of output.trim().split('\n')) expect(() => JSON.parse(line), line).not.toThrow();
    expect(output).not.toMatch(/"level":(40|50|60)/);
  });
});

onKafka('tsx src/main.ts forwarder and ml-worker', () => {
  it('are ready once connected to Kafka and within their lag bound, each on its own METRICS_PORT, and stop without a warning', async () => {
    if (!brokers) throw new Error('KAFKA_BROKERS is not set: CI must run the Kafka suites against a real broker (see .ci/run)');
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url, KAFKA_BROKERS: brokers, KAFKA_TOPIC_PREFIX: `probes${randomBytes(4).toString('hex')}.`, METRICS_PORT: '0' };
    delete env.EVENTSTORE_URL;
    const roles = await Promise.all(['forwarder', 'ml-worker'].map((role) => spawnRollcall(role, env, /\/readyz on (http:\/\/127\.0\.0\.1:\d+)/)));
    others.push(...roles);
    const [forwarder, mlWorker] = roles as [RunningRollcall, RunningRollcall];

    const forwarding = await readyWithin(forwarder.address, 60_000);
    expect(forwarding.status).toBe(200);
    expect(await forwarding.json()).toMatchObject({ checks: { 'forwarder kafka': 'ok' } });
    expect(await (await fetch(`${forwarder.address}/metrics`)).text()).toMatch(/^rollcall_forwarder_lag_events\{forwarder="kafka"\} \d+$/m);
    const reacting = await readyWithin(mlWorker.address, 60_000);
    expect(reacting.status).toBe(200);
    expect(await reacting.json()).toMatchObject({ checks: { 'reactor forecast-trigger': 'ok', 'reactor ticket-mail': 'ok' } });

    for (const role of roles) {
      expect(await role.stop()).toBe(0);
      // Other suites' members may join the reactors' groups while this runs, and rebalances are
      // news then; once stopping, leaving the group is our own doing, and nothing is said.
      expect(role.output().slice(role.output().indexOf('shutting down'))).not.toMatch(/"level":(40|50|60)/);
    }
    others.length = 0;
  });
});
