import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
import { runRollcallCli } from '../../../test/spawn-rollcall.js';
import type { CheckInEvent } from '../../domain/check-in/check-in.js';
import type { EventEvent } from '../../domain/event/event.js';
import type { EventData, JsonObject } from '../../eventstore/event-store.js';
import { PostgresEventStore } from '../../eventstore/postgres/postgres-event-store.js';
import type { Projection } from '../projection.js';
import { rebuildProjection } from '../rebuild.js';
import { ProjectionRunner } from '../runner.js';
import { verifyProjection } from '../verify.js';
import { attendanceProjection } from './projection.js';
import { LIVE } from './tables.js';

/**
 * Rebuild-and-compare runs the projection's code twice, so it cannot see a bug that code
 * has; the domain's own fold of the log can.
 */

let db: TestDatabase;
let store: PostgresEventStore;
beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  for (let i = 0; i < 3; i++) await seedEvent(i);
});
afterAll(async () => {
  await store?.close();
  await db?.close();
});

const domainEvent = (event: EventEvent | CheckInEvent): EventData => anEvent(event.type, event.data as unknown as JsonObject);
const registrationsOf: string[][] = [];

/** A published event with a session, staff, five confirmed registrations (one reissued, one cancelled), two waitlisted and a check-in. */
const seedEvent = async (n: number): Promise<void> => {
  const [eventId, sessionId, staffId] = [randomUUID(), randomUUID(), randomUUID()];
  const registrations = Array.from({ length: 7 }, (_, i) => ({ registrationId: randomUUID(), attendeeId: i === 0 ? 'mallory' : randomUUID() }));
  registrationsOf.push(registrations.map((r) => r.registrationId));
  const details = {
    title: `Event ${n}`,
    description: '',
    venue: 'Hall',
    timeZone: 'UTC',
    registrationOpensAt: '2030-01-01T00:00:00.000Z',
    registrationClosesAt: '2030-06-01T00:00:00.000Z',
    requiresApproval: false,
    faceVerification: 'off' as const,
  };
  const session = { sessionId, startsAt: '2030-07-01T09:00:00.000Z', endsAt: '2030-07-01T17:00:00.000Z', checkInOpensAt: '2030-07-01T08:00:00.000Z', checkInClosesAt: '2030-07-01T17:00:00.000Z' };
  await store.append(
    `event-${eventId}`,
    [
      domainEvent({ type: 'EventCreated', data: { eventId, organizerId: 'org', details, capacity: 5 } }),
      domainEvent({ type: 'SessionsScheduled', data: { sessions: [session] } }),
      domainEvent({ type: 'StaffAssigned', data: { staffId } }),
      domainEvent({ type: 'EventPublished', data: { eventId } }),
      ...registrations.map((r, i) =>
        i < 5 ? domainEvent({ type: 'RegistrationConfirmed', data: { ...r, via: 'registration' } }) : domainEvent({ type: 'RegistrationWaitlisted', data: r }),
      ),
      domainEvent({ type: 'TicketReissued', data: { registrationId: registrations[1]!.registrationId, version: 2 } }),
      domainEvent({ type: 'RegistrationCancelled', data: { registrationId: registrations[2]!.registrationId, cancelledBy: 'x' } }),
      domainEvent({ type: 'RegistrationConfirmed', data: { ...registrations[5]!, via: 'promotion' } }),
    ],
    'no_stream',
  );
  const holder = registrations[3]!;
  await store.append(
    `checkin-${sessionId}-${holder.registrationId}`,
    [domainEvent({ type: 'CheckedIn', data: { eventId, sessionId, ...holder, staffId, method: 'scan', reason: null } })],
    'no_stream',
  );
};

const runLive = async (projection: Projection): Promise<void> => {
  const runner = new ProjectionRunner({ store, pool: db.pool, projection, lockRetryMs: 50 });
  await runner.start();
  await runner.caughtUp((await store.readAll({ maxCount: 10_000 })).at(-1)!.position);
  await runner.stop();
};

describe('verify against the domain’s fold', () => {
  it('finds a projection bug that a rebuild repeats, which rebuild-and-compare calls equal', async () => {
    // The bug: mallory's confirmed registrations are written as waitlisted, though the counts are right.
    const buggy: Projection = {
      ...attendanceProjection,
      async apply(client, schema, events, onUnstorable) {
        await attendanceProjection.apply(client, schema, events, onUnstorable);
        await client.query(`UPDATE ${schema}.registrations SET status = 'waitlisted' WHERE attendee_id = 'mallory' AND status = 'confirmed'`);
      },
    };
    await runLive(buggy);

    const verified = await verifyProjection({ store, pool: db.pool, projection: buggy });
    expect(verified.tables.every((t) => t.equal)).toBe(true);
    expect(verified.domain).toMatchObject({ equal: false, differenceCount: 3, streams: 6, quarantined: 0 });
    const victims = registrationsOf.map((ids) => ids[0]!);
    expect(verified.domain!.differences.map((d) => [d.what, d.live, d.domain])).toEqual(
      expect.arrayContaining(victims.map((id) => [`registration ${id} status`, 'waitlisted', 'confirmed'])),
    );
    expect(verified.equal).toBe(false);
  });

  it('is equal once the bug is fixed and the tables rebuilt', async () => {
    await rebuildProjection({ store, pool: db.pool, projection: attendanceProjection, lockRetryMs: 50 });
    const verified = await verifyProjection({ store, pool: db.pool, projection: attendanceProjection });
    expect(verified.domain).toMatchObject({ equal: true, differenceCount: 0, streams: 6 });
    expect(verified.equal).toBe(true);
  });

  it('names each wrong count, status, ticket version, session and staff row of the live tables, the first few of them', async () => {
    const [first] = registrationsOf;
    const eventId = (await db.pool.query<{ event_id: string }>(`SELECT event_id FROM ${LIVE}.registrations WHERE registration_id = $1`, [first![0]])).rows[0]!
      .event_id;
    await db.pool.query(`UPDATE ${LIVE}.registrations SET status = 'cancelled' WHERE registration_id = $1`, [first![0]]);
    await db.pool.query(`UPDATE ${LIVE}.registrations SET ticket_version = 1 WHERE registration_id = $1`, [first![1]]);
    await db.pool.query(`UPDATE ${LIVE}.events SET pending = 4, capacity = 50 WHERE event_id = $1`, [eventId]);
    await db.pool.query(`UPDATE ${LIVE}.sessions SET checked_in = 0, starts_at = starts_at + interval '1 hour' WHERE event_id = $1`, [eventId]);
    await db.pool.query(`DELETE FROM ${LIVE}.staff WHERE event_id = $1`, [eventId]);

    const verified = await verifyProjection({ store, pool: db.pool, projection: attendanceProjection, differences: 5 });
    expect(verified.domain!.differenceCount).toBe(7);
    expect(verified.domain!.differences).toHaveLength(5);
    const found = verified.domain!.differences.map((d) => d.what);
    // In order: the event's own fields, its registrations (by id), its sessions, its staff.
    expect(found.slice(0, 2)).toEqual(['capacity', 'pending count']);
    expect(found.slice(2, 4).sort()).toEqual([`registration ${first![0]} status`, `registration ${first![1]} ticket version`].sort());
    expect(found[4]).toMatch(/^session .+ startsAt$/);
    expect(verified.domain!.differences.every((d) => d.streamId === `event-${eventId}`)).toBe(true);

    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url };
    delete env.EVENTSTORE_URL;
    const cli = await runRollcallCli(['admin', 'projections', 'verify', 'attendance'], env);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/attendance against the domain's fold of 6 streams at \d+: 7 difference\(s\)/);
    expect(cli.stdout).toContain(`  event-${eventId}: registration ${first![0]} status: live cancelled, domain confirmed`);
    expect(cli.stdout).toMatch(/event-.+: session .+ checked in: live 0, domain 1/);
    expect(cli.stdout).toMatch(/event-.+: staff .+: live none, domain assigned/);
    expect(cli.stdout.trimEnd().split('\n').at(-1)).toMatch(/^attendance: DIFFERENT/);
  });
});
