import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { RATE_LIMITS } from './limits.js';
import { PostgresCounters } from './postgres-counters.js';
import { Throttle } from './throttle.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.close());

const MINUTE = 60_000;
const t0 = new Date('2030-01-01T10:00:00.000Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

const rows = async () =>
  (await db.pool.query<{ key: string; hits: number }>('SELECT key, hits FROM rollcall.rate_limit_counters ORDER BY key')).rows;

describe('Rate limit counters in PostgreSQL', () => {
  it('lose no hit when several processes count one key at once', async () => {
    // A pool each, as API processes have: only the upsert keeps them from overwriting each other.
    const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: db.url, max: 5 }));
    try {
      const counted = await Promise.all(
        Array.from({ length: 100 }, (_, i) => new PostgresCounters(pools[i % pools.length]!).hit('concurrent', MINUTE, t0)),
      );
      expect(counted.map((c) => c.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(new Set(counted.map((c) => c.windowEnds.toISOString()))).toEqual(new Set([later(MINUTE).toISOString()]));
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('number the hits of one key gathered into one statement in the order they came, beside other keys', async () => {
    const counters = new PostgresCounters(db.pool);
    // Two hits first take both of Gathered's flights, so the sixty that follow in the same tick
    // go out together, in one statement. Without them the first two of the sixty flew alone,
    // beside the rest, and a busy machine could commit the rest before the second: its hit came
    // out numbered last.
    const flying = [counters.hit('flying-1', MINUTE, t0), counters.hit('flying-2', MINUTE, t0)];
    const counted = await Promise.all(Array.from({ length: 60 }, (_, i) => counters.hit(i % 3 === 0 ? 'gathered-a' : 'gathered-b', MINUTE, t0)));
    await Promise.all(flying);
    expect(counted.filter((_, i) => i % 3 === 0).map((c) => c.hits)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(counted.filter((_, i) => i % 3 !== 0).map((c) => c.hits)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(Object.fromEntries((await rows()).filter((row) => row.key.startsWith('gathered')).map((row) => [row.key, row.hits]))).toEqual({ 'gathered-a': 20, 'gathered-b': 40 });
  });

  it('start a new window once the last has ended', async () => {
    const counters = new PostgresCounters(db.pool);
    await counters.hit('windowed', MINUTE, t0);
    expect(await counters.hit('windowed', MINUTE, later(MINUTE - 1))).toEqual({ hits: 2, windowEnds: later(MINUTE) });
    expect(await counters.hit('windowed', MINUTE, later(MINUTE))).toEqual({ hits: 1, windowEnds: later(2 * MINUTE) });
  });

  it('clear the windows that have ended, now and then', async () => {
    await new PostgresCounters(db.pool).hit('ended', MINUTE, t0);
    const sweeping = new PostgresCounters(db.pool);
    await sweeping.hit('current', MINUTE, later(5 * MINUTE));
    // The sweep is not awaited by the hit: on a busy machine it may land after poll's default second.
    await expect.poll(async () => (await rows()).map((row) => row.key), { timeout: 10_000 }).not.toContain('ended');
    expect((await rows()).map((row) => row.key)).toContain('current');
  });

  it('hold neither the address nor the network they count, only their keyed hashes', async () => {
    const throttle = new Throttle({ counters: new PostgresCounters(db.pool), hash: (subject) => db.masterKey.hmac('throttle', subject), limits: RATE_LIMITS });
    await throttle.attempt({ passwordResetsPerNetwork: '198.51.100.7', passwordResetsPerAddress: 'private@example.org' });
    const stored = JSON.stringify(await rows());
    expect(stored).toContain(db.masterKey.hmac('throttle', 'private@example.org'));
    expect(stored).not.toMatch(/private|198\.51/);
  });
});
