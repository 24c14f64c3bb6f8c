import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
import type { CheckInEvent } from '../../domain/check-in/check-in.js';
import type { EventDetails, EventEvent } from '../../domain/event/event.js';
import type { RecordedEvent } from '../../eventstore/event-store.js';
import { positionAt } from '../../eventstore/position.js';
import { ignoreUnstorable } from '../stored-values.js';
import { attendanceProjection } from './projection.js';

let db: TestDatabase;
beforeAll(async () => (db = await createTestDatabase()));
afterAll(async () => db?.close());

const details: EventDetails = {
  title: 'Meetup',
  description: '',
  venue: 'Hall',
  timeZone: 'UTC',
  registrationOpensAt: '2026-05-01T00:00:00.000Z',
  registrationClosesAt: '2026-07-01T00:00:00.000Z',
  requiresApproval: true,
  faceVerification: 'off',
};

/** A history touching every event type the projection reads, as the store would deliver it. */
const history = (): RecordedEvent[] => {
  const [e1, e2, s1, s2] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const [r1, r2, r3, r4, r5] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const session = (sessionId: string) => ({
    sessionId,
    startsAt: '2026-07-02T16:00:00.000Z',
    endsAt: '2026-07-02T18:00:00.000Z',
    checkInOpensAt: '2026-07-02T15:00:00.000Z',
    checkInClosesAt: '2026-07-02T18:00:00.000Z',
  });
  const door = { eventId: e1, sessionId: s1, staffId: 'staff-1' };
  const items: [string, EventEvent | CheckInEvent][] = [
    [`event-${e1}`, { type: 'EventCreated', data: { eventId: e1, organizerId: 'org', details, capacity: 2 } }],
    [`event-${e1}`, { type: 'SessionsScheduled', data: { sessions: [session(s1), session(s2)] } }],
    [`event-${e1}`, { type: 'StaffAssigned', data: { staffId: 'staff-1' } }],
    [`event-${e1}`, { type: 'EventPublished', data: { eventId: e1 } }],
    [`event-${e1}`, { type: 'RegistrationSubmitted', data: { registrationId: r1, attendeeId: 'ann' } }],
    [`event-${e1}`, { type: 'RegistrationSubmitted', data: { registrationId: r2, attendeeId: 'bob' } }],
    [`event-${e1}`, { type: 'RegistrationConfirmed', data: { registrationId: r1, attendeeId: 'ann', via: 'approval' } }],
    [`event-${e1}`, { type: 'RegistrationConfirmed', data: { registrationId: r2, attendeeId: 'bob', via: 'approval' } }],
    [`event-${e1}`, { type: 'RegistrationSubmitted', data: { registrationId: r3, attendeeId: 'cat' } }],
    [`event-${e1}`, { type: 'RegistrationWaitlisted', data: { registrationId: r3, attendeeId: 'cat' } }],
    [`event-${e1}`, { type: 'RegistrationSubmitted', data: { registrationId: r4, attendeeId: 'dan' } }],
    [`event-${e1}`, { type: 'RegistrationRejected', data: { registrationId: r4, reason: 'no' } }],
    [`event-${e1}`, { type: 'TicketReissued', data: { registrationId: r1, version: 2 } }],
    [`checkin-${s1}-${r1}`, { type: 'CheckedIn', data: { ...door, registrationId: r1, attendeeId: 'ann', method: 'scan', reason: null } }],
    [`checkin-${s1}-${r1}`, { type: 'ScanRefused', data: { ...door, registrationId: r1, result: 'already_redeemed' } }],
    [`checkin-${s1}-unreadable`, { type: 'UnreadableTicketScanned', data: door }],
    [`checkin-${s1}-${r2}`, { type: 'CheckedIn', data: { ...door, registrationId: r2, attendeeId: 'bob', method: 'manual', reason: 'phone died' } }],
    [`checkin-${s1}-${r2}`, { type: 'CheckInUndone', data: { ...door, registrationId: r2, reason: 'wrong person' } }],
    [`event-${e1}`, { type: 'RegistrationCancelled', data: { registrationId: r2, cancelledBy: 'bob' } }],
    [`event-${e1}`, { type: 'RegistrationConfirmed', data: { registrationId: r3, attendeeId: 'cat', via: 'promotion' } }],
    [`event-${e1}`, { type: 'CapacityChanged', data: { capacity: 5 } }],
    [`event-${e1}`, { type: 'EventDetailsUpdated', data: { details: { ...details, venue: 'Hall B' } } }],
    [`event-${e2}`, { type: 'EventCreated', data: { eventId: e2, organizerId: 'org', details, capacity: 1 } }],
    [`event-${e2}`, { type: 'RegistrationSubmitted', data: { registrationId: r5, attendeeId: 'eve' } }],
    [`event-${e2}`, { type: 'EventCancelled', data: { reason: 'storm' } }],
    ['account-x', { type: 'AccountDisabled', data: { disabledBy: 'a', disabledAt: 'now' } } as never],
  ];
  return items.map(([streamId, event], i) => ({
    id: randomUUID(),
    type: event.type,
    data: event.data,
    metadata: { correlationId: 'c', causationId: 'c', actorId: 'a', commandId: 'c', occurredAt: '2026-06-01T00:00:00Z', schemaVersion: 1 },
    streamId,
    revision: BigInt(i),
    position: positionAt(BigInt(1_000 + i)),
    recordedAt: new Date(Date.UTC(2026, 5, 1, 0, 0, i)),
  }));
};

const TABLE_ORDER: Record<string, string> = {
  events: 'event_id',
  sessions: 'event_id, session_id',
  staff: 'event_id, staff_id',
  registrations: 'event_id, registration_id',
  check_ins: 'position',
};

/** Applies the history in chunks of the given sizes into a fresh schema and returns its tables. */
const project = async (events: RecordedEvent[], chunk: (index: number) => number) => {
  const schema = `t_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const client = await db.pool.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    await attendanceProjection.setUp(client, schema);
    for (let i = 0, n = 0; i < events.length; n++) {
      const size = chunk(n);
      await attendanceProjection.apply(client, schema, events.slice(i, i + size), ignoreUnstorable);
      i += size;
    }
    const tables: Record<string, unknown[]> = {};
    for (const [table, order] of Object.entries(TABLE_ORDER))
      tables[table] = (await client.query(`SELECT * FROM ${schema}.${table} ORDER BY ${order}`)).rows;
    return tables;
  } finally {
    client.release();
  }
};

describe('attendance projection', () => {
  it('gives the same tables whether a history comes in one batch, event by event or in odd chunks', async () => {
    const events = history();
    const whole = await project(events, () => events.length);
    expect(await project(events, () => 1)).toEqual(whole);
    expect(await project(events, (n) => [2, 3, 5, 7][n % 4]!)).toEqual(whole);
  });

  it('keeps the counts, statuses and door log a dashboard shows', async () => {
    const tables = await project(history(), () => 1_000);
    const [first, second] = tables.events as Record<string, unknown>[];
    const e1 = [first, second].find((e) => e!.capacity === 5)!;
    const e2 = [first, second].find((e) => e!.capacity === 1)!;
    expect(e1).toMatchObject({ status: 'published', venue: 'Hall B', confirmed: 2, pending: 0, waitlisted: 0 });
    expect(e2).toMatchObject({ status: 'cancelled', confirmed: 0, pending: 1 });
    const registrations = tables.registrations as { attendee_id: string; status: string; ticket_version: number }[];
    expect(Object.fromEntries(registrations.map((r) => [r.attendee_id, [r.status, r.ticket_version]]))).toEqual({
      ann: ['confirmed', 2],
      bob: ['cancelled', 1],
      cat: ['confirmed', 1],
      dan: ['rejected', 0],
      eve: ['pending', 0],
    });
    const sessions = tables.sessions as { checked_in: number }[];
    expect(sessions.map((s) => s.checked_in).sort()).toEqual([0, 1]);
    expect((tables.check_ins as { kind: string; result: string }[]).map((c) => `${c.kind}:${c.result}`)).toEqual([
      'scan:ok',
      'scan:already_redeemed',
      'scan:invalid',
      'manual:ok',
      'undo:undone',
    ]);
  });
});
