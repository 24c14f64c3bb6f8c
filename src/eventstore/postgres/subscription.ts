import type { AllSubscription, RecordedEvent } from '../event-store.js';
import type { AppendListener } from './append-signal.js';
import { GAP_RETRY_MS, type PendingGap } from './safe-prefix.js';
import type { SafeBatch } from './postgres-event-store.js';

const BATCH = 500;
/** Without a signal (another writer, a lost NOTIFY), a caught-up subscriber still looks this often. */
const IDLE_POLL_MS = 500;

interface Source {
  readonly listener: AppendListener;
  readSafeBatch(after: bigint, limit: number, pending: PendingGap | undefined): Promise<SafeBatch>;
}

/** Catch-up then live subscription to all events, woken by LISTEN/NOTIFY. */
export const createSubscription = (source: Source, from: bigint): AllSubscription => {
  const stop = new AbortController();
  let markCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));

  async function* follow(): AsyncGenerator<RecordedEvent> {
    let after = from;
    let pending: PendingGap | undefined;
    while (!stop.signal.aborted) {
      const seen = source.listener.current;
      const batch = await source.readSafeBatch(after, BATCH, pending);
      pending = batch.pending;
      for (const event of batch.events) {
        if (stop.signal.aborted) return;
        yield event;
        after = event.position.commit;
      }
      if (batch.events.length === BATCH) continue;
      if (!pending) markCaughtUp();
      // A gap nobody holds any more settles on the very next read.
      if (pending?.running.size === 0) continue;
      await source.listener.waitAfter(seen, pending ? GAP_RETRY_MS : IDLE_POLL_MS, stop.signal);
    }
  }

  const iterator = follow();
  return {
    caughtUp,
    [Symbol.asyncIterator]: () => iterator,
    async close() {
      stop.abort();
      await iterator.return(undefined);
    },
  };
};
