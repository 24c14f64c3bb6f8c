import type pg from 'pg';
import type { EventStore } from '../eventstore/event-store.js';
import { listCheckpoints } from '../log-follower/checkpoints.js';
import { eventsAfter } from '../log-follower/lag.js';

/** How far behind one consumer of the log is: a reactor (as it last reported) or a forwarder. */
export interface ConsumerLag {
  consumer: string;
  /** `store` or `kafka` for a reactor; `forwarder` for a Kafka forwarder. */
  mode: 'store' | 'kafka' | 'forwarder';
  /** Events or messages not handled yet; null where it cannot be counted (a forwarder on EventStoreDB). */
  lag: number | null;
  /** When the reactor reported, or when the forwarder last moved (or took up) its checkpoint. */
  reportedAt: string;
}

/** Reactors' lag as they last reported it. */
export const readReactorLag = async (pool: pg.Pool): Promise<ConsumerLag[]> => {
  const { rows } = await pool.query<{ consumer: string; mode: 'store' | 'kafka'; lag: string; reported_at: Date }>(
    'SELECT consumer, mode, lag, reported_at FROM rollcall.consumer_lag ORDER BY consumer',
  );
  return rows.map((row) => ({ consumer: row.consumer, mode: row.mode, lag: Number(row.lag), reportedAt: row.reported_at.toISOString() }));
};

/**
 * Reactors and forwarders. A forwarder's lag is counted now, behind its checkpoint, which only
 * the PostgreSQL store can do cheaply (EventStoreDB's log is not in rollcall.events).
 */
export const readConsumerLag = async (pool: pg.Pool, storeKind: EventStore['kind']): Promise<ConsumerLag[]> => {
  const forwarders = await Promise.all(
    (await listCheckpoints(pool, 'forwarder')).map(
      async (checkpoint): Promise<ConsumerLag> => ({
        consumer: `forwarder ${checkpoint.name}`,
        mode: 'forwarder',
        lag: storeKind === 'postgres' ? await eventsAfter(pool, checkpoint.position) : null,
        reportedAt: checkpoint.updatedAt.toISOString(),
      }),
    ),
  );
  return [...forwarders, ...(await readReactorLag(pool))];
};
