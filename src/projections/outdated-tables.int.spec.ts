import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { anEvent } from '../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import type { EventEvent } from '../domain/event/event.js';
import type { EventData, JsonObject } from '../eventstore/event-store.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { setCheckpoint } from '../log-follower/checkpoints.js';
import { attendanceProjection } from './attendance/projection.js';
import type { Projection } from './projection.js';
import { ProjectionRunner, type RunnerLog, liveSchema, readCheckpoint } from './runner.js';
import { markSchemaVersion, readSchemaVersion } from './schema-version.js';

/**
 * A deployed system has live tables an older version of a projection built. The runner of
 * the new version does not apply to them: it rebuilds aside, swaps, and carries on.
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

const HOUR = 3_600_000;
const domainEvent = (event: EventEvent): EventData => anEvent(event.type, event.data as unknown as JsonObject);
const registrationId = randomUUID();

const confirmedEvent = async (): Promise<string> => {
  const eventId = randomUUID();
  const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
  const details = {
    title: 'Upgraded',
    description: '',
    venue: 'Hall',
    timeZone: 'UTC',
    registrationOpensAt: at(-1),
    registrationClosesAt: at(1),
    requiresApproval: false,
    faceVerification: 'off' as const,
  };
  await store.append(
    `event-${eventId}`,
    [
      domainEvent({ type: 'EventCreated', data: { eventId, organizerId: 'org', details, capacity: 5 } }),
      domainEvent({ type: 'RegistrationConfirmed', data: { registrationId, attendeeId: 'ann', via: 'registration' } }),
    ],
    'no_stream',
  );
  return eventId;
};

const liveVersion = async (): Promise<number | undefined> => {
  const client = await db.pool.connect();
  try {
    return await readSchemaVersion(client, liveSchema('attendance'));
  } finally {
    client.release();
  }
};

const head = async () => (await store.readAll({ maxCount: 10_000 })).at(-1)!.position;

const primaryKeyOf = async (table: string): Promise<string[]> =>
  (
    await db.pool.query<{ attname: string }>(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`,
      [table],
    )
  ).rows.map((r) => r.attname);

describe('live tables of an older version', () => {
  it('are rebuilt aside and swapped in by the new version’s runner, which then carries on', async () => {
    const first = await confirmedEvent();
    const applied = await head();
    // As version 1 left them: registrations keyed by their own id, so the two events' registrations were one row.
    await db.pool.query(`
      CREATE SCHEMA rm_attendance;
      CREATE TABLE rm_attendance.registrations (registration_id uuid PRIMARY KEY, event_id uuid NOT NULL, status text NOT NULL);
      INSERT INTO rm_attendance.registrations VALUES ('${registrationId}', '${first}', 'confirmed');`);
    await setCheckpoint(db.pool, { kind: 'projection', name: 'attendance' }, applied);
    const second = await confirmedEvent();
    expect(await liveVersion()).toBe(1);

    const runner = new ProjectionRunner({ store, pool: db.pool, projection: attendanceProjection, lockRetryMs: 50 });
    runners.push(runner);
    await runner.start();
    await vi.waitFor(() => expect(runner.status().state).toBe('running'), { timeout: 30_000, interval: 50 });
    const third = await confirmedEvent();
    await runner.caughtUp(await head());

    expect(await liveVersion()).toBe(attendanceProjection.version);
    expect(await primaryKeyOf('rm_attendance.registrations')).toEqual(['event_id', 'registration_id']);
    const { rows } = await db.pool.query(`SELECT event_id FROM rm_attendance.registrations WHERE registration_id = $1 ORDER BY registered_position`, [
      registrationId,
    ]);
    expect(rows.map((r) => r.event_id)).toEqual([first, second, third]);
    expect((await readCheckpoint(db.pool, 'attendance'))?.position).toEqual(await head());
    expect((await db.pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rm\\_attendance\\_\\_%'`)).rows).toEqual([]);
  });

  it('of a newer version are left alone: that projection belongs to newer code', async () => {
    const warnings: string[] = [];
    const log: RunnerLog = { info: () => undefined, warn: (_details, line) => warnings.push(line), error: () => undefined };
    const older: Projection = {
      name: 'downgraded',
      tables: ['rm_downgraded.rows'],
      setUp: async (client, schema) => void (await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.rows (n int)`)),
      apply: async (client, schema, events) => void (await client.query(`INSERT INTO ${schema}.rows VALUES ($1)`, [events.length])),
    };
    const client = await db.pool.connect();
    try {
      await client.query('CREATE SCHEMA rm_downgraded; CREATE TABLE rm_downgraded.rows (n int)');
      await markSchemaVersion(client, 'rm_downgraded', 3);
    } finally {
      client.release();
    }
    const runner = new ProjectionRunner({ store, pool: db.pool, projection: older, lockRetryMs: 50, log });
    runners.push(runner);
    await runner.start();
    // Warned from the runner's loop after start returns: on a busy machine, maybe after waitFor's default second.
    await vi.waitFor(() => expect(warnings).toContain("projection downgraded: the live tables are of a newer version than this code's 1; leaving them to a newer projector"), {
      timeout: 30_000,
      interval: 50,
    });
    expect(runner.status().state).toBe('waiting_for_lock');
    expect((await db.pool.query('SELECT * FROM rm_downgraded.rows')).rows).toEqual([]);
    expect(await readCheckpoint(db.pool, 'downgraded')).toBeUndefined();
  });
});
