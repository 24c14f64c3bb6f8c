import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { anEvent } from '../../test/events.js';
import { queuedForecastRefreshes } from '../../test/forecast-trigger.js';
import { samples } from '../../test/integration-samples.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { CommandHandler } from '../commands/command-handler.js';
import type { AttendanceForecasted } from '../domain/forecast/forecast.js';
import { checkInStream, eventStream, forecastStream } from '../domain/streams.js';
import type { EventData } from '../eventstore/event-store.js';
import type { Position } from '../eventstore/position.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { toIntegrationEvent } from '../integration/contract.js';
import { StoreConsumer } from '../integration/store-consumer.js';
import { Jobs } from '../jobs/jobs.js';
import { attendanceProjection } from '../projections/attendance/projection.js';
import { ProjectionRunner } from '../projections/runner.js';
import { ForecastTrigger, REFRESH_WINDOW_SECONDS } from './forecast-trigger.js';
import { refreshForecasts } from './forecast/refresh-forecasts.js';

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

/** PostgreSQL's clock in seconds, which keys the windows. */
const databaseClock = async () => (await db.pool.query<{ now: number }>('SELECT extract(epoch FROM clock_timestamp())::float8 AS now')).rows[0]!.now;
const windowAt = (seconds: number) => Math.floor(seconds / REFRESH_WINDOW_SECONDS);

/**
 * A burst that straddles two refresh windows rightly queues a refresh in each; these tests
 * start theirs with most of a window ahead (by PostgreSQL's clock, which keys the windows).
 */
const withAWindowAhead = async () => {
  const left = REFRESH_WINDOW_SECONDS - ((await databaseClock()) % REFRESH_WINDOW_SECONDS);
  if (left < 10) await sleep(left * 1_000 + 100);
};

const registrations = (n: number): EventData[] =>
  Array.from({ length: n }, () => anEvent('RegistrationConfirmed', { ...samples.RegistrationConfirmed, registrationId: randomUUID(), attendeeId: randomUUID() }));

/** Hands the trigger everything in the log up to `position`, as the ml-worker's store consumer does. */
const triggerUpTo = async (position: Position) => {
  const consumer = new StoreConsumer({ store, pool: db.pool, reactor: new ForecastTrigger(jobs) });
  await consumer.start();
  await consumer.caughtUp(position);
  await consumer.stop();
};

/** A published event with two sessions next week, on its own stream as the command side writes it. */
const publishedEvent = async (eventId: string) => {
  const HOUR = 3_600_000;
  const sessions = [7, 8].map((days) => {
    const startsAt = Date.now() + days * 24 * HOUR;
    const at = (offset: number) => new Date(startsAt + offset).toISOString();
    return { sessionId: randomUUID(), startsAt: at(0), endsAt: at(2 * HOUR), checkInOpensAt: at(-HOUR), checkInClosesAt: at(2 * HOUR) };
  });
  await store.append(
    eventStream(eventId),
    [anEvent('EventCreated', { ...samples.EventCreated, eventId, capacity: 2_000 }), anEvent('SessionsScheduled', { sessions }), anEvent('EventPublished', { eventId })],
    'no_stream',
  );
  return sessions.map((s) => s.sessionId);
};

describe('the forecast trigger on the embedded default', () => {
  it('queues one refresh per changed event for a burst, to run once the burst’s window has closed', async () => {
    const [busy, quiet, untouched] = [randomUUID(), randomUUID(), randomUUID()];
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
    await triggerUpTo(last.position);

    const queued = await queuedForecastRefreshes(db.pool);
    expect(queued.map((job) => [job.eventId, job.singletonKey])).toEqual(
      [busy, quiet].sort().map((eventId) => [eventId, eventId]),
    );
    for (const job of queued) expect(job.startAfter.getTime()).toBeGreaterThanOrEqual(job.windowStart!.getTime() + REFRESH_WINDOW_SECONDS * 1_000);
  });

  it('asks the job queue once per event a batch makes stale, and never for what it does not react to', async () => {
    const [busy, quiet] = [randomUUID(), randomUUID()];
    await store.append(eventStream(busy), registrations(30), 'no_stream');
    await store.append(eventStream(quiet), [...registrations(2), anEvent('RegistrationWaitlisted', samples.RegistrationWaitlisted)], 'no_stream');
    const recorded = [...(await store.readStream(eventStream(busy))), ...(await store.readStream(eventStream(quiet)))];
    const events = recorded.map((event) => toIntegrationEvent(event)!);
    const trigger = new ForecastTrigger(jobs);
    const send = vi.spyOn(await jobs.boss(), 'send');
    try {
      await trigger.handleBatch(events);
      expect(send.mock.calls.map(([, data]) => (data as { eventId: string }).eventId)).toEqual([busy, quiet]);
    } finally {
      send.mockRestore();
    }
    expect(events.map((event) => trigger.reactsTo(event))).toEqual([...Array(32).fill(true), false]);
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

describe('a burst of 1,000 registrations', () => {
  it('costs one refresh per window it spans, not 1,000, and each refresh records at most one forecast per session', async () => {
    const eventId = randomUUID();
    const sessionIds = await publishedEvent(eventId);
    await withAWindowAhead();
    const from = await databaseClock();
    // One append each, as 1,000 people registering one by one cause.
    let last: Position | undefined;
    for (const registration of registrations(1_000)) last = (await store.append(eventStream(eventId), [registration], 'any')).position;
    await triggerUpTo(last!);
    const windows = windowAt(await databaseClock()) - windowAt(from) + 1;

    const queued = (await queuedForecastRefreshes(db.pool)).filter((job) => job.eventId === eventId);
    expect(queued.length).toBeGreaterThanOrEqual(1);
    expect(queued.length).toBeLessThanOrEqual(windows);
    expect(windows).toBeLessThan(10);

    // Worked at once rather than once their windows close: what the read model holds by then is the whole burst.
    const attendance = new ProjectionRunner({ store, pool: db.pool, projection: attendanceProjection });
    await attendance.start();
    await attendance.caughtUp(last!);
    await attendance.stop();
    const commands = new CommandHandler(store);
    for (const job of queued) await refreshForecasts({ pool: db.pool, commands, log: () => undefined }, job);
    const forecasts = (await store.readStream(forecastStream(eventId))).map((e) => e.data as AttendanceForecasted['data']);
    // The first refresh records both sessions' forecasts; another one in a later window finds nothing new.
    expect(forecasts.map((f) => [f.sessionId, f.confirmed])).toEqual(expect.arrayContaining(sessionIds.map((id) => [id, 1_000])));
    expect(forecasts).toHaveLength(sessionIds.length);
  }, 300_000);
});
