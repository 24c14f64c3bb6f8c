import type pg from 'pg';

/** How far behind one consumer of the log is: a reactor (as it last reported) or a forwarder. */
export interface ConsumerLag {
  consumer: string;
  /** `store` or `kafka` for a reactor; `forwarder` for a Kafka forwarder. */
  mode: 'store' | 'kafka' | 'forwarder';
  /** Events or messages not handled yet; null where it cannot be counted (a forwarder on EventStoreDB). */
  lag: number | null;
  /** When the reactor reported, or when the forwarder last moved its checkpoint. */
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
export const readConsumerLag = async (pool: pg.Pool, storeKind: 'postgres' | 'eventstoredb'): Promise<ConsumerLag[]> => {
  const { rows } = await pool.query<{ name: string; lag: string; updated_at: Date }>(
    `SELECT name, CASE WHEN $1 THEN (SELECT count(*) FROM rollcall.events WHERE position > f.commit_position) END AS lag, updated_at
       FROM rollcall.forwarder_checkpoints f ORDER BY name`,
    [storeKind === 'postgres'],
  );
  const forwarders = rows.map((row): ConsumerLag => ({
    consumer: `forwarder ${row.name}`,
    mode: 'forwarder',
    lag: row.lag === null ? null : Number(row.lag),
    reportedAt: row.updated_at.toISOString(),
  }));
  return [...forwarders, ...(await readReactorLag(pool))];
};
