import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../../test/events.js';
import { queuedForecastRefreshes } from '../../test/forecast-trigger.js';
import { samples } from '../../test/integration-samples.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { checkInStream, eventStream } from '../domain/streams.js';
import type { EventData } from '../eventstore/event-store.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { toIntegrationEvent } from '../integration/contract.js';
import { StoreConsumer } from '../integration/store-consumer.js';
import { Jobs } from '../jobs/jobs.js';
import { ForecastTrigger, REFRESH_WINDOW_SECONDS } from './forecast-trigger.js';

let db: TestDatabase;
let store: PostgresEventStore;
let jobs: Jobs;
beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  jobs = new Jobs(db.url);
  await jobs.boss();
});
afterAll(async () => {
  await jobs?.stop();
  await store?.close();
  await db?.close();
});

/**
 * A burst that straddles two refresh windows rightly queues a refresh in each; these tests
 * start theirs with most of a window ahead (by PostgreSQL's clock, which keys the windows).
 */
const withAWindowAhead = async () => {
  const { rows } = await db.pool.query<{ now: number }>('SELECT extract(epoch FROM now())::float8 AS now');
  const left = REFRESH_WINDOW_SECONDS - (rows[0]!.now % REFRESH_WINDOW_SECONDS);
  if (left < 10) await sleep(left * 1_000 + 100);
};

const registrations = (n: number): EventData[] =>
  Array.from({ length: n }, () => anEvent('RegistrationConfirmed', { ...samples.RegistrationConfirmed, registrationId: randomUUID() }));

describe('the forecast trigger on the embedded default', () => {
  it('queues one refresh per changed event for a burst, to run once the burst’s window has closed', async () => {
    const [busy, quiet, untouched] = [randomUUID(), randomUUID(), randomUUID()];
    const consumer = new StoreConsumer({ store, pool: db.pool, reactor: new ForecastTrigger(jobs) });
    await consumer.start();
    await withAWindowAhead();
    const created = (eventId: string) => [anEvent('EventCreated', { ...samples.EventCreated, eventId }), anEvent('EventPublished', { eventId })];
    await store.append(eventStream(busy), [...created(busy), ...registrations(20)], 'no_stream');
    await store.append(eventStream(busy), [anEvent('CapacityChanged', { capacity: 50 }), ...registrations(5)], 'any');
    await store.append(checkInStream(randomUUID(), randomUUID()), [anEvent('CheckedIn', { ...samples.CheckedIn, eventId: busy })], 'no_stream');
    await store.append(eventStream(quiet), [...created(quiet), ...registrations(1)], 'no_stream');
    const last = await store.append(
      eventStream(untouched),
      [...created(untouched), anEvent('TicketReissued', samples.TicketReissued), anEvent('RegistrationWaitlisted', samples.RegistrationWaitlisted)],
      'no_stream',
    );
    await consumer.caughtUp(last.position);
    await consumer.stop();

    const queued = await queuedForecastRefreshes(db.pool);
    expect(queued.map((job) => [job.eventId, job.singletonKey])).toEqual(
      [busy, quiet].sort().map((eventId) => [eventId, eventId]),
    );
    for (const job of queued) expect(job.startAfter.getTime()).toBeGreaterThanOrEqual(job.windowStart!.getTime() + REFRESH_WINDOW_SECONDS * 1_000);
  });

  it('queues nothing more when an event comes again in the same window', async () => {
    const eventId = randomUUID();
    const trigger = new ForecastTrigger(jobs);
    await withAWindowAhead();
    await store.append(eventStream(eventId), registrations(1), 'no_stream');
    const [recorded] = await store.readStream(eventStream(eventId));
    const event = toIntegrationEvent(recorded!)!;
    await trigger.handle(event);
    await trigger.handle(event);
    expect((await queuedForecastRefreshes(db.pool)).filter((job) => job.eventId === eventId)).toHaveLength(1);
  });
});
