import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
import { checkInStream, eventStream } from '../../domain/streams.js';
import type { JsonObject } from '../../eventstore/event-store.js';
import { PostgresEventStore } from '../../eventstore/postgres/postgres-event-store.js';
import { type ProjectionFailure, ProjectionRunner, liveSchema } from '../runner.js';
import type { UnstorableValue } from '../stored-values.js';
import { reportsProjection } from './projection.js';

/** What another tool or an older version may have appended, deciders bypassed: the reports store what they can, say what they cannot, and go on. */

let db: TestDatabase;
let store: PostgresEventStore;
const warnings: UnstorableValue[] = [];
const failures: ProjectionFailure[] = [];
const eventId = randomUUID();
const sessionId = randomUUID();
const registrationId = randomUUID();

beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  const raw = (type: string, data: object) => anEvent(type, data as JsonObject);
  await store.append(
    eventStream(eventId),
    [
      raw('EventCreated', { eventId, organizerId: `o${'r'.repeat(2_000)}`, details: { title: 7, timeZone: 'Mars/Base' }, capacity: 'many' }),
      raw('SessionsScheduled', { sessions: 'soon' }),
      raw('SessionsScheduled', { sessions: [{ sessionId, startsAt: '2026-02-30T09:00:00Z', endsAt: '2026-03-01T11:00:00Z' }] }),
      raw('RegistrationSubmitted', { registrationId, attendeeId: 'a'.repeat(5_000) }),
      raw('RegistrationConfirmed', { registrationId, attendeeId: 7, via: 'charm' }),
      raw('RegistrationConfirmed', { registrationId: 42, attendeeId: 'ann', via: 'registration' }),
    ],
    'no_stream',
  );
  await store.append(
    checkInStream(sessionId, registrationId),
    [
      raw('ScanRefused', { eventId, sessionId, registrationId, staffId: 'door', result: 'x'.repeat(3_000) }),
      raw('CheckedIn', { eventId: 'nope', sessionId, registrationId, attendeeId: 'ann', staffId: 'door', method: 'scan', reason: null }),
      raw('CheckedIn', { eventId, sessionId, registrationId, attendeeId: 'ann', staffId: 'door', method: 'scan', reason: null }),
    ],
    'no_stream',
  );
  const runner = new ProjectionRunner({
    store,
    pool: db.pool,
    projection: reportsProjection,
    lockRetryMs: 50,
    log: { info: () => undefined, warn: (value) => 'field' in value && warnings.push(value as UnstorableValue), error: () => undefined },
    onFailure: (failure) => failures.push(failure),
  });
  await runner.start();
  await runner.caughtUp((await store.headPosition())!, { timeoutMs: 30_000 });
  await runner.stop();
});

afterAll(async () => {
  await store?.close();
  await db?.close();
});

describe('the reports projection over values it cannot store', () => {
  it('goes on, reporting each value it stored as null or each change it left out', () => {
    expect(failures).toEqual([]);
    expect(warnings.map((w) => `${w.type} ${w.field}`)).toEqual([
      'EventCreated organizerId',
      'EventCreated details.title',
      'EventCreated details.timeZone',
      'SessionsScheduled sessions',
      'SessionsScheduled sessions[0].startsAt',
      'RegistrationSubmitted attendeeId',
      'RegistrationConfirmed via',
      'RegistrationConfirmed registrationId',
      'ScanRefused result',
      'CheckedIn eventId',
    ]);
  });

  it('keeps what it could: the event, the session’s end, the registration confirmed and its ticket checked in', async () => {
    const reports = liveSchema('reports');
    const { rows: events } = await db.pool.query(`SELECT organizer_id, title, time_zone, confirmed, attended, unused_tickets FROM ${reports}.events`);
    expect(events).toEqual([{ organizer_id: null, title: null, time_zone: null, confirmed: 1, attended: 1, unused_tickets: 0 }]);
    const { rows: sessions } = await db.pool.query(`SELECT starts_at, ends_at, checked_in FROM ${reports}.sessions`);
    expect(sessions).toEqual([{ starts_at: null, ends_at: new Date('2026-03-01T11:00:00Z'), checked_in: 1 }]);
  });
});
