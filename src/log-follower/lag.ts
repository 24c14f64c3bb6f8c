import type pg from 'pg';
import type { Position } from '../eventstore/position.js';

/**
 * Events stored after `position` (every event for undefined): how far behind a checkpoint
 * is. Only the PostgreSQL store can count this cheaply (its log is rollcall.events, indexed by
 * position); callers on EventStoreDB show the lag as unknown instead.
 */
export const eventsAfter = async (db: pg.Pool | pg.PoolClient, position: Position | undefined): Promise<number> => {
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM rollcall.events WHERE position > $1', [
    (position?.commit ?? -1n).toString(),
  ]);
  return Number(rows[0]!.n);
};
