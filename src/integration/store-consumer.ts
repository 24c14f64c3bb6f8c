import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { AllSubscription, EventStore } from '../eventstore/event-store.js';
import { type Position, comparePositions } from '../eventstore/position.js';
import { type SessionLock, releaseSessionLock, trySessionLock } from '../postgres/session-lock.js';
import { toIntegrationEvent } from './contract.js';
import { batches } from '../projections/batches.js';
import { DEFAULT_RETRY, type Reactor, type RetryPolicy, deliverAll, reportLag } from './delivery.js';

const LAG_REPORT_MS = 5_000;
const BATCH_SIZE = 500;
const DEFAULT_LOCK_RETRY_MS = 1_000;
// First key of the two-key advisory lock (the second is hashtext(reactor name)); the forwarder uses 7_301_005.
const LOCK_CLASS = 7_301_007;

export interface StoreConsumerOptions {
  store: EventStore;
  pool: pg.Pool;
  reactor: Reactor;
  retry?: RetryPolicy;
  /** How often a standby asks for the lock, and the pause after a failure (default 1 s). */
  lockRetryMs?: number;
  log?: (line: string) => void;
}

/**
 * A reactor on the embedded default: follows the event store from its own checkpoint and
 * hands each published event to the reactor. One consumer per reactor name is active across
 * processes (a session advisory lock, as the forwarder has); the others wait as standbys, so
 * a second ml-worker on the same database takes over instead of doing the work twice.
 */
export class StoreConsumer {
  private life: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private position: Position | undefined;
  private holding = false;
  private readonly waiters = new Set<() => void>();
  private readonly log: (line: string) => void;

  constructor(private readonly deps: StoreConsumerOptions) {
    this.log = deps.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  /** Whether this consumer holds the lock and follows the store (false for a standby). */
  get active(): boolean {
    return this.holding;
  }

  /** Starts following, or waiting for the lock as a standby. */
  async start(): Promise<void> {
    if (this.life) return;
    this.life = this.live(this.stopping.signal);
    this.timer = setInterval(() => void this.report().catch(() => undefined), LAG_REPORT_MS);
  }

  private async live(stop: AbortSignal): Promise<void> {
    const name = this.deps.reactor.name;
    const pause = () => sleep(this.deps.lockRetryMs ?? DEFAULT_LOCK_RETRY_MS, undefined, { signal: stop }).catch(() => undefined);
    while (!stop.aborted) {
      let lock: SessionLock | undefined;
      try {
        lock = await trySessionLock(this.deps.pool, LOCK_CLASS, name, (error) => this.log(`reactor ${name}: lost its lock connection: ${error.message}`));
        if (lock) await this.follow(lock, stop);
      } catch (error) {
        // PostgreSQL went away, or its lock connection did: start over from the stored checkpoint.
        if (!stop.aborted) this.log(`reactor ${name}: ${(error as Error).message}; starting over`);
      } finally {
        this.holding = false;
        if (lock) await releaseSessionLock(lock, LOCK_CLASS, name);
      }
      if (!stop.aborted) await pause();
    }
  }

  private async follow(lock: SessionLock, stop: AbortSignal): Promise<void> {
    const { pool, reactor, store } = this.deps;
    const owned = AbortSignal.any([stop, lock.lost]);
    const { rows } = await lock.client.query<{ commit_position: string; prepare_position: string }>(
      'SELECT commit_position, prepare_position FROM rollcall.consumer_checkpoints WHERE consumer = $1',
      [reactor.name],
    );
    this.position = rows[0] ? { commit: BigInt(rows[0].commit_position), prepare: BigInt(rows[0].prepare_position) } : undefined;
    this.holding = true;
    const subscription: AllSubscription = store.subscribeToAll(this.position ? { after: this.position } : {});
    const close = () => void subscription.close().catch(() => undefined);
    owned.addEventListener('abort', close);
    try {
      // What the log has ready, a batch at a time: one look-up, one mark and one checkpoint each.
      for await (const batch of batches(subscription[Symbol.asyncIterator](), BATCH_SIZE)) {
        const events = batch.flatMap((recorded) => toIntegrationEvent(recorded) ?? []);
        await deliverAll(pool, reactor, events, this.deps.retry ?? DEFAULT_RETRY);
        if (owned.aborted) return;
        const last = batch[batch.length - 1]!.position;
        await lock.client.query(
          `INSERT INTO rollcall.consumer_checkpoints (consumer, commit_position, prepare_position) VALUES ($1, $2, $3)
           ON CONFLICT (consumer) DO UPDATE SET commit_position = excluded.commit_position, prepare_position = excluded.prepare_position, updated_at = now()`,
          [reactor.name, last.commit.toString(), last.prepare.toString()],
        );
        this.position = last;
        for (const wake of [...this.waiters]) wake();
      }
    } finally {
      owned.removeEventListener('abort', close);
      await subscription.close().catch(() => undefined);
    }
  }

  /** Events stored after the checkpoint (the PostgreSQL store only can count them cheaply). */
  async lag(): Promise<number> {
    const { rows } = await this.deps.pool.query<{ n: string }>('SELECT count(*) AS n FROM rollcall.events WHERE position > $1', [
      (this.position?.commit ?? 0n).toString(),
    ]);
    return Number(rows[0]!.n);
  }

  /**
   * Reports the lag of the active consumer; a standby has none of its own to report, and on
   * EventStoreDB, whose log is not in rollcall.events, it would count nothing and say 0.
   */
  async report(): Promise<void> {
    if (this.holding && this.deps.store.kind === 'postgres') await reportLag(this.deps.pool, this.deps.reactor.name, 'store', await this.lag());
  }

  /** Resolves once everything up to `position` went to the reactor. */
  async caughtUp(position: Position): Promise<void> {
    while (!this.position || comparePositions(this.position, position) < 0)
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
      });
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await this.life;
  }
}
