import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
import { ticketIdOf } from '../../commands/tickets/ticket-codes.js';
import type { Actor } from '../../domain/actor.js';
import type { CheckInEvent } from '../../domain/check-in/check-in.js';
import type { EventEvent } from '../../domain/event/event.js';
import type { EventData, JsonObject } from '../../eventstore/event-store.js';
import { PostgresEventStore } from '../../eventstore/postgres/postgres-event-store.js';
import { toIntegrationEvent } from '../../integration/contract.js';
import { TICKET_DELIVERY_QUEUE } from '../../jobs/queues.js';
import { TicketMail } from '../../jobs/ticket-mail-reactor.js';
import { ReadModels } from '../../read-api/read-models.js';
import { Jobs } from '../../jobs/jobs.js';
import { type Projector, startProjector } from '../projector.js';
import { verifyProjection } from '../verify.js';
import { attendanceProjection } from './projection.js';
import { LIVE } from './tables.js';

/**
 * Logs written before ids were scoped to their event hold registration and session ids that
 * several events share (they were derived from the client's commandId alone). Each is its
 * event's: the read model keeps one row per event, and nothing stops.
 */

let db: TestDatabase;
let store: PostgresEventStore;
let jobs: Jobs;
let projector: Projector;
beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  // The job tables, where ticket mail is queued.
  jobs = new Jobs(db.url);
  await jobs.boss();
});
afterAll(async () => {
  await projector?.stop();
  await jobs?.stop();
  await store?.close();
  await db?.close();
});

const HOUR = 3_600_000;
const domainEvent = (event: EventEvent | CheckInEvent): EventData => anEvent(event.type, event.data as unknown as JsonObject);
const attendee: Actor = { accountId: randomUUID(), roles: ['attendee'] };
const admin: Actor = { accountId: 'admin', roles: ['admin'] };
const [registrationId, sessionId, staffId] = [randomUUID(), randomUUID(), randomUUID()];

/** A published event with the shared session, where the attendee's registration under the shared id ends `confirmed` or `waitlisted`. */
const anEventWithTheSharedIds = async (outcome: 'confirmed' | 'waitlisted'): Promise<string> => {
  const eventId = randomUUID();
  const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
  const details = {
    title: `Shared ${outcome}`,
    description: '',
    venue: 'Hall',
    timeZone: 'UTC',
    registrationOpensAt: at(-1),
    registrationClosesAt: at(1),
    requiresApproval: false,
    faceVerification: 'off' as const,
  };
  const registration = { registrationId, attendeeId: attendee.accountId };
  await store.append(
    `event-${eventId}`,
    [
      domainEvent({ type: 'EventCreated', data: { eventId, organizerId: randomUUID(), details, capacity: 5 } }),
      domainEvent({ type: 'SessionsScheduled', data: { sessions: [{ sessionId, startsAt: at(2), endsAt: at(3), checkInOpensAt: at(1), checkInClosesAt: at(3) }] } }),
      domainEvent({ type: 'StaffAssigned', data: { staffId } }),
      domainEvent({ type: 'EventPublished', data: { eventId } }),
      ...(outcome === 'confirmed'
        ? [domainEvent({ type: 'RegistrationConfirmed', data: { ...registration, via: 'registration' } })]
        : [domainEvent({ type: 'RegistrationWaitlisted', data: registration })]),
    ],
    'no_stream',
  );
  return eventId;
};

describe('events whose registrations and sessions share ids', () => {
  it('keep a registration, a ticket, a session and its check-ins per event, and the read model equals the domain’s fold', async () => {
    const first = await anEventWithTheSharedIds('confirmed');
    const second = await anEventWithTheSharedIds('waitlisted');
    const third = await anEventWithTheSharedIds('confirmed');
    await store.append(
      `checkin-${sessionId}-${registrationId}`,
      [domainEvent({ type: 'CheckedIn', data: { eventId: first, sessionId, registrationId, attendeeId: attendee.accountId, staffId, method: 'scan', reason: null } })],
      'no_stream',
    );
    const head = (await store.readAll({ maxCount: 1_000 })).at(-1)!.position;

    projector = await startProjector({ store, pool: db.pool, onFailure: () => undefined });
    await Promise.all(projector.runners.map((runner) => runner.caughtUp(head)));
    expect(projector.runners.map((runner) => runner.status().state).every((state) => state === 'running')).toBe(true);

    const { rows } = await db.pool.query(
      `SELECT event_id, status, ticket_version FROM ${LIVE}.registrations WHERE registration_id = $1 ORDER BY registered_position`,
      [registrationId],
    );
    expect(rows).toEqual([
      { event_id: first, status: 'confirmed', ticket_version: 1 },
      { event_id: second, status: 'waitlisted', ticket_version: 0 },
      { event_id: third, status: 'confirmed', ticket_version: 1 },
    ]);

    const reads = new ReadModels(db.pool);
    const sign = async () => 'signed';
    expect(await reads.ticket(attendee, ticketIdOf(first, registrationId), sign)).toMatchObject({ eventId: first, status: 'confirmed', version: 1, code: 'signed' });
    expect(await reads.ticket(attendee, ticketIdOf(second, registrationId), sign)).toMatchObject({ eventId: second, status: 'waitlisted', code: null });
    const mine = await reads.myRegistrations(attendee, 10, null);
    expect(mine.nodes.map((r) => [r.eventId, r.status])).toEqual([
      [first, 'confirmed'],
      [second, 'waitlisted'],
      [third, 'confirmed'],
    ]);

    expect(await reads.sessionAttendance(admin, first, sessionId)).toEqual({ sessionId, checkedIn: 1, confirmed: 1 });
    expect(await reads.sessionAttendance(admin, second, sessionId)).toEqual({ sessionId, checkedIn: 0, confirmed: 0 });
    expect((await reads.checkIns(admin, { eventId: first, sessionId })).nodes).toHaveLength(1);
    expect((await reads.checkIns(admin, { eventId: third, sessionId })).nodes).toEqual([]);

    const verified = await verifyProjection({ store, pool: db.pool, projection: attendanceProjection });
    expect(verified.domain).toMatchObject({ equal: true, differenceCount: 0 });
    expect(verified.equal).toBe(true);
  });

  it('queues a ticket mail for each event’s confirmation, under job ids that name the event', async () => {
    const mail = new TicketMail({ jobs, pool: db.pool });
    for (const event of (await store.readAll({ maxCount: 1_000 })).flatMap((recorded) => toIntegrationEvent(recorded) ?? [])) await mail.handle(event);
    const { rows } = await db.pool.query<{ event_id: string }>(
      "SELECT data->>'eventId' AS event_id FROM pgboss.job WHERE name = $1 AND data->>'registrationId' = $2",
      [TICKET_DELIVERY_QUEUE, registrationId],
    );
    const confirmed = await db.pool.query<{ event_id: string }>(
      `SELECT event_id FROM ${LIVE}.registrations WHERE registration_id = $1 AND status = 'confirmed'`,
      [registrationId],
    );
    expect(rows.map((r) => r.event_id).sort()).toEqual(confirmed.rows.map((r) => r.event_id).sort());
    expect(rows).toHaveLength(2);
  });
});
