import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../../test/events.js';
import { queuedForecastRefreshes } from '../../test/forecast-trigger.js';
import { samples } from '../../test/integration-samples.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { type RunningRollcall, spawnRollcall } from '../../test/spawn-rollcall.js';
import { eventStream } from '../domain/streams.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';

let db: TestDatabase;
let store: PostgresEventStore;
let worker: RunningRollcall | undefined;
beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
});
afterAll(async () => {
  worker?.child.kill('SIGKILL');
  await store?.close();
  await db?.close();
});

describe('tsx src/main.ts ml-worker', () => {
  it('follows the store on the embedded default, queues a forecast refresh for a registration, and stops cleanly on SIGTERM', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn' };
    delete env.EVENTSTORE_URL;
    delete env.KAFKA_BROKERS;
    worker = await spawnRollcall('ml-worker', env, /Running reactors on the event store: forecast-trigger/);

    const eventId = randomUUID();
    await store.append(eventStream(eventId), [anEvent('RegistrationConfirmed', samples.RegistrationConfirmed)], 'no_stream');
    // Its first job is queued by a process just started, on a busy machine too: up to 30 s.
    for (let i = 0; i < 300 && (await queuedForecastRefreshes(db.pool)).length === 0; i++) await sleep(100);
    expect((await queuedForecastRefreshes(db.pool)).map((job) => job.eventId)).toEqual([eventId]);

    expect(await worker.stop()).toBe(0);
    worker = undefined;
  });
});
