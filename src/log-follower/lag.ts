import type pg from 'pg';
import type { Position } from '../eventstore/position.js';

/**
 * Events stored after `position` (every event for undefined): how far behind a checkpoint
 * is; counted up to `atMost` when given, as a bound is all a readiness check needs. Only the
 * PostgreSQL store can count this cheaply (its log is rollcall.events, indexed by position);
 * callers on EventStoreDB show the lag as unknown instead.
 */
export const eventsAfter = async (db: pg.Pool | pg.PoolClient, position: Position | undefined, atMost?: number): Promise<number> => {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM (SELECT 1 FROM rollcall.events WHERE position > $1 ORDER BY position LIMIT $2) AS behind',
    [(position?.commit ?? -1n).toString(), atMost ?? null],
  );
  return Number(rows[0]!.n);
};

/**
 * How far behind `position` is in time: the age of the oldest event stored after it, 0 when
 * there is none. Unlike a count it grows while a follower stands still, however few events
 * wait. PostgreSQL store only, as `eventsAfter`.
 */
export const secondsBehind = async (db: pg.Pool | pg.PoolClient, position: Position | undefined): Promise<number> => {
  const { rows } = await db.query<{ seconds: number }>(
    'SELECT extract(epoch FROM now() - recorded_at)::float8 AS seconds FROM rollcall.events WHERE position > $1 ORDER BY position LIMIT 1',
    [(position?.commit ?? -1n).toString()],
  );
  return Math.max(0, rows[0]?.seconds ?? 0);
};
