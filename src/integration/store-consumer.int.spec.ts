import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import type { IntegrationEvent } from './contract.js';
import { type Reactor, deliverAll, listDeadLetters, replayDeadLetters } from './delivery.js';
import { StoreConsumer } from './store-consumer.js';

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

const capacityChanged = (capacity: number) => anEvent('CapacityChanged', { capacity });
const fast = { attempts: 3, backoffMs: 1 };

/** Counts calls per event; fails `failures(event)` times before it succeeds. */
const reactor = (name: string, failures: (event: IntegrationEvent) => number): Reactor & { calls: Map<string, number>; handled: string[] } => {
  const calls = new Map<string, number>();
  const handled: string[] = [];
  return {
    name,
    calls,
    handled,
    async handle(event) {
      const n = (calls.get(event.id) ?? 0) + 1;
      calls.set(event.id, n);
      if (n <= failures(event)) throw new Error(`cannot handle capacity ${event.data.capacity} yet`);
      handled.push(event.id);
    },
  };
};

describe('a reactor on the embedded default', () => {
  it('gets every published event once, retries a transient failure, and sets a poison event aside as a dead letter', async () => {
    const name = `reactor-${randomUUID().slice(0, 8)}`;
    const poison = 13;
    const worker = reactor(name, (event) => (event.data.capacity === poison ? 99 : event.data.capacity === 7 ? 2 : 0));
    const consumer = new StoreConsumer({ store, pool: db.pool, reactor: worker, retry: fast });
    await consumer.start();
    const stream = `event-${randomUUID()}`;
    await store.append(stream, [capacityChanged(5), capacityChanged(7), capacityChanged(poison)], 'no_stream');
    // Internal events are not delivered at all.
    await store.append(`account-${randomUUID()}`, [anEvent('LoggedIn', { familyId: 'f', refreshTokenHash: 'h', expiresAt: 'x', loggedInAt: 'y' })], 'no_stream');
    const { position } = await store.append(stream, [capacityChanged(9)], 2n);
    await consumer.caughtUp(position);
    await consumer.stop();

    const capacities = (ids: string[]) => ids.length;
    expect(capacities(worker.handled)).toBe(3);
    expect([...worker.calls.values()].sort()).toEqual([1, 1, 3, 3]);
    const letters = await listDeadLetters(db.pool, name);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ type: 'CapacityChanged', attempts: 3, error: 'cannot handle capacity 13 yet' });

    // Fixed, the dead letter replays and leaves the list.
    const fixed = reactor(name, () => 0);
    expect(await replayDeadLetters(db.pool, fixed, undefined, fast)).toEqual({ replayed: 1, stillFailing: 0 });
    expect(await listDeadLetters(db.pool, name)).toEqual([]);
  });

  it('resumes from its checkpoint after a restart without handing an event over twice', async () => {
    const name = `reactor-${randomUUID().slice(0, 8)}`;
    const worker = reactor(name, () => 0);
    const first = new StoreConsumer({ store, pool: db.pool, reactor: worker, retry: fast });
    await first.start();
    const stream = `event-${randomUUID()}`;
    const a = await store.append(stream, [capacityChanged(1), capacityChanged(2)], 'no_stream');
    await first.caughtUp(a.position);
    await first.stop();
    const b = await store.append(stream, [capacityChanged(3)], 1n);
    const second = new StoreConsumer({ store, pool: db.pool, reactor: worker, retry: fast });
    await second.start();
    await second.caughtUp(b.position);
    expect(await second.lag()).toBe(0);
    await second.report();
    await second.stop();
    expect([...worker.calls.values()].every((n) => n === 1)).toBe(true);
    const ours = worker.handled.length;
    expect(ours).toBeGreaterThanOrEqual(3);
    const { rows } = await db.pool.query('SELECT mode, lag FROM rollcall.consumer_lag WHERE consumer = $1', [name]);
    expect(rows).toEqual([{ mode: 'store', lag: '0' }]);
  });

  it('runs one consumer per reactor name: a second waits as a standby and takes over where the first stopped', async () => {
    const name = `reactor-${randomUUID().slice(0, 8)}`;
    const [one, two] = [reactor(name, () => 0), reactor(name, () => 0)];
    const first = new StoreConsumer({ store, pool: db.pool, reactor: one, retry: fast, lockRetryMs: 50 });
    const standby = new StoreConsumer({ store, pool: db.pool, reactor: two, retry: fast, lockRetryMs: 50 });
    await first.start();
    const stream = `event-${randomUUID()}`;
    const a = await store.append(stream, [capacityChanged(1), capacityChanged(2)], 'no_stream');
    await first.caughtUp(a.position);
    await standby.start();
    const b = await store.append(stream, [capacityChanged(3)], 1n);
    await first.caughtUp(b.position);
    await new Promise((resolve) => setTimeout(resolve, 200)); // a few of the standby's lock attempts
    expect([first.active, standby.active]).toEqual([true, false]);
    expect(two.handled).toEqual([]);

    await first.stop();
    const c = await store.append(stream, [capacityChanged(4)], 2n);
    await standby.caughtUp(c.position);
    await standby.stop();
    // The standby starts at the first one's checkpoint: it gets the new event only.
    expect(two.handled).toHaveLength(1);
    expect([...one.calls.values(), ...two.calls.values()].every((n) => n === 1)).toBe(true);
  });
});

describe('a reactor that handles batches', () => {
  const published = (capacity: number): IntegrationEvent => ({
    id: randomUUID(),
    type: 'CapacityChanged',
    version: 1,
    streamId: `event-${randomUUID()}`,
    revision: '0',
    position: '1',
    occurredAt: new Date().toISOString(),
    correlationId: 'c',
    causationId: 'c',
    data: { capacity },
  });
  /** {@link reactor}, whose batches fail whole when one of their events would fail. */
  const batching = (failures: (event: IntegrationEvent) => number) => {
    const single = reactor(`reactor-${randomUUID().slice(0, 8)}`, failures);
    const batches: string[][] = [];
    const worker: Reactor = {
      name: single.name,
      handle: (event) => single.handle(event),
      async handleBatch(events) {
        batches.push(events.map((event) => event.id));
        if (events.some((event) => failures(event) > 0)) throw new Error('one of the batch cannot be handled yet');
        single.handled.push(...events.map((event) => event.id));
      },
    };
    return { worker, batches, single };
  };

  it('gets the events of a delivery it has not handled before, at once', async () => {
    const { worker, batches, single } = batching(() => 0);
    const [a, b, c] = [published(1), published(2), published(3)];
    expect(await deliverAll(db.pool, worker, [a, b], fast)).toEqual(['handled', 'handled']);
    expect(await deliverAll(db.pool, worker, [a, c, b, c, published(4)], fast)).toEqual(['duplicate', 'handled', 'duplicate', 'duplicate', 'handled']);
    expect(batches).toEqual([[a.id, b.id], [c.id, expect.any(String)]]);
    expect(single.calls.size).toBe(0);
  });

  it('is neither handed nor marked the events it does not react to', async () => {
    const { worker, batches, single } = batching(() => 0);
    const odd: Reactor = { ...worker, reactsTo: (event) => (event.data.capacity as number) % 2 === 1 };
    const events = [published(1), published(2), published(3), published(4)];
    expect(await deliverAll(db.pool, odd, events, fast)).toEqual(['handled', 'ignored', 'handled', 'ignored']);
    expect(await deliverAll(db.pool, odd, [events[1]!], fast)).toEqual(['ignored']);
    expect(await deliverAll(db.pool, odd, events.slice(0, 2), fast)).toEqual(['duplicate', 'ignored']);
    expect(batches).toEqual([[events[0]!.id, events[2]!.id]]);
    expect(single.calls.size).toBe(0);
    const { rows } = await db.pool.query<{ event_id: string }>('SELECT event_id FROM rollcall.consumer_processed WHERE consumer = $1 ORDER BY event_id', [odd.name]);
    expect(rows.map((row) => row.event_id)).toEqual([events[0]!.id, events[2]!.id].sort());
  });

  it('gets the events of a failed batch one by one: only the one that keeps failing is a dead letter', async () => {
    const poison = 13;
    const { worker, batches, single } = batching((event) => (event.data.capacity === poison ? 99 : 0));
    const events = [published(5), published(poison), published(7)];
    expect(await deliverAll(db.pool, worker, events, fast)).toEqual(['handled', 'dead_letter', 'handled']);
    expect(batches).toHaveLength(1);
    expect(single.handled).toEqual([events[0]!.id, events[2]!.id]);
    expect(await listDeadLetters(db.pool, worker.name)).toEqual([expect.objectContaining({ eventId: events[1]!.id, attempts: fast.attempts })]);
  });
});
