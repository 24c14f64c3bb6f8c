import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { events, uniqueStream } from '../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import type { RecordedEvent } from '../eventstore/event-store.js';
import type { Position } from '../eventstore/position.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { ADVISORY_LOCK_CLASS } from '../postgres/advisory-locks.js';
import { StoreMismatchError, readCheckpoint, setCheckpoint } from './checkpoints.js';
import type { DeliveringHandler } from './handler.js';
import { LogFollower } from './log-follower.js';

/**
 * The follower itself, with handlers that only record what they get. Its users' suites prove
 * the rest on real work: pinpointing a failing event and the rebuild hand-over
 * (runner.int.spec.ts), standbys of one reactor (store-consumer.int.spec.ts), Kafka
 * acknowledgements and SIGKILL (forwarder.int.spec.ts).
 */

let db: TestDatabase;
let store: PostgresEventStore;
const cleanup: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
});
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  await store?.close();
  await db?.close();
});

/** A delivering handler that keeps every event id it was handed, in order. */
const recording = (): DeliveringHandler & { seen: string[] } => {
  const seen: string[] = [];
  return { seen, deliver: async (batch) => void seen.push(...batch.map((e) => e.id)) };
};

const followerOf = (name: string, handler: DeliveringHandler, options: { lockWanted?: () => Promise<boolean> } = {}) => {
  const follower = new LogFollower({ kind: 'reactor', name, store, pool: db.pool, lockRetryMs: 50, retryDelayMs: () => 50, handler: { ...handler, ...options } });
  cleanup.push(() => follower.stop());
  return follower;
};

const append = async (count: number): Promise<RecordedEvent[]> => {
  const stream = uniqueStream('follower');
  await store.append(stream, events(count), 'no_stream');
  return store.readStream(stream);
};

const lastOf = (recorded: RecordedEvent[]): Position => recorded[recorded.length - 1]!.position;

const holdsLock = async (name: string): Promise<boolean> => {
  const { rows } = await db.pool.query(
    `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = hashtext($2)::oid AND granted`,
    [ADVISORY_LOCK_CLASS.reactor, name],
  );
  return rows.length > 0;
};

describe('a log follower', () => {
  it('hands every event after its checkpoint over once, and on stop marks its checkpoint stopped and lets go of its lock', async () => {
    const name = `follower-${randomUUID().slice(0, 8)}`;
    const handler = recording();
    const follower = followerOf(name, handler);
    await follower.start();
    expect(follower.status()).toMatchObject({ kind: 'reactor', name, state: 'running' });
    const appended = await append(5);
    await follower.caughtUp(lastOf(appended));
    expect(handler.seen.slice(-5)).toEqual(appended.map((e) => e.id));
    expect(await readCheckpoint(db.pool, { kind: 'reactor', name })).toMatchObject({ position: lastOf(appended), status: 'running', failure: null });
    expect(await holdsLock(name)).toBe(true);

    await follower.stop();
    expect(follower.status().state).toBe('stopped');
    expect(await readCheckpoint(db.pool, { kind: 'reactor', name })).toMatchObject({ position: lastOf(appended), status: 'stopped' });
    expect(await holdsLock(name)).toBe(false);
  });

  it('does not take over a checkpoint someone else moved: it starts over from where the row says', async () => {
    const name = `follower-${randomUUID().slice(0, 8)}`;
    const handler = recording();
    const follower = followerOf(name, handler);
    await follower.start();
    const first = await append(3);
    await follower.caughtUp(lastOf(first));
    // An operator puts the checkpoint back, to hand the last two events over again.
    await setCheckpoint(db.pool, { kind: 'reactor', name }, first[0]!.position);
    const later = await append(1);
    await follower.caughtUp(lastOf(later));

    // The move after `later` was refused (the row no longer said what this follower wrote), so it went back to the row's position.
    const handedOver = handler.seen.slice(handler.seen.indexOf(first[0]!.id));
    expect(handedOver).toEqual([...first, ...later, first[1]!, first[2]!, ...later].map((e) => e.id));
    expect((await readCheckpoint(db.pool, { kind: 'reactor', name }))?.position).toEqual(lastOf(later));
  });

  it('leaves the checkpoint where it was when stopped in the middle of a delivery', async () => {
    const name = `follower-${randomUUID().slice(0, 8)}`;
    let delivering!: () => void;
    const started = new Promise<void>((resolve) => (delivering = resolve));
    // Never acknowledged: returns only once the follower stops, as the forwarder does against a dead broker.
    const stuck: DeliveringHandler = {
      deliver: (_batch, signal) =>
        new Promise((resolve) => {
          delivering();
          signal.addEventListener('abort', () => resolve(), { once: true });
        }),
    };
    const follower = followerOf(name, stuck);
    await follower.start();
    const before = (await readCheckpoint(db.pool, { kind: 'reactor', name }))?.position;
    await append(2);
    await started;
    await follower.stop();
    expect(await readCheckpoint(db.pool, { kind: 'reactor', name })).toMatchObject({ position: before, status: 'stopped' });
    await expect(follower.caughtUp(lastOf(await append(1)), { timeoutMs: 100 })).rejects.toThrow(/did not reach .* in 100 ms/);
  });

  it('lets its lock go while someone else wants it, and takes it back after them', async () => {
    const name = `follower-${randomUUID().slice(0, 8)}`;
    let wanted = false;
    const follower = followerOf(name, recording(), { lockWanted: async () => wanted });
    await follower.start();
    expect(follower.status().state).toBe('running');

    wanted = true;
    await expect.poll(() => follower.status().state, { timeout: 5_000 }).toBe('waiting_for_lock');
    await expect.poll(() => holdsLock(name), { timeout: 5_000 }).toBe(false);
    wanted = false;
    await expect.poll(() => follower.status().state, { timeout: 5_000 }).toBe('running');
    await follower.caughtUp(lastOf(await append(1)));
  });

  it('subscribes only once its handler is ready, so no subscription waits unread behind it', async () => {
    const name = `follower-${randomUUID().slice(0, 8)}`;
    const subscribe = vi.spyOn(store, 'subscribeToAll');
    try {
      let ready!: () => void;
      const handler = { ...recording(), ready: () => new Promise<void>((resolve) => (ready = resolve)) };
      const follower = followerOf(name, handler);
      await follower.start();
      const appended = await append(2);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(subscribe).not.toHaveBeenCalled();

      ready();
      await follower.caughtUp(lastOf(appended));
      expect(subscribe).toHaveBeenCalledTimes(1);
      expect(handler.seen.slice(-2)).toEqual(appended.map((e) => e.id));
    } finally {
      subscribe.mockRestore();
    }
  });

  it('refuses a checkpoint taken in another store: start fails saying so, and the row shows why, its position kept', async () => {
    const name = `follower-${randomUUID().slice(0, 8)}`;
    const ref = { kind: 'reactor', name } as const;
    const elsewhere = { commit: 123_456n, prepare: 123_400n };
    await db.pool.query(
      `INSERT INTO rollcall.checkpoints (kind, name, commit_position, prepare_position, store_kind, store_id)
       VALUES ('reactor', $1, $2, $3, 'eventstoredb', 'another-cluster')`,
      [name, elsewhere.commit.toString(), elsewhere.prepare.toString()],
    );
    const follower = followerOf(name, recording());

    const refused = await follower.start().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StoreMismatchError);
    expect((refused as Error).message).toMatch(/taken in another event store \(eventstoredb another-cluster\) than the one configured now \(postgres /);
    expect(follower.status().state).toBe('failed');
    expect(await readCheckpoint(db.pool, ref)).toMatchObject({
      position: elsewhere,
      status: 'failed',
      store: { kind: 'eventstoredb', id: 'another-cluster' },
      failure: { reactor: name, error: (refused as Error).message },
    });
  });
});
