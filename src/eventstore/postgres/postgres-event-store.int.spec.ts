import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent, events, uniqueStream } from '../../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
import { migrate } from '../../postgres/migrate.js';
import { DuplicateEventIdError } from '../errors.js';
import type { AllSubscription, EventData, RecordedEvent } from '../event-store.js';
import type { Position } from '../position.js';
import { validateAppend } from '../validate-append.js';
import { type AppendRow, PostgresEventStore, appendQuery } from './postgres-event-store.js';

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

/** An append whose transaction stays open until the test commits or rolls it back. */
const heldAppend = async (stream: string, batch: EventData[]) => {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query('BEGIN');
  const { rows } = await client.query<AppendRow>(appendQuery(stream, validateAppend(stream, batch, 'any'), 'any'));
  const finish = async (how: 'COMMIT' | 'ROLLBACK') => {
    await client.query(how);
    await client.end();
  };
  return {
    position: BigInt(rows[0]!.last_position),
    commit: () => finish('COMMIT'),
    rollback: () => finish('ROLLBACK'),
  };
};

/** Consumes a subscription in the background into `seen`. */
const follow = (subscription: AllSubscription) => {
  const seen: RecordedEvent[] = [];
  const done = (async () => {
    for await (const event of subscription) seen.push(event);
  })();
  return { seen, stop: async () => (await subscription.close(), await done) };
};

const waitUntil = async (condition: () => boolean, what: string, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(10);
  }
};

const marker = async (): Promise<Position> => (await store.append(uniqueStream('marker'), [anEvent()], 'no_stream')).position;

describe('PostgreSQL event store ordering', () => {
  it('does not deliver a later position while an earlier one is still in flight', async () => {
    const start = await marker();
    const subscriber = follow(store.subscribeToAll({ after: start }));
    const [early, late] = [uniqueStream('early'), uniqueStream('late')];
    const held = await heldAppend(early, [anEvent()]);
    const committed = await store.append(late, [anEvent()], 'no_stream');
    expect(committed.position.commit).toBeGreaterThan(held.position);

    // readAll waits for the gap to settle rather than return the later event alone.
    let read: RecordedEvent[] | undefined;
    const reading = store.readAll({ after: start }).then((events) => (read = events));
    await sleep(300);
    expect(subscriber.seen).toEqual([]);
    expect(read).toBeUndefined();

    await held.commit();
    await waitUntil(() => subscriber.seen.length === 2, 'both events');
    await subscriber.stop();
    expect(subscriber.seen.map((e) => e.streamId)).toEqual([early, late]);
    await reading;
    expect(read!.map((e) => e.streamId)).toEqual([early, late]);
  });

  it('moves past a gap once the transaction that drew it has rolled back', async () => {
    const start = await marker();
    const subscriber = follow(store.subscribeToAll({ after: start }));
    const held = await heldAppend(uniqueStream('doomed'), events(2));
    const kept = uniqueStream('kept');
    await store.append(kept, [anEvent()], 'no_stream');
    await held.rollback();
    await waitUntil(() => subscriber.seen.length === 1, 'the event after the gap');
    await subscriber.stop();
    expect(subscriber.seen.map((e) => e.streamId)).toEqual([kept]);
    expect((await store.readAll({ after: start })).map((e) => e.streamId)).toEqual([kept]);
  });

  it.each([
    ['on', true],
    ['off', false],
  ])('delivers every committed event exactly once, in position order, to a live subscriber under many concurrent writers (group commit %s)', async (_, groupCommit) => {
    const writes = new PostgresEventStore({ pool: db.pool, connectionString: db.url, groupCommit });
    const start = await marker();
    const subscriber = follow(store.subscribeToAll({ after: start }));
    const committed = new Set<string>();
    let highestCommitted = 0n;
    let overtaken = 0;

    const writer = async (w: number) => {
      for (let op = 0; op < 60; op++) {
        const stream = `stress-${w}-${op % 3}`;
        const batch = events(1 + (op % 4));
        const roll = Math.random();
        if (roll < 0.35) {
          // Held open while others commit later positions: the out-of-order commit a naive reader would skip.
          const held = await heldAppend(stream, batch);
          await sleep(Math.random() * 25);
          if (roll < 0.1) {
            await held.rollback();
            continue;
          }
          if (highestCommitted > held.position) overtaken++;
          await held.commit();
        } else {
          const { position } = await writes.append(stream, batch, 'any');
          if (position.commit > highestCommitted) highestCommitted = position.commit;
        }
        for (const e of batch) committed.add(e.id);
      }
    };
    await Promise.all(Array.from({ length: 12 }, (_, w) => writer(w)));

    // On a timeout, the assertions below say what was missed.
    await waitUntil(() => subscriber.seen.length >= committed.size, 'every event').catch(() => undefined);
    await sleep(200); // room for a duplicate to show up
    await subscriber.stop();
    await writes.close();

    expect(overtaken).toBeGreaterThan(0);
    const seenIds = subscriber.seen.map((e) => e.id);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    expect(new Set(seenIds)).toEqual(committed);
    const positions = subscriber.seen.map((e) => e.position.commit);
    expect(positions.every((p, i) => i === 0 || p > positions[i - 1]!)).toBe(true);
  });
});

describe('PostgreSQL event store', () => {
  it('refuses to reuse an event id in another stream, writing nothing', async () => {
    const event = anEvent();
    await store.append(uniqueStream(), [event], 'no_stream');
    const other = uniqueStream();
    await expect(store.append(other, [event], 'any')).rejects.toBeInstanceOf(DuplicateEventIdError);
    await expect(store.append(other, [anEvent(), event], 'any')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await store.readStream(other)).toEqual([]);
  });

  it('signals appends made through another connection pool to waiting subscribers', async () => {
    const otherPool = new pg.Pool({ connectionString: db.url, max: 2 });
    const other = new PostgresEventStore({ pool: otherPool, connectionString: db.url });
    const subscriber = follow(store.subscribeToAll({ after: await marker() }));
    await sleep(100); // let the subscriber reach its LISTEN wait
    const before = store.listener.current;
    await other.append(uniqueStream(), [anEvent()], 'no_stream');
    await waitUntil(() => store.listener.current > before, 'a NOTIFY from the other pool');
    await waitUntil(() => subscriber.seen.length === 1, 'the event');
    await subscriber.stop();
    await other.close();
    await otherPool.end();
  });

  it('applies migrations once, so a second run does nothing', async () => {
    expect(await migrate(db.pool)).toEqual([]);
  });
});
