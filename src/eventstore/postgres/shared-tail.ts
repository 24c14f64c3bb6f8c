import type { JsonValue, RecordedEvent } from '../event-store.js';
import type { PendingGap } from './safe-prefix.js';
import type { SafeBatch } from './postgres-event-store.js';

/** Events kept for followers a little behind the others: a few seconds of an on-sale. */
const KEPT = 5_000;
/** Most events one shared read takes, as a subscription's own read would. */
const READ = 500;

export interface TailSource {
  /** A counter that moves on every append signal (the append listener's `current`). */
  signals(): number;
  readSafeBatch(after: bigint, limit: number, pending: PendingGap | undefined): Promise<SafeBatch>;
}

/** Deliverable events in (from, to], all of them, in order; `pending` stands for reads after `to`. */
interface Window {
  from: bigint;
  to: bigint;
  events: RecordedEvent[];
  pending: PendingGap | undefined;
}

/**
 * The recent end of the log, read once for every subscription of a process. A process's
 * followers (a projector's read models, a worker's reactors) sit at about the same place and
 * would each read and parse every event; here those at the tail share one read, and those a
 * little behind are served what it kept. One further back reads alone until it comes within.
 *
 * What a read found stays true (a gap-free prefix is final), so any follower may be handed it.
 * A follower hands its position over at the moment it was woken: a shared read taken before
 * the latest signal is not fresh enough for it, so it waits for the next one.
 *
 * Followers share the event objects too, which is why they are frozen: a follower that
 * changed one would change it for the others.
 */
export class SharedTail {
  private window: Window | undefined;
  /** The shared read under way: the signal it began at, and whether it went through. */
  private reading: { since: number; done: Promise<boolean> } | undefined;

  constructor(private readonly source: TailSource) {}

  async readSafeBatch(after: bigint, limit: number, pending: PendingGap | undefined): Promise<SafeBatch> {
    const asked = this.source.signals();
    const served = this.serve(after, limit);
    if (served && served.events.length === limit) return served;
    if (served) {
      await this.fresh(asked);
      return this.serve(after, limit) ?? this.alone(after, limit, pending);
    }
    return this.alone(after, limit, pending);
  }

  /** What the window holds after `after`, when `after` is within it. */
  private serve(after: bigint, limit: number): SafeBatch | undefined {
    const window = this.window;
    if (!window || after < window.from || after > window.to) return undefined;
    const start = firstAfter(window.events, after);
    const events = window.events.slice(start, start + limit);
    const toEnd = start + events.length === window.events.length;
    return { events, pending: toEnd ? window.pending : undefined };
  }

  /** Resolves once a read of the tail begun at signal `asked` or later has extended the window. */
  private async fresh(asked: number): Promise<void> {
    while (this.reading) {
      const { since, done } = this.reading;
      // One that failed is tried again by a follower of its own, which then meets the error.
      if ((await done) && since >= asked) return;
    }
    const since = this.source.signals();
    const read = this.extend().finally(() => (this.reading = undefined));
    this.reading = { since, done: read.then(() => true, () => false) };
    await read;
  }

  private async extend(): Promise<void> {
    const window = this.window!;
    const batch = await this.source.readSafeBatch(window.to, READ, window.pending);
    // Replaced meanwhile by a follower that read alone further on: what it holds is newer.
    if (this.window !== window) return;
    window.events.push(...batch.events.map(freeze));
    window.to = batch.events.at(-1)?.position.commit ?? window.to;
    window.pending = batch.pending;
    const over = window.events.length - KEPT;
    if (over > 0) window.from = window.events.splice(0, over).at(-1)!.position.commit;
  }

  /** A read for one follower outside the window; one ahead of it (or the first) starts it over from there. */
  private async alone(after: bigint, limit: number, pending: PendingGap | undefined): Promise<SafeBatch> {
    const batch = await this.source.readSafeBatch(after, limit, pending);
    const window = this.window;
    if (window && after <= window.to) return batch;
    const events = batch.events.map(freeze);
    this.window = { from: after, to: events.at(-1)?.position.commit ?? after, events: [...events], pending: batch.pending };
    return { events, pending: batch.pending };
  }
}

/** The index of the first event after `position` (binary search: events are in order). */
const firstAfter = (events: readonly RecordedEvent[], position: bigint): number => {
  let [low, high] = [0, events.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (events[middle]!.position.commit <= position) low = middle + 1;
    else high = middle;
  }
  return low;
};

const freeze = (event: RecordedEvent): RecordedEvent => {
  deepFreeze(event.data);
  deepFreeze(event.metadata);
  Object.freeze(event.position);
  return Object.freeze(event);
};

const deepFreeze = (value: JsonValue | object): void => {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner as JsonValue);
};
