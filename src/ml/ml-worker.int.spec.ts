import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../../test/events.js';
import { queuedForecastRefreshes } from '../../test/forecast-trigger.js';
import { samples } from '../../test/integration-samples.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { checkInStream, eventStream } from '../domain/streams.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { Forwarder } from '../integration/forwarder.js';
import { Jobs } from '../jobs/jobs.js';
import { ForecastTrigger } from './forecast-trigger.js';
import { startMlWorker } from './ml-worker.js';

const brokers = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim());
if (!brokers && !process.env.CI) process.stdout.write('ml-worker Kafka suite SKIPPED: set KAFKA_BROKERS\n');
const suite = brokers || process.env.CI ? describe : describe.skip;

suite('the ml-worker on Kafka', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let jobs: Jobs;
  const cleanup: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    if (!brokers) throw new Error('KAFKA_BROKERS is not set: CI must run the Kafka suite against a real broker (see .ci/run)');
    db = await createTestDatabase();
    store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
    jobs = new Jobs(db.url);
    await jobs.boss();
  });
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    await jobs?.stop();
    await store?.close();
    await db?.close();
  });

  it('starts before the forwarder has made any topic, joins its group and queues a refresh for what the forwarder publishes', async () => {
    const topicPrefix = `rollcall-test-${randomUUID().slice(0, 8)}.`;
    const worker = await startMlWorker({ store, pool: db.pool, reactors: [new ForecastTrigger(jobs)], kafka: { brokers: brokers!, topicPrefix } });
    cleanup.push(() => worker.stop());
    expect(worker).toMatchObject({ mode: 'kafka', reactors: ['forecast-trigger'] });
    const admin = new Kafka({ clientId: 'rollcall-test', brokers: brokers!, logLevel: logLevel.WARN }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
    await admin.disconnect();
    expect(topics.sort()).toEqual([`${topicPrefix}checkin`, `${topicPrefix}dead-letters`, `${topicPrefix}event`]);

    const forwarder = new Forwarder({ store, pool: db.pool, brokers: brokers!, topicPrefix, name: topicPrefix });
    await forwarder.start();
    cleanup.push(() => forwarder.stop());
    const [registered, checkedIn] = [randomUUID(), randomUUID()];
    await store.append(eventStream(registered), [anEvent('RegistrationConfirmed', samples.RegistrationConfirmed)], 'no_stream');
    await store.append(checkInStream(randomUUID(), randomUUID()), [anEvent('CheckedIn', { ...samples.CheckedIn, eventId: checkedIn })], 'no_stream');
    for (let i = 0; i < 600 && (await queuedForecastRefreshes(db.pool)).length < 2; i++) await sleep(100);
    expect((await queuedForecastRefreshes(db.pool)).map((job) => job.eventId)).toEqual([registered, checkedIn].sort());
  }, 120_000);

  it('stops within a few seconds of being asked, however many reactors it runs', async () => {
    const topicPrefix = `rollcall-test-${randomUUID().slice(0, 8)}.`;
    const idle = (name: string) => ({ name, categories: ['event', 'checkin'], handle: async () => undefined });
    const worker = await startMlWorker({ store, pool: db.pool, reactors: ['first', 'second', 'third'].map(idle), kafka: { brokers: brokers!, topicPrefix } });
    cleanup.push(() => worker.stop());
    // Members wait at the broker for messages that do not come, as a quiet night's ml-worker does.
    await sleep(2_000);
    const started = performance.now();
    await worker.stop();
    // Each member's stop waits for its fetch in flight: at kafkajs' 5 s wait, one after another, three took 13 s.
    expect(performance.now() - started).toBeLessThan(4_000);
  }, 120_000);
});
