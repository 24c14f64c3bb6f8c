import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent, uniqueStream } from '../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { runRollcallCli } from '../../test/spawn-rollcall.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { StoreConsumer } from '../integration/store-consumer.js';
import { setCheckpoint } from '../log-follower/checkpoints.js';

let db: TestDatabase;
let store: PostgresEventStore;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  env = { ...process.env, DATABASE_URL: db.url };
  delete env.EVENTSTORE_URL;
});
afterAll(async () => {
  await store?.close();
  await db?.close();
});

describe('rollcall admin projections status', () => {
  it('shows how far the Kafka forwarder and each reactor are behind the log', async () => {
    const stream = uniqueStream('event');
    const first = await store.append(stream, [anEvent('CapacityChanged', { capacity: 1 })], 'no_stream');
    // Where a forwarder that Kafka acknowledged the first event for leaves its checkpoint.
    await setCheckpoint(db.pool, { kind: 'forwarder', name: 'kafka' }, first.position);
    const head = await store.append(stream, [anEvent('CapacityChanged', { capacity: 2 }), anEvent('CapacityChanged', { capacity: 3 })], 0n);
    const reactor = new StoreConsumer({ store, pool: db.pool, reactor: { name: 'probe', handle: async () => undefined } });
    await reactor.start();
    await reactor.caughtUp(head.position);
    await reactor.report();
    await reactor.stop();

    const json = await runRollcallCli(['admin', 'projections', 'status', '--json'], env);
    expect(json.code).toBe(0);
    const { consumers } = JSON.parse(json.stdout) as { consumers: { consumer: string; mode: string; lag: number | null }[] };
    expect(consumers.map(({ consumer, mode, lag }) => ({ consumer, mode, lag }))).toEqual([
      { consumer: 'forwarder kafka', mode: 'forwarder', lag: 2 },
      { consumer: 'probe', mode: 'store', lag: 0 },
    ]);
    const text = await runRollcallCli(['admin', 'projections', 'status'], env);
    expect(text.stdout).toMatch(/CONSUMER +MODE +LAG +AS OF\nforwarder kafka +forwarder +2 /);
  });
});
