import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { anEvent } from '../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { eventStream } from '../domain/streams.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { setCheckpoint } from '../log-follower/checkpoints.js';
import { type MlWorker, startMlWorker } from '../ml/ml-worker.js';
import { attendanceProjection } from '../projections/attendance/projection.js';
import { Jobs } from './jobs.js';
import { ProjectionRunner } from '../projections/runner.js';
import { TICKET_DELIVERY_QUEUE } from './queues.js';
import { ticketDeliveryJobId } from './ticket-delivery.js';
import { TicketMail } from './ticket-mail-reactor.js';

/**
 * Ticket mail waits for the attendance projection, also while a new version of it rebuilds
 * its tables aside: the live checkpoint stands still until the swap, and the old tables may
 * not fit this code's queries.
 */

let db: TestDatabase;
let store: PostgresEventStore;
let jobs: Jobs;
const running: { stop(): Promise<void> }[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  jobs = new Jobs(db.url);
  await jobs.boss();
});
afterAll(async () => {
  for (const service of running.reverse()) await service.stop();
  await jobs?.stop();
  await store?.close();
  await db?.close();
});

const HOUR = 3_600_000;
const registrationId = randomUUID();

/** An event whose registration under the shared id is confirmed, with the attendee's ticket version 1. */
const confirmedEvent = async (): Promise<string> => {
  const eventId = randomUUID();
  const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
  const details = { title: 'Upgraded', description: '', venue: 'Hall', timeZone: 'UTC', registrationOpensAt: at(-1), registrationClosesAt: at(1), requiresApproval: false, faceVerification: 'off' };
  await store.append(
    eventStream(eventId),
    [anEvent('EventCreated', { eventId, organizerId: 'org', details, capacity: 5 }), anEvent('RegistrationConfirmed', { registrationId, attendeeId: 'ann', via: 'registration' })],
    'no_stream',
  );
  return eventId;
};

const head = async () => (await store.readAll({ maxCount: 10_000 })).at(-1)!.position;

const deliveries = async () =>
  (
    await db.pool.query<{ id: string; event_id: string }>("SELECT id, data->>'eventId' AS event_id FROM pgboss.job WHERE name = $1 ORDER BY 2", [
      TICKET_DELIVERY_QUEUE,
    ])
  ).rows;

describe('ticket mail while the attendance tables are of an older version', () => {
  it('waits for the rebuilt tables, then queues each ticket once: the one version 1 queued is not queued again', async () => {
    const first = await confirmedEvent();
    // As version 1 left them, with the first ticket applied and its delivery queued.
    await db.pool.query(`
      CREATE SCHEMA rm_attendance;
      CREATE TABLE rm_attendance.registrations (registration_id uuid PRIMARY KEY, event_id uuid NOT NULL, status text NOT NULL);
      INSERT INTO rm_attendance.registrations VALUES ('${registrationId}', '${first}', 'confirmed');`);
    await setCheckpoint(db.pool, { kind: 'projection', name: 'attendance' }, await head());
    const id = ticketDeliveryJobId(first, registrationId, 1);
    await (await jobs.boss()).send(TICKET_DELIVERY_QUEUE, { eventId: first, registrationId, attendeeId: 'ann', version: 1 }, { id });
    const second = await confirmedEvent();

    const reactor: MlWorker = await startMlWorker({ store, pool: db.pool, reactors: [new TicketMail({ jobs, pool: db.pool })] });
    running.push(reactor);
    const runner = new ProjectionRunner({ store, pool: db.pool, projection: attendanceProjection, lockRetryMs: 50 });
    running.push(runner);
    await runner.start();
    await vi.waitFor(() => expect(runner.status().state).toBe('running'), { timeout: 30_000, interval: 50 });
    const third = await confirmedEvent();
    await runner.caughtUp(await head());

    const expected = [first, second, third].map((eventId) => ({ id: ticketDeliveryJobId(eventId, registrationId, 1), event_id: eventId }));
    await vi.waitFor(async () => expect(await deliveries()).toHaveLength(3), { timeout: 30_000, interval: 100 });
    expect(await deliveries()).toEqual(expect.arrayContaining(expected));
  });
});
