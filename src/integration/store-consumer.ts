import type pg from 'pg';
import type { AllSubscription, EventStore } from '../eventstore/event-store.js';
import { type Position, comparePositions } from '../eventstore/position.js';
import { toIntegrationEvent } from './contract.js';
import { DEFAULT_RETRY, type Reactor, type RetryPolicy, deliver, reportLag } from './delivery.js';

const LAG_REPORT_MS = 5_000;

/**
 * A reactor on the embedded default: follows the event store from its own checkpoint and
 * hands each published event to the reactor. Run one per reactor name.
 */
export class StoreConsumer {
  private subscription: AllSubscription | undefined;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private position: Position | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly deps: { store: EventStore; pool: pg.Pool; reactor: Reactor; retry?: RetryPolicy },
  ) {}

  async start(): Promise<void> {
    const { rows } = await this.deps.pool.query<{ commit_position: string; prepare_position: string }>(
      'SELECT commit_position, prepare_position FROM rollcall.consumer_checkpoints WHERE consumer = $1',
      [this.deps.reactor.name],
    );
    this.position = rows[0] ? { commit: BigInt(rows[0].commit_position), prepare: BigInt(rows[0].prepare_position) } : undefined;
    const subscription = this.deps.store.subscribeToAll(this.position ? { after: this.position } : {});
    this.subscription = subscription;
    this.running = this.follow(subscription);
    this.timer = setInterval(() => void this.report().catch(() => undefined), LAG_REPORT_MS);
  }

  private async follow(subscription: AllSubscription): Promise<void> {
    for await (const recorded of subscription) {
      const event = toIntegrationEvent(recorded);
      if (event) await deliver(this.deps.pool, this.deps.reactor, event, this.deps.retry ?? DEFAULT_RETRY);
      await this.deps.pool.query(
        `INSERT INTO rollcall.consumer_checkpoints (consumer, commit_position, prepare_position) VALUES ($1, $2, $3)
         ON CONFLICT (consumer) DO UPDATE SET commit_position = excluded.commit_position, prepare_position = excluded.prepare_position, updated_at = now()`,
        [this.deps.reactor.name, recorded.position.commit.toString(), recorded.position.prepare.toString()],
      );
      this.position = recorded.position;
      for (const wake of [...this.waiters]) wake();
    }
  }

  /** Events stored after the checkpoint (the PostgreSQL store only can count them cheaply). */
  async lag(): Promise<number> {
    const { rows } = await this.deps.pool.query<{ n: string }>('SELECT count(*) AS n FROM rollcall.events WHERE position > $1', [
      (this.position?.commit ?? 0n).toString(),
    ]);
    return Number(rows[0]!.n);
  }

  async report(): Promise<void> {
    await reportLag(this.deps.pool, this.deps.reactor.name, 'store', await this.lag());
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
    await this.subscription?.close();
    await this.running;
  }
}
