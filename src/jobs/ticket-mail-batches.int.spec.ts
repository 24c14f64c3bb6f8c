import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { eventStream } from '../domain/streams.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { causedBy } from '../eventstore/trace.js';
import { toIntegrationEvent } from '../integration/contract.js';
import { attendanceProjection } from '../projections/attendance/projection.js';
import { ticketRegistrations } from '../projections/attendance/registration-queries.js';
import { ProjectionRunner } from '../projections/runner.js';
import { Jobs } from './jobs.js';
import { TICKET_DELIVERY_QUEUE } from './queues.js';
import { ticketDeliveryJobId } from './ticket-delivery.js';
import { TicketMail } from './ticket-mail-reactor.js';

/** Ticket mail for a batch of events at once, as an on-sale hands the reactor hundreds. */

let db: TestDatabase;
let store: PostgresEventStore;
let jobs: Jobs;
let runner: ProjectionRunner;
beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  jobs = new Jobs(db.url);
  await jobs.boss();
  runner = new ProjectionRunner({ store, pool: db.pool, projection: attendanceProjection, lockRetryMs: 50 });
  await runner.start();
});
afterAll(async () => {
  await runner?.stop();
  await jobs?.stop();
  await store?.close();
  await db?.close();
});

const HOUR = 3_600_000;

const deliveries = async () =>
  (await db.pool.query<{ id: string; data: { registrationId: string; version: number; trace: unknown } }>('SELECT id, data FROM pgboss.job WHERE name = $1', [TICKET_DELIVERY_QUEUE])).rows;

describe('ticket mail for a batch of events', () => {
  it('queues each ticket once at its current version: a reissue later in the batch is the one queued, a cancelled one is not', async () => {
    const eventId = randomUUID();
    const [ann, bob, cy] = [randomUUID(), randomUUID(), randomUUID()];
    const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
    const details = { title: 'Sell-out', description: '', venue: 'Hall', timeZone: 'UTC', registrationOpensAt: at(-1), registrationClosesAt: at(1), requiresApproval: false, faceVerification: 'off' };
    const { position } = await store.append(
      eventStream(eventId),
      [
        anEvent('EventCreated', { eventId, organizerId: 'org', details, capacity: 5 }),
        anEvent('RegistrationConfirmed', { registrationId: ann, attendeeId: 'ann', via: 'registration' }),
        anEvent('RegistrationConfirmed', { registrationId: bob, attendeeId: 'bob', via: 'registration' }),
        anEvent('TicketReissued', { registrationId: ann, version: 2 }),
        anEvent('RegistrationConfirmed', { registrationId: cy, attendeeId: 'cy', via: 'registration' }),
        anEvent('RegistrationCancelled', { registrationId: cy, cancelledBy: 'cy' }),
      ],
      'no_stream',
    );
    await runner.caughtUp(position);
    const batch = (await store.readStream(eventStream(eventId))).flatMap((recorded) => toIntegrationEvent(recorded) ?? []);
    const reissue = batch.find((event) => event.type === 'TicketReissued')!;
    const mail = new TicketMail({ jobs, pool: db.pool });

    await mail.handleBatch(batch);
    // Handed over again (a redelivery), it queues nothing more.
    await mail.handleBatch(batch);

    const queued = await deliveries();
    expect(queued.map(({ id }) => id).sort()).toEqual([ticketDeliveryJobId(eventId, ann, 2), ticketDeliveryJobId(eventId, bob, 1)].sort());
    expect(queued.find((job) => job.data.registrationId === ann)!.data).toMatchObject({ version: 2, trace: causedBy(reissue) });

    // One query reads them all, each in its place: twice where asked twice, none where the read model has none.
    const keys = [ann, randomUUID(), cy, ann].map((registrationId) => ({ eventId, registrationId }));
    const read = await ticketRegistrations(db.pool, keys);
    expect(read.map((ticket) => ticket && [ticket.registrationId, ticket.status, ticket.ticketVersion])).toEqual([
      [ann, 'confirmed', 2],
      undefined,
      [cy, 'cancelled', 1],
      [ann, 'confirmed', 2],
    ]);
    expect(await ticketRegistrations(db.pool, [])).toEqual([]);
  });
});
