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

/** How often a reactor's consumer measures and reports its lag. */
export const LAG_REPORT_MS = 5_000;

/**
 * The lag a reactor's consumer last measured, kept in memory for its readiness (the table
 * holds it for the admins). Not measured for three periods running means it cannot be: the
 * broker or the database is out of reach.
 */
export class LastLag {
  private reading: { lag: number; at: number } | undefined;
  private readonly since = Date.now();

  record(lag: number): void {
    this.reading = { lag, at: Date.now() };
  }

  /** Why the consumer is not within `maxLag`, or undefined when it is (or has just started). */
  problem(maxLag: number, now = Date.now()): string | undefined {
    const stale = 3 * LAG_REPORT_MS;
    if (!this.reading) return now - this.since > stale ? `no lag measured in ${Math.round((now - this.since) / 1_000)} s` : undefined;
    if (now - this.reading.at > stale) return `lag last measured ${Math.round((now - this.reading.at) / 1_000)} s ago`;
    return this.reading.lag > maxLag ? `${this.reading.lag} events behind (bound ${maxLag})` : undefined;
  }
}
