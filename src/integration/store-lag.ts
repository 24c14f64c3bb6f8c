import type pg from 'pg';
import type { EventStore } from '../eventstore/event-store.js';
import { eventsAfter } from '../log-follower/lag.js';
import type { FollowerStatus } from '../log-follower/log-follower.js';
import { LAG_REPORT_MS, LastLag } from './consumer-lag.js';
import { reportLag } from './delivery.js';

export interface StoreLagOptions {
  /** The consumer's name in rollcall.consumer_lag. */
  name: string;
  pool: pg.Pool;
  store: EventStore;
  status: () => FollowerStatus<'reactor'>;
}

/**
 * The lag of a reactor that follows the store: counted every LAG_REPORT_MS while it is the
 * active one and reported to rollcall.consumer_lag (the `consumers` query and /metrics), and
 * judged for /readyz. Only the PostgreSQL store can count the events after a checkpoint
 * cheaply; on EventStoreDB, whose log is not in rollcall.events, it would count nothing and
 * say 0, so it reports nothing there.
 */
export class StoreLag {
  private timer: NodeJS.Timeout | undefined;
  private readonly lastLag = new LastLag();

  constructor(private readonly options: StoreLagOptions) {}

  start(): void {
    this.timer ??= setInterval(() => void this.report().catch(() => undefined), LAG_REPORT_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Events stored after the checkpoint. */
  lag(): Promise<number> {
    return eventsAfter(this.options.pool, this.options.status().position);
  }

  /** Reports the active consumer's lag; a standby has none of its own to report. */
  async report(): Promise<void> {
    if (this.options.status().state !== 'running' || this.options.store.kind !== 'postgres') return;
    const lag = await this.lag();
    this.lastLag.record(lag);
    await reportLag(this.options.pool, this.options.name, 'store', lag);
  }

  /** Why the consumer is not within `maxLag`: none for a standby, nor on EventStoreDB, where its lag cannot be counted. */
  problem(maxLag: number): string | undefined {
    const { state, failure } = this.options.status();
    if (state === 'failed') return `failed${failure ? `: ${failure.error}` : ''}`;
    return state === 'running' && this.options.store.kind === 'postgres' ? this.lastLag.problem(maxLag) : undefined;
  }
}
