import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent, uniqueStream } from '../../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '../errors.js';
import type { AppendResult } from '../event-store.js';
import { PostgresEventStore } from './postgres-event-store.js';

let db: TestDatabase;
let store: PostgresEventStore;
beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
});
afterAll(async () => {
  await store?.close();
  await db?.close();
});

/** `recorded_at` is the transaction's start time: appends that share one value shared a transaction. */
const transactionsOf = async (streams: string[]): Promise<number> => {
  const { rows } = await db.pool.query<{ n: number }>(
    'SELECT count(DISTINCT recorded_at)::int AS n FROM rollcall.events WHERE stream_id = ANY ($1)',
    [streams],
  );
  return rows[0]!.n;
};

describe('Group commit on PostgreSQL', () => {
  it('stores 32 concurrent single-event appends to 32 streams in a few transactions', async () => {
    const streams = Array.from({ length: 32 }, () => uniqueStream('group'));
    const results = await Promise.all(streams.map((stream) => store.append(stream, [anEvent()], 'no_stream')));
    expect(results.map((r) => r.nextExpectedRevision)).toEqual(streams.map(() => 0n));
    expect(new Set(results.map((r) => r.position.commit)).size).toBe(32);
    // The first two go alone (a flight is free for each); the rest wait for them and go together.
    expect(await transactionsOf(streams)).toBeLessThanOrEqual(4);
    for (const [i, stream] of streams.entries()) expect((await store.readStream(stream))[0]!.position).toEqual(results[i]!.position);
  });

  it('fails only the append whose expectation is wrong, and tells it the revision it met', async () => {
    const [stale, ...fine] = Array.from({ length: 10 }, () => uniqueStream('group'));
    await store.append(stale!, [anEvent(), anEvent()], 'no_stream');
    const outcomes = await Promise.allSettled([
      ...fine.map((stream) => store.append(stream, [anEvent()], 'no_stream')),
      store.append(stale!, [anEvent()], 0n),
    ]);
    expect(outcomes.slice(0, 9).every((o) => o.status === 'fulfilled')).toBe(true);
    const refused = outcomes[9] as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect(refused.reason).toMatchObject({ actual: 1n });
    expect(await store.readStream(stale!)).toHaveLength(2);
    for (const stream of fine) expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('answers a resent append with its first result, and refuses ids stored in another stream, alone', async () => {
    const resent = uniqueStream('group');
    const events = [anEvent(), anEvent()];
    const first = await store.append(resent, events, 'no_stream');
    const reused = anEvent();
    await store.append(uniqueStream('group'), [reused], 'no_stream');
    const neighbours = Array.from({ length: 6 }, () => uniqueStream('group'));
    const [again, duplicate, ...rest] = await Promise.allSettled([
      store.append(resent, events, 'no_stream'),
      store.append(uniqueStream('group'), [anEvent(), reused], 'any'),
      ...neighbours.map((stream) => store.append(stream, [anEvent()], 'no_stream')),
    ]);
    expect((again as PromiseFulfilledResult<AppendResult>).value).toEqual({ ...first, replayed: true });
    expect((duplicate as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventIdError);
    expect(rest.every((o) => o.status === 'fulfilled')).toBe(true);
    expect(await store.readStream(resent)).toHaveLength(2);
  });

  it('keeps one stream’s appends in the order they were made when they share a group', async () => {
    const busy = uniqueStream('group');
    const others = Array.from({ length: 4 }, () => uniqueStream('group'));
    const appends = [
      ...others.map((stream) => store.append(stream, [anEvent()], 'any')),
      ...Array.from({ length: 5 }, (_, n) => store.append(busy, [anEvent('Numbered', { n })], 'any')),
    ];
    await Promise.all(appends);
    expect((await store.readStream(busy)).map((e) => e.data.n)).toEqual([0, 1, 2, 3, 4]);
  });

  it('tries each append of a group that failed as a whole alone, so none is lost or doubled', async () => {
    // A pool whose first group statement fails, as a dropped connection would fail it.
    const pool = new pg.Pool({ connectionString: db.url, max: 4 });
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    let failed = false;
    pool.query = ((...args: unknown[]) => {
      if (!failed && (args[0] as { name?: string }).name === 'rollcall_append_to_streams') {
        failed = true;
        return Promise.reject(new Error('Connection terminated unexpectedly'));
      }
      return query(...args);
    }) as typeof pool.query;
    const flaky = new PostgresEventStore({ pool, connectionString: db.url });
    try {
      const streams = Array.from({ length: 8 }, () => uniqueStream('group'));
      await Promise.all(streams.map((stream) => flaky.append(stream, [anEvent()], 'no_stream')));
      expect(failed).toBe(true);
      for (const stream of streams) expect(await store.readStream(stream)).toHaveLength(1);
    } finally {
      await flaky.close();
      await pool.end();
    }
  });
});

describe('Gathered stream reads on PostgreSQL', () => {
  it('answers each of many concurrent reads with its own stream from its own revision, in order', async () => {
    const streams = Array.from({ length: 40 }, (_, i) => ({ id: uniqueStream('read'), length: i % 5 }));
    for (const { id, length } of streams)
      if (length > 0) await store.append(id, Array.from({ length }, (_, n) => anEvent('Numbered', { n })), 'no_stream');
    const reads = await Promise.all(
      streams.flatMap(({ id }) => [store.readStream(id), store.readStream(id, { fromRevision: 2n })]),
    );
    streams.forEach(({ id, length }, i) => {
      const [whole, tail] = [reads[2 * i]!, reads[2 * i + 1]!];
      expect(whole.map((e) => [e.streamId, e.data.n])).toEqual(Array.from({ length }, (_, n) => [id, n]));
      expect(tail.map((e) => e.revision)).toEqual(whole.slice(2).map((e) => e.revision));
    });
  });
});
