import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import type { EventData, JsonObject, RecordedEvent } from '../eventstore/event-store.js';
import { type Position, positionAt } from '../eventstore/position.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { ReadModels } from '../read-api/read-models.js';
import { accountsProjection } from './accounts/projection.js';
import { attendanceProjection } from './attendance/projection.js';
import { auditProjection } from './audit/projection.js';
import type { Projection } from './projection.js';
import { type ProjectionFailure, ProjectionRunner, type RunnerLog, liveSchema } from './runner.js';
import type { UnstorableValue } from './stored-values.js';

/**
 * The log keeps whatever was once appended, deciders bypassed included: a projection stores
 * what it cannot store as null (or skips a change it cannot key), says so, and goes on.
 */

let db: TestDatabase;
let store: PostgresEventStore;
const runners: ProjectionRunner[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
});
afterAll(async () => {
  for (const runner of runners) await runner.stop();
  await store?.close();
  await db?.close();
});

const raw = (type: string, data: object): EventData => anEvent(type, data as JsonObject);
const admin = { accountId: 'admin', roles: ['admin' as const] };
const details = {
  title: 'Fine',
  description: '',
  venue: 'Hall',
  timeZone: 'Europe/Warsaw',
  registrationOpensAt: '2026-05-01T00:00:00Z',
  registrationClosesAt: '2026-06-01T00:00:00Z',
  requiresApproval: false,
  faceVerification: 'off',
};

/** A runner whose warnings and failures the test reads. */
const run = async (projection: Projection) => {
  const warnings: UnstorableValue[] = [];
  const failures: ProjectionFailure[] = [];
  const log: RunnerLog = {
    info: () => undefined,
    warn: (value) => 'field' in value && warnings.push(value as UnstorableValue),
    error: () => undefined,
  };
  const runner = new ProjectionRunner({ store, pool: db.pool, projection, log, lockRetryMs: 50, onFailure: (f) => failures.push(f) });
  runners.push(runner);
  await runner.start();
  const head = (await db.pool.query<{ head: string }>('SELECT max(position) AS head FROM rollcall.events')).rows[0]!.head;
  await runner.caughtUp(positionAt(BigInt(head)));
  return { warnings, failures, runner };
};

describe('the attendance projection on values no decider would have let in', () => {
  it('stores nulls, skips changes it cannot key, warns with the event and field, and applies the events after them', async () => {
    const [broken, fine, session, registration] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await store.append(
      `event-${broken}`,
      [
        raw('EventCreated', {
          eventId: broken,
          organizerId: 42,
          details: { ...details, registrationOpensAt: '2026-02-30T00:00:00Z', registrationClosesAt: '0000-01-01T00:00:00Z', timeZone: 'Mars/Olympus' },
          capacity: 'ten',
        }),
        raw('SessionsScheduled', {
          sessions: [
            { sessionId: session, startsAt: 'x 1', endsAt: '2101-01-01T00:00:00Z', checkInOpensAt: '275760-09-13T00:00:00Z', checkInClosesAt: '2026-07-02T18:00:00Z' },
            // The same session again, and one whose id keys nothing: the first schedule stands, the other is skipped.
            { sessionId: session, startsAt: '2026-07-02T16:00:00Z', endsAt: '2026-07-02T18:00:00Z', checkInOpensAt: '2026-07-02T15:00:00Z', checkInClosesAt: '2026-07-02T18:00:00Z' },
            { sessionId: 'session-one', startsAt: '2026-07-02T16:00:00Z' },
          ],
        }),
        raw('SessionsScheduled', { sessions: 'tomorrow' }),
        raw('EventCreated', { eventId: broken, organizerId: 'again', details, capacity: 1 }),
        raw('EventDetailsUpdated', {}),
        raw('CapacityChanged', { capacity: 2 ** 40 }),
        raw('StaffAssigned', { staffId: ['not', 'text'] }),
        raw('RegistrationSubmitted', { registrationId: 'r-1', attendeeId: 'ann' }),
        raw('RegistrationSubmitted', { registrationId: registration }),
        raw('TicketReissued', { registrationId: registration, version: '2' }),
        raw('RegistrationCancelled', { registrationId: randomUUID(), cancelledBy: 'nobody' }),
        raw('EventPublished', { eventId: broken }),
      ],
      'no_stream',
    );
    await store.append(`event-not-a-uuid`, [raw('EventCreated', { eventId: 'not-a-uuid', organizerId: 'x', details, capacity: 1 })], 'no_stream');
    await store.append(
      `checkin-${session}-unreadable`,
      [raw('CheckedIn', { eventId: 'x', sessionId: session, staffId: 'staff', method: 'scan', reason: null })],
      'no_stream',
    );
    await store.append(`event-${fine}`, [raw('EventCreated', { eventId: fine, organizerId: 'org', details, capacity: 3 })], 'no_stream');

    const { warnings, failures, runner } = await run(attendanceProjection);
    // Registrations are read with their attendees' accounts.
    await run(accountsProjection);
    expect(failures).toEqual([]);
    expect(runner.status().state).toBe('running');

    const reads = new ReadModels(db.pool);
    expect(await reads.event(admin, fine)).toMatchObject({ title: 'Fine', capacity: 3, registrationOpensAt: '2026-05-01T00:00:00.000Z' });
    const event = await reads.event(admin, broken);
    expect(event).toMatchObject({
      status: 'published',
      organizerId: null,
      capacity: null,
      title: null,
      timeZone: null,
      registrationOpensAt: null,
      registrationClosesAt: null,
      counts: { confirmed: 0, pending: 1, waitlisted: 0 },
    });
    const sessions = (await reads.sessionsOf([broken])).get(broken);
    expect(sessions).toEqual([
      { sessionId: session, startsAt: null, endsAt: null, checkInOpensAt: null, checkInClosesAt: '2026-07-02T18:00:00.000Z', checkedIn: 0 },
    ]);
    const registrations = await reads.registrations(admin, { eventId: broken });
    expect(registrations.nodes).toEqual([expect.objectContaining({ registrationId: registration, attendeeId: null, status: 'pending', ticketVersion: 0 })]);
    const { rows: door } = await db.pool.query(`SELECT event_id, session_id FROM ${liveSchema('attendance')}.check_ins`);
    expect(door).toEqual([{ event_id: null, session_id: session }]);

    const created = (await store.readStream(`event-${broken}`))[0]!;
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ eventId: created.id, type: 'EventCreated', field: 'details.registrationOpensAt' }),
        expect.objectContaining({ eventId: created.id, field: 'details.registrationClosesAt' }),
        expect.objectContaining({ eventId: created.id, field: 'capacity' }),
        expect.objectContaining({ eventId: created.id, field: 'details.timeZone' }),
        expect.objectContaining({ type: 'SessionsScheduled', field: 'sessions[0].startsAt' }),
        expect.objectContaining({ type: 'SessionsScheduled', field: 'sessions[2].sessionId' }),
        expect.objectContaining({ type: 'SessionsScheduled', field: 'sessions' }),
        expect.objectContaining({ type: 'EventCreated', field: 'streamId', streamId: `event-${broken}` }),
        expect.objectContaining({ type: 'EventCreated', field: 'streamId', streamId: 'event-not-a-uuid' }),
        expect.objectContaining({ type: 'RegistrationSubmitted', field: 'registrationId' }),
        expect.objectContaining({ type: 'TicketReissued', field: 'version' }),
        expect.objectContaining({ type: 'RegistrationCancelled', field: 'registrationId' }),
        expect.objectContaining({ type: 'CheckedIn', field: 'eventId' }),
      ]),
    );
    expect(warnings.every((w) => w.position !== '' && w.problem.length > 0)).toBe(true);
  });
});

/** Events as a store that checks less than ours (an older version, EventStoreDB written by another tool) may hold them. */
const recorded = (streamId: string, type: string, data: object, metadata: object = {}, position: bigint | Position = 1n): RecordedEvent => ({
  ...raw(type, data),
  metadata: { ...raw(type, data).metadata, ...metadata } as RecordedEvent['metadata'],
  streamId,
  revision: 0n,
  position: typeof position === 'bigint' ? positionAt(position) : position,
  recordedAt: new Date(),
});

/** Applies events to a fresh schema of `projection` and returns its rows and warnings. */
const applyAside = async (projection: Projection, table: string, events: RecordedEvent[]) => {
  const schema = `t_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const warnings: UnstorableValue[] = [];
  const client = await db.pool.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    await projection.setUp(client, schema);
    await projection.apply(client, schema, events, (w) => warnings.push(w));
    return { rows: (await client.query(`SELECT * FROM ${schema}.${table}`)).rows, warnings: warnings.map((w) => w.field) };
  } finally {
    client.release();
  }
};

describe('every projection on text and times PostgreSQL cannot store', () => {
  it('attendance: text with a NUL or a lone surrogate is null', async () => {
    const eventId = randomUUID();
    const { rows, warnings } = await applyAside(attendanceProjection, 'events', [
      recorded(`event-${eventId}`, 'EventCreated', { eventId, organizerId: 'org\u0000', details: { ...details, title: 'x\uD800' }, capacity: 1 }),
    ]);
    expect(rows).toEqual([expect.objectContaining({ event_id: eventId, organizer_id: null, title: null, venue: 'Hall' })]);
    expect(warnings).toEqual(['organizerId', 'details.title']);
  });

  it('attendance: a ticket version past 32 bits stays at the last one it could store', async () => {
    const [eventId, registrationId] = [randomUUID(), randomUUID()];
    const stream = `event-${eventId}`;
    const { rows, warnings } = await applyAside(attendanceProjection, 'registrations', [
      recorded(stream, 'EventCreated', { eventId, organizerId: 'org', details, capacity: 1 }, {}, 1n),
      recorded(stream, 'RegistrationConfirmed', { registrationId, attendeeId: 'ann', via: 'registration' }, {}, 2n),
      recorded(stream, 'TicketReissued', { registrationId, version: 2 ** 31 - 1 }, {}, 3n),
      recorded(stream, 'RegistrationConfirmed', { registrationId, attendeeId: 'ann', via: 'promotion' }, {}, 4n),
    ]);
    expect(rows).toEqual([expect.objectContaining({ registration_id: registrationId, ticket_version: 2 ** 31 - 1 })]);
    expect(warnings).toEqual(['ticket version']);
  });

  it('attendance: ids too long to index are null rather than a failed batch', async () => {
    const [eventId, registrationId] = [randomUUID(), randomUUID()];
    const stream = `event-${eventId}`;
    const long = 'x'.repeat(8_000);
    const { rows, warnings } = await applyAside(attendanceProjection, 'registrations', [
      recorded(stream, 'EventCreated', { eventId, organizerId: 'org', details, capacity: 1 }, {}, 1n),
      recorded(stream, 'StaffAssigned', { staffId: long }, {}, 2n),
      recorded(stream, 'RegistrationConfirmed', { registrationId, attendeeId: long, via: 'registration' }, {}, 3n),
    ]);
    expect(rows).toEqual([expect.objectContaining({ registration_id: registrationId, attendee_id: null })]);
    expect(warnings).toEqual(['staffId', 'attendeeId']);
  });

  it('attendance: door events of one append, which share a commit position on EventStoreDB, are both kept', async () => {
    const [eventId, sessionId, registrationId] = [randomUUID(), randomUUID(), randomUUID()];
    const door = { eventId, sessionId, registrationId, staffId: 'staff' };
    const { rows } = await applyAside(attendanceProjection, 'check_ins', [
      recorded(`checkin-${sessionId}-${registrationId}`, 'ScanRefused', { ...door, result: 'outside_window' }, {}, { commit: 90n, prepare: 80n }),
      recorded(`checkin-${sessionId}-${registrationId}`, 'CheckedIn', { ...door, attendeeId: 'ann', method: 'manual', reason: 'late' }, {}, { commit: 90n, prepare: 85n }),
    ]);
    expect(rows.map((row) => [row.position, row.prepare_position, row.result])).toEqual([
      ['90', '80', 'outside_window'],
      ['90', '85', 'ok'],
    ]);
  });

  it('accounts: a sign-up with an impossible time and mistyped fields is kept with nulls', async () => {
    const accountId = randomUUID();
    const { rows, warnings } = await applyAside(accountsProjection, 'accounts', [
      recorded(`account-${accountId}`, 'AccountSignedUp', { accountId, email: 'a\u0000@example.org', name: 7, roles: 'admin', signedUpAt: '2026-02-30T00:00:00Z' }),
      recorded(`account-${accountId}`, 'RoleGranted', { role: null, grantedBy: 'x', grantedAt: 'now' }, {}, 2n),
    ]);
    expect(rows).toEqual([{ account_id: accountId, email: null, name: null, roles: null, status: 'unverified', signed_up_at: null }]);
    expect(warnings).toEqual(['email', 'name', 'roles', 'signedUpAt', 'role']);
  });

  it('accounts and audit: an address or actor too long to index is null', async () => {
    const accountId = randomUUID();
    const long = `${'a'.repeat(3_000)}@example.org`;
    const accounts = await applyAside(accountsProjection, 'accounts', [
      recorded(`account-${accountId}`, 'AccountSignedUp', { accountId, email: long, name: 'Ann', roles: ['attendee'], signedUpAt: '2026-05-01T00:00:00Z' }),
    ]);
    expect(accounts.rows).toEqual([expect.objectContaining({ account_id: accountId, email: null })]);
    const audit = await applyAside(auditProjection, 'audit_log', [recorded('event-x', 'EventPublished', {}, { actorId: long, correlationId: long })]);
    expect(audit.rows).toEqual([expect.objectContaining({ actor_id: null, correlation_id: null })]);
  });

  it('audit: an envelope with an impossible time or a mistyped id is kept with nulls', async () => {
    const { rows, warnings } = await applyAside(auditProjection, 'audit_log', [
      recorded('event-x', 'EventPublished', {}, { occurredAt: '2026-02-30T00:00:00Z', actorId: 12 }),
    ]);
    expect(rows).toEqual([expect.objectContaining({ occurred_at: null, actor_id: null, stream_id: 'event-x' })]);
    expect(warnings).toEqual(['metadata.actorId', 'metadata.occurredAt']);
  });
});
