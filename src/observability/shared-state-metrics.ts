import type pg from 'pg';
import type { EventStore } from '../eventstore/event-store.js';
import type { Position } from '../eventstore/position.js';
import { readReactorLag } from '../integration/consumer-lag.js';
import { jobQueues } from '../jobs/job-admin.js';
import type { Jobs } from '../jobs/jobs.js';
import { type FollowerKind, listCheckpoints } from '../log-follower/checkpoints.js';
import { eventsAfter, secondsBehind } from '../log-follower/lag.js';
import { type Metrics, perScrape } from './metrics.js';

/** Counting further than this costs more than it tells: a lag of a million events reads as "at least". */
const COUNT_AT_MOST = 1_000_000;

/** The gauges a role serves about state kept in PostgreSQL, which every process of it sees alike. */
export type SharedState = 'projections' | 'forwarders' | 'reactors' | 'jobs';

export interface SharedStateSources {
  pool: pg.Pool;
  storeKind: EventStore['kind'];
  /** Where the configured store's log ends (`EventStore.headPosition`): PostgreSQL's rollcall.events is stale on EventStoreDB. */
  headPosition: () => Promise<Position | undefined>;
  /** For the job queues' depths. */
  jobs?: Jobs;
}

interface FollowerReading {
  name: string;
  position: bigint;
  failed: boolean;
  /** Undefined where the store cannot count it (EventStoreDB). */
  lag: { events: number; seconds: number } | undefined;
}

const readFollowers = async (sources: SharedStateSources, kind: FollowerKind): Promise<FollowerReading[]> =>
  Promise.all(
    (await listCheckpoints(sources.pool, kind)).map(async ({ name, position, status }) => ({
      name,
      position: position?.commit ?? 0n,
      failed: status === 'failed',
      lag:
        sources.storeKind === 'postgres'
          ? { events: await eventsAfter(sources.pool, position, COUNT_AT_MOST), seconds: await secondsBehind(sources.pool, position) }
          : undefined,
    })),
  );

/**
 * Positions and lags of the log's followers (from rollcall.checkpoints: whichever process
 * holds a follower's lock writes it), reactors' lag as they last reported it, and the job
 * queues' depths, read when scraped. Lag is counted where the log is rollcall.events (the
 * PostgreSQL store); on EventStoreDB only positions are served.
 */
export const observeSharedState = (metrics: Metrics, sources: SharedStateSources, areas: ReadonlySet<SharedState>): void => {
  const { pool, storeKind } = sources;
  const followerGauges = (kind: 'projection' | 'forwarder', what: string) => {
    const read = perScrape(() => readFollowers(sources, kind));
    metrics.gaugeReading(`rollcall_${kind}_position`, `Global position a ${what} has handled (its checkpoint).`, [kind], async () =>
      (await read()).map((f) => ({ labels: { [kind]: f.name }, value: Number(f.position) })),
    );
    metrics.gaugeReading(`rollcall_${kind}_lag_events`, `Events stored after a ${what}'s checkpoint (PostgreSQL store).`, [kind], async () =>
      (await read()).flatMap((f) => (f.lag ? [{ labels: { [kind]: f.name }, value: f.lag.events }] : [])),
    );
    metrics.gaugeReading(`rollcall_${kind}_lag_seconds`, `Age of the oldest event a ${what} has not handled yet, 0 when caught up (PostgreSQL store).`, [kind], async () =>
      (await read()).flatMap((f) => (f.lag ? [{ labels: { [kind]: f.name }, value: f.lag.seconds }] : [])),
    );
    metrics.gaugeReading(`rollcall_${kind}_failed`, `1 while a ${what} is stopped at an event it could not handle, else 0.`, [kind], async () =>
      (await read()).map((f) => ({ labels: { [kind]: f.name }, value: f.failed ? 1 : 0 })),
    );
  };
  if (areas.has('projections')) followerGauges('projection', 'projection');
  if (areas.has('forwarders')) followerGauges('forwarder', 'Kafka forwarder');
  if (areas.has('projections') || areas.has('forwarders'))
    metrics.gaugeReading('rollcall_event_store_head', 'Last global position stored (its commit position on EventStoreDB).', [], async () => [
      { labels: {}, value: Number((await sources.headPosition())?.commit ?? 0n) },
    ]);
  if (areas.has('reactors')) {
    const read = perScrape(() => readReactorLag(pool));
    metrics.gaugeReading('rollcall_consumer_lag', 'Events (store) or messages (Kafka) a reactor has not handled yet, as it last reported.', ['consumer', 'mode'], async () =>
      (await read()).flatMap((row) => (row.lag === null ? [] : [{ labels: { consumer: row.consumer, mode: row.mode }, value: row.lag }])),
    );
    metrics.gaugeReading('rollcall_consumer_lag_report_age_seconds', 'Seconds since a reactor last reported its lag (every 5 s while it runs).', ['consumer', 'mode'], async () =>
      (await read()).map((row) => ({ labels: { consumer: row.consumer, mode: row.mode }, value: (Date.now() - Date.parse(row.reportedAt)) / 1_000 })),
    );
  }
  const { jobs } = sources;
  if (areas.has('jobs') && jobs)
    metrics.gaugeReading('rollcall_job_queue_depth', 'Jobs in a queue by state: queued (new or waiting to retry), active, failed (retries spent).', ['queue', 'state'], async () =>
      // pg-boss's own queues (`__pgboss__…`) are its plumbing, not Rollcall's work.
      (await jobQueues(await jobs.boss())).filter((queue) => !queue.name.startsWith('__pgboss')).flatMap((queue) =>
        (['queued', 'active', 'failed'] as const).map((state) => ({ labels: { queue: queue.name, state }, value: queue[state] })),
      ),
    );
};
