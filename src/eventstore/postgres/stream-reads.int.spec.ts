import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent, uniqueStream } from '../../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
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
