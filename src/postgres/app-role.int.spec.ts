import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent, uniqueStream } from '../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { APP_ROLE } from './app-role.js';
import { migrate } from './migrate.js';

let db: TestDatabase;
let owner: pg.Pool;
let store: PostgresEventStore;
beforeAll(async () => {
  db = await createTestDatabase();
  owner = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  await store.append(uniqueStream(), [anEvent(), anEvent()], 'no_stream');
});
afterAll(async () => {
  await store?.close();
  await owner?.end();
  await db?.close();
});

/** The SQLSTATE a statement fails with, or 'ok'. */
const outcome = async (pool: pg.Pool, sql: string): Promise<string> =>
  pool.query(sql).then(
    () => 'ok',
    (error: { code?: string }) => error.code ?? 'no code',
  );

const PERMISSION_DENIED = '42501';
const APPEND_ONLY = 'RC002';

describe('the app role', () => {
  it('appends events and reads them back', async () => {
    const stream = uniqueStream();
    await store.append(stream, [anEvent('Appended')], 'no_stream');
    expect((await store.readStream(stream)).map((event) => event.type)).toEqual(['Appended']);
  });

  it.each([
    ['UPDATE', `UPDATE rollcall.events SET type = 'Rewritten'`],
    ['DELETE', 'DELETE FROM rollcall.events'],
    ['TRUNCATE', 'TRUNCATE rollcall.events'],
  ])('may not %s events', async (_what, sql) => {
    expect(await outcome(db.pool, sql)).toBe(PERMISSION_DENIED);
  });

  it('may neither disable the trigger, drop the log nor move its positions back', async () => {
    expect(await outcome(db.pool, 'ALTER TABLE rollcall.events DISABLE TRIGGER events_append_only')).toBe(PERMISSION_DENIED);
    expect(await outcome(db.pool, 'DROP TABLE rollcall.events')).toBe(PERMISSION_DENIED);
    expect(await outcome(db.pool, `SELECT setval('rollcall.event_position', 1)`)).toBe(PERMISSION_DENIED);
  });

  it('writes the tables it keeps up to date, and creates schemas for read models', async () => {
    expect(await outcome(db.pool, `UPDATE rollcall.checkpoints SET updated_at = now()`)).toBe('ok');
    expect(await outcome(db.pool, `DELETE FROM rollcall.dead_letters`)).toBe('ok');
    expect(await outcome(db.pool, 'CREATE SCHEMA rm_scratch; CREATE TABLE rm_scratch.t (n int); DROP SCHEMA rm_scratch CASCADE')).toBe('ok');
  });
});

describe('the owner', () => {
  it.each([
    ['UPDATE', `UPDATE rollcall.events SET type = 'Rewritten'`],
    ['DELETE', 'DELETE FROM rollcall.events'],
    ['TRUNCATE', 'TRUNCATE rollcall.events'],
  ])('is refused a %s of events by the trigger', async (_what, sql) => {
    expect(await outcome(owner, sql)).toBe(APPEND_ONLY);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM rollcall.events')).rows[0].n).toBeGreaterThanOrEqual(2);
  });

  it('hands the app role the run-time schemas it made before roles were split, with what is in them', async () => {
    await owner.query(`
      CREATE SCHEMA rm_legacy;
      CREATE TYPE rm_legacy.state AS ENUM ('on', 'off');
      CREATE TABLE rm_legacy.rows (id serial PRIMARY KEY, state rm_legacy.state, n int GENERATED ALWAYS AS IDENTITY);
      CREATE SEQUENCE rm_legacy.counter;
      CREATE FUNCTION rm_legacy.twice(n int) RETURNS int LANGUAGE sql AS 'SELECT 2 * n';`);
    expect(await outcome(db.pool, `INSERT INTO rm_legacy.rows (state) VALUES ('on')`)).toBe(PERMISSION_DENIED);
    expect(await migrate(owner, { appRole: APP_ROLE })).toEqual([]);
    expect(await outcome(db.pool, `INSERT INTO rm_legacy.rows (state) VALUES ('on')`)).toBe('ok');
    expect(await outcome(db.pool, `SELECT nextval('rm_legacy.counter'), rm_legacy.twice(2)`)).toBe('ok');
    expect(await outcome(db.pool, 'DROP SCHEMA rm_legacy CASCADE')).toBe('ok');
  });
});
