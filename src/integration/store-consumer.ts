import type pg from 'pg';
import type { EventStore } from '../eventstore/event-store.js';
import type { FollowerLog } from '../log-follower/follower-log.js';
import { FollowsTheLog } from '../log-follower/follows-the-log.js';
import { LogFollower } from '../log-follower/log-follower.js';
import { toIntegrationEvent } from './contract.js';
import { DEFAULT_RETRY, type Reactor, type RetryPolicy, deliverAll } from './delivery.js';
import { StoreLag } from './store-lag.js';

const BATCH_SIZE = 500;
const DEFAULT_LOCK_RETRY_MS = 1_000;

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
 * A reactor on the embedded default: a log follower (src/log-follower/) of kind `reactor` that
 * hands each published event to the reactor, a batch at a time (one look-up, one mark and one
 * checkpoint each), and moves its checkpoint once the batch went through. One consumer per
 * reactor name is active across processes; the others wait as standbys, so a second ml-worker
 * on the same database takes over instead of doing the work twice.
 */
export class StoreConsumer extends FollowsTheLog<'reactor'> {
  protected readonly follower: LogFollower<'reactor'>;
  private readonly lagReport: StoreLag;

  constructor(private readonly deps: StoreConsumerOptions) {
    super();
    const line = deps.log ?? ((text) => process.stderr.write(`${text}\n`));
    // Says what went wrong, as it always has; states are not news for a reactor.
    const log: FollowerLog = { info: () => undefined, warn: (_details, text) => line(text), error: (_details, text) => line(text) };
    const lockRetryMs = deps.lockRetryMs ?? DEFAULT_LOCK_RETRY_MS;
    const { pool, reactor } = deps;
    this.follower = new LogFollower({
      kind: 'reactor',
      name: reactor.name,
      store: deps.store,
      pool,
      batchSize: BATCH_SIZE,
      lockRetryMs,
      retryDelayMs: () => lockRetryMs,
      log,
      handler: {
        deliver: async (batch) => {
          await deliverAll(pool, reactor, batch.flatMap((recorded) => toIntegrationEvent(recorded) ?? []), deps.retry ?? DEFAULT_RETRY, line);
        },
      },
    });
    this.lagReport = new StoreLag({ name: reactor.name, pool, store: deps.store, status: () => this.follower.status() });
  }

  /** Whether this consumer holds the lock and follows the store (false for a standby). */
  get active(): boolean {
    return this.follower.status().state === 'running';
  }

  override async start(): Promise<void> {
    await super.start();
    this.lagReport.start();
  }

  /** Events stored after the checkpoint (the PostgreSQL store only can count them cheaply). */
  lag(): Promise<number> {
    return this.lagReport.lag();
  }

  /** Reports the lag of the active consumer (see StoreLag). */
  report(): Promise<void> {
    return this.lagReport.report();
  }

  /** Why this consumer is not within `maxLag`: none for a standby, nor on EventStoreDB, where its lag cannot be counted. */
  lagProblem(maxLag: number): string | undefined {
    return this.lagReport.problem(maxLag);
  }

  override async stop(): Promise<void> {
    this.lagReport.stop();
    await super.stop();
  }
}
