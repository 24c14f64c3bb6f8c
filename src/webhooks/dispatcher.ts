import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { EventStore, RecordedEvent } from '../eventstore/event-store.js';
import { toIntegrationEvent } from '../integration/contract.js';
import type { Jobs } from '../jobs/jobs.js';
import type { FollowerLog } from '../log-follower/follower-log.js';
import { FollowsTheLog } from '../log-follower/follows-the-log.js';
import { LogFollower } from '../log-follower/log-follower.js';
import { openLanes, queueAttempts } from './lanes.js';
import { type Subscription, laneOf, planDeliveries } from './routing.js';
import { ownerStillHooks } from './webhook-access.js';
import { accountStandings } from '../projections/accounts/queries.js';
import { StoreLag } from '../integration/store-lag.js';

const BATCH_SIZE = 500;
const RESUME_AFTER_MS = 5_000;

export interface DispatcherOptions {
  store: EventStore;
  pool: pg.Pool;
  jobs: Jobs;
  log?: FollowerLog;
}

/**
 * The webhooks' reactor: a log follower of kind `reactor` (one active across processes, the
 * others standbys) that turns each batch of published events into deliveries and queues the
 * head of each lane as a `webhook-delivery` job, in the transaction that moves its
 * checkpoint: a batch makes its deliveries once, never twice, and none is lost. It follows
 * the store on Kafka deployments too: a batch in one transaction is what makes it exactly
 * once, and what carries 1,000 deliveries/s, where a reactor's event-at-a-time handler would not.
 */
export class WebhookDispatcher extends FollowsTheLog<'reactor'> {
  static readonly NAME = 'webhooks';
  protected readonly follower: LogFollower<'reactor'>;
  /** Its lag, reported like the reactors' (the `consumers` query, /metrics, /readyz) while it is the active one. */
  readonly lagReport: StoreLag;

  constructor(private readonly deps: DispatcherOptions) {
    super();
    this.follower = new LogFollower({
      kind: 'reactor',
      name: WebhookDispatcher.NAME,
      store: deps.store,
      pool: deps.pool,
      batchSize: BATCH_SIZE,
      ...(deps.log ? { log: deps.log } : {}),
      handler: {
        apply: (client, events) => this.dispatch(client, events),
        // Its failures are the database's, which come back: try again after a pause.
        resumeAfter: async (_failure, signal) => {
          await sleep(RESUME_AFTER_MS, undefined, { signal }).catch(() => undefined);
          return !signal.aborted;
        },
      },
    });
    this.lagReport = new StoreLag({ name: WebhookDispatcher.NAME, pool: deps.pool, store: deps.store, status: () => this.follower.status() });
  }

  override async start(): Promise<void> {
    await super.start();
    this.lagReport.start();
  }

  override async stop(): Promise<void> {
    this.lagReport.stop();
    await super.stop();
  }

  private async dispatch(client: pg.PoolClient, recorded: readonly RecordedEvent[]): Promise<void> {
    const events = recorded.flatMap((event) => toIntegrationEvent(event) ?? []);
    if (events.length === 0) return;
    // Without waiting for the WAL flush: a batch lost in a database crash loses its checkpoint
    // with it, and is made again from the log; nothing was sent in its name before it committed.
    await client.query('SET LOCAL synchronous_commit = off');
    // FOR SHARE: disabling or deleting a webhook waits for this batch, then cancels what it made.
    // In id order, then the lanes: the order the delivery workers lock them in (settlement.ts).
    const { rows } = await client.query<{ webhook_id: string; owner_id: string; event_id: string | null; event_types: Subscription['eventTypes'] }>(
      `SELECT webhook_id, owner_id, event_id, event_types FROM rollcall.webhooks
        WHERE status = 'enabled' AND event_types && $1::text[] ORDER BY webhook_id FOR SHARE`,
      [[...new Set(events.map((event) => event.type))]],
    );
    // The owner's standing as the accounts read model has it: a revoked role stops the webhook within its lag.
    const owners = rows.length === 0 ? new Map() : await accountStandings(client, rows.map((row) => row.owner_id));
    const subscriptions = rows
      .filter((row) => ownerStillHooks(owners.get(row.owner_id), row.event_id))
      .map((row) => ({ webhookId: row.webhook_id, eventId: row.event_id, eventTypes: row.event_types }));
    const candidates = planDeliveries(events, subscriptions, new Set(), new Set());
    if (candidates.length === 0) return;
    const existing = await client.query<{ delivery_id: string }>('SELECT delivery_id FROM rollcall.webhook_deliveries WHERE delivery_id = ANY($1::uuid[])', [
      candidates.map((d) => d.deliveryId),
    ]);
    // The lanes' locks as late as may be: delivery workers finishing a head wait for them.
    const lanes = [...new Map(candidates.map((d) => [laneOf(d.webhookId, d.event.streamId), { webhookId: d.webhookId, streamId: d.event.streamId }])).values()];
    await openLanes(client, lanes);
    const busy = await client.query<{ webhook_id: string; stream_id: string }>(
      `SELECT DISTINCT webhook_id, stream_id FROM rollcall.webhook_deliveries
        WHERE status IN ('waiting', 'queued') AND (webhook_id, stream_id) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))`,
      [lanes.map((lane) => lane.webhookId), lanes.map((lane) => lane.streamId)],
    );
    const planned = planDeliveries(
      events,
      subscriptions,
      new Set(busy.rows.map((row) => laneOf(row.webhook_id, row.stream_id))),
      new Set(existing.rows.map((row) => row.delivery_id)),
    );
    // In log order, which `seq` keeps: a lane's next delivery is its lowest waiting seq.
    await client.query(
      `INSERT INTO rollcall.webhook_deliveries (delivery_id, webhook_id, event_id, event_type, stream_id, body, status)
       SELECT d, w, e, t, s, b, st FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[])
         WITH ORDINALITY AS x (d, w, e, t, s, b, st, n) ORDER BY n`,
      [
        planned.map((d) => d.deliveryId),
        planned.map((d) => d.webhookId),
        planned.map((d) => d.event.id),
        planned.map((d) => d.event.type),
        planned.map((d) => d.event.streamId),
        planned.map((d) => JSON.stringify(d.event)),
        planned.map((d) => d.status),
      ],
    );
    const boss = await this.deps.jobs.boss();
    await queueAttempts(boss, client, planned.filter((d) => d.status === 'queued').map((d) => ({ deliveryId: d.deliveryId })));
  }
}
