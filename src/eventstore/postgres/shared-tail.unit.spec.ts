import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../event-store.js';
import { positionAt } from '../position.js';
import type { PendingGap } from './safe-prefix.js';
import { SharedTail, type TailSource } from './shared-tail.js';

const event = (position: number): RecordedEvent => ({
  id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
  type: 'CapacityChanged',
  data: { capacity: position, nested: { list: [position] } },
  metadata: { correlationId: 'c', causationId: 'c', actorId: 'a', commandId: 'c', occurredAt: '2026-06-01T00:00:00Z', schemaVersion: 1 },
  streamId: 'event-x',
  revision: BigInt(position - 1),
  position: positionAt(BigInt(position)),
  recordedAt: new Date(0),
});

/**
 * A log of `count` events with every position taken, whose reads can be held open; `signal()`
 * moves the counter an append would. Each read gets fresh objects, as rows from PostgreSQL do.
 */
const log = (count: number) => {
  let signals = 0;
  let head = count;
  const reads: bigint[] = [];
  let hold: Promise<void> | undefined;
  let failNext = false;
  const source: TailSource = {
    signals: () => signals,
    async readSafeBatch(after, limit, pending: PendingGap | undefined) {
      reads.push(after);
      const seen = head;
      await hold;
      if (failNext) {
        failNext = false;
        throw new Error('connection lost');
      }
      const events = [];
      for (let p = Number(after) + 1; p <= seen && events.length < limit; p++) events.push(event(p));
      return { events, pending };
    },
  };
  return {
    source,
    reads,
    append(n: number) {
      head += n;
      signals++;
    },
    holdReads() {
      let release!: () => void;
      hold = new Promise((resolve) => (release = resolve));
      return () => {
        hold = undefined;
        release();
      };
    },
    failNextRead: () => (failNext = true),
  };
};

/** A tail that has read all of a log of `count` events, as followers at its head have. */
const caughtUp = async (count: number) => {
  const l = log(count);
  const tail = new SharedTail(l.source);
  await tail.readSafeBatch(0n, 500, undefined);
  return { l, tail };
};

const positions = (batch: { events: RecordedEvent[] }) => batch.events.map((e) => Number(e.position.commit));

describe('the shared tail of the log', () => {
  it('hands followers at the same place one read', async () => {
    const l = log(10);
    const tail = new SharedTail(l.source);
    expect(positions(await tail.readSafeBatch(0n, 500, undefined))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    l.append(3);
    const batches = await Promise.all([10n, 10n, 10n, 10n].map((after) => tail.readSafeBatch(after, 500, undefined)));
    expect(batches.map(positions)).toEqual(Array(4).fill([11, 12, 13]));
    expect(l.reads).toEqual([0n, 10n]);
  });

  it('serves a follower a little behind from what it kept, after looking for more', async () => {
    const { l, tail } = await caughtUp(10);
    l.append(2);
    expect(positions(await tail.readSafeBatch(7n, 500, undefined))).toEqual([8, 9, 10, 11, 12]);
    expect(positions(await tail.readSafeBatch(3n, 2, undefined))).toEqual([4, 5]);
    expect(l.reads).toEqual([0n, 10n]);
  });

  it('never hands a follower a read that began before the signal that woke it', async () => {
    const { l, tail } = await caughtUp(10);
    l.append(1);
    const release = l.holdReads();
    const early = tail.readSafeBatch(10n, 500, undefined);
    // Appended while that read is out: a follower woken by it must see the event.
    l.append(1);
    const late = tail.readSafeBatch(10n, 500, undefined);
    release();
    expect(positions(await early)).toEqual([11]);
    expect(positions(await late)).toEqual([11, 12]);
    expect(l.reads).toEqual([0n, 10n, 11n]);
  });

  it('lets a follower far behind read alone, without moving the shared window', async () => {
    const l = log(6_000);
    const tail = new SharedTail(l.source);
    await tail.readSafeBatch(5_500n, 500, undefined);
    expect(positions(await tail.readSafeBatch(100n, 3, undefined))).toEqual([101, 102, 103]);
    l.append(1);
    expect(positions(await tail.readSafeBatch(6_000n, 500, undefined))).toEqual([6_001]);
    expect(l.reads).toEqual([5_500n, 100n, 6_000n]);
  });

  it('keeps the last 5,000 events: a follower behind them reads alone', async () => {
    const l = log(0);
    const tail = new SharedTail(l.source);
    await tail.readSafeBatch(0n, 500, undefined);
    for (let i = 0; i < 11; i++) {
      l.append(500);
      await tail.readSafeBatch(BigInt(i * 500), 500, undefined);
    }
    const reads = l.reads.length;
    expect(positions(await tail.readSafeBatch(499n, 1, undefined))).toEqual([500]);
    expect(l.reads).toHaveLength(reads + 1);
    expect(positions(await tail.readSafeBatch(500n, 1, undefined))).toEqual([501]);
    expect(positions(await tail.readSafeBatch(5_000n, 1, undefined))).toEqual([5_001]);
    expect(l.reads).toHaveLength(reads + 1);
  });

  it('hands out frozen events: a follower cannot change what the others are handed', async () => {
    const l = log(2);
    const tail = new SharedTail(l.source);
    const [first] = (await tail.readSafeBatch(0n, 500, undefined)).events;
    expect(() => ((first!.data as { capacity: number }).capacity = 0)).toThrow(TypeError);
    expect(() => (first!.data.nested as { list: number[] }).list.push(0)).toThrow(TypeError);
    expect(() => ((first as { type: string }).type = 'Other')).toThrow(TypeError);
  });

  it('tells the follower whose shared read failed; the others waiting on it try again', async () => {
    const { l, tail } = await caughtUp(1);
    l.append(1);
    const release = l.holdReads();
    l.failNextRead();
    const failing = tail.readSafeBatch(1n, 500, undefined);
    const waiting = tail.readSafeBatch(1n, 500, undefined);
    release();
    await expect(failing).rejects.toThrow('connection lost');
    expect(positions(await waiting)).toEqual([2]);
  });
});
