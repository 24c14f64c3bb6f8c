import type { AllSubscription, RecordedEvent } from '../event-store.js';

/** Wakes the live subscriptions of one store when it appends, and ends them when it closes. */
export class AppendWaiters {
  private waiters = new Set<() => void>();
  private closed = false;

  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves at the next append or at close, whichever comes first. */
  next(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  wake(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  close(): void {
    this.closed = true;
    this.wake();
  }
}

interface Log {
  /** The store's events in global order: position n is `log[n - 1]`. */
  readonly log: readonly RecordedEvent[];
  readonly appended: AppendWaiters;
  copy(event: RecordedEvent): RecordedEvent;
}

/**
 * Catch-up then live subscription over an in-memory log. There are no gaps to wait out: an
 * append is stored whole before anyone can read, so every event is delivered once, in order.
 */
export const followLog = (source: Log, after: number): AllSubscription => {
  let closed = false;
  let markCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));

  async function* follow(): AsyncGenerator<RecordedEvent> {
    let next = after;
    while (!closed && !source.appended.isClosed) {
      if (next < source.log.length) {
        yield source.copy(source.log[next++]!);
        continue;
      }
      markCaughtUp();
      await source.appended.next();
    }
  }

  const iterator = follow();
  return {
    caughtUp,
    [Symbol.asyncIterator]: () => iterator,
    async close() {
      closed = true;
      source.appended.wake();
      await iterator.return(undefined);
    },
  };
};
