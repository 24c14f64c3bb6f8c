import type pg from 'pg';
import type { EventStore } from '../eventstore/event-store.js';
import type { FollowerLog } from '../log-follower/follower-log.js';
import { FollowsTheLog } from '../log-follower/follows-the-log.js';
import { eventsAfter } from '../log-follower/lag.js';
import { LogFollower } from '../log-follower/log-follower.js';
import { LAG_REPORT_MS, LastLag } from './consumer-lag.js';
import { toIntegrationEvent } from './contract.js';
import { DEFAULT_RETRY, type Reactor, type RetryPolicy, deliverAll, reportLag } from './delivery.js';

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
  private timer: NodeJS.Timeout | undefined;
  private readonly lastLag = new LastLag();

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
  }

  /** Whether this consumer holds the lock and follows the store (false for a standby). */
  get active(): boolean {
    return this.follower.status().state === 'running';
  }

  override async start(): Promise<void> {
    await super.start();
    this.timer ??= setInterval(() => void this.report().catch(() => undefined), LAG_REPORT_MS);
  }

  /** Events stored after the checkpoint (the PostgreSQL store only can count them cheaply). */
  lag(): Promise<number> {
    return eventsAfter(this.deps.pool, this.follower.status().position);
  }

  /**
   * Reports the lag of the active consumer; a standby has none of its own to report, and on
   * EventStoreDB, whose log is not in rollcall.events, it would count nothing and say 0.
   */
  async report(): Promise<void> {
    if (!this.active || this.deps.store.kind !== 'postgres') return;
    const lag = await this.lag();
    this.lastLag.record(lag);
    await reportLag(this.deps.pool, this.deps.reactor.name, 'store', lag);
  }

  /** Why this consumer is not within `maxLag`: none for a standby, nor on EventStoreDB, where its lag cannot be counted. */
  lagProblem(maxLag: number): string | undefined {
    const { state, failure } = this.follower.status();
    if (state === 'failed') return `failed${failure ? `: ${failure.error}` : ''}`;
    return state === 'running' && this.deps.store.kind === 'postgres' ? this.lastLag.problem(maxLag) : undefined;
  }

  override async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await super.stop();
  }
}
