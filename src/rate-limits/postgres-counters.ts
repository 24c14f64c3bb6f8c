import type pg from 'pg';
import type { Counters } from './throttle.js';

/** How often a process clears the windows that have ended; between sweeps they only take room. */
const SWEEP_EVERY_MS = 60_000;

/**
 * One statement, so that two processes counting the same key at once can neither both start
 * its window nor lose a hit: the row is locked by the upsert, and the second waits and adds.
 */
const HIT = `
  INSERT INTO rollcall.rate_limit_counters AS c (key, hits, window_ends) VALUES ($1, 1, $3)
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN c.window_ends <= $2 THEN 1 ELSE c.hits + 1 END,
    window_ends = CASE WHEN c.window_ends <= $2 THEN excluded.window_ends ELSE c.window_ends END
  RETURNING hits, window_ends`;

/** Counters in `rollcall.rate_limit_counters`, shared by every API process on the database. */
export class PostgresCounters implements Counters {
  private nextSweep = 0;

  constructor(private readonly pool: pg.Pool) {}

  async hit(key: string, windowMs: number, now: Date): Promise<{ hits: number; windowEnds: Date }> {
    const { rows } = await this.pool.query<{ hits: number; window_ends: Date }>(HIT, [key, now, new Date(now.getTime() + windowMs)]);
    this.sweepNowAndThen(now);
    return { hits: rows[0]!.hits, windowEnds: rows[0]!.window_ends };
  }

  /** Off the request's path; one that fails leaves the rows to the next. */
  private sweepNowAndThen(now: Date): void {
    if (now.getTime() < this.nextSweep) return;
    this.nextSweep = now.getTime() + SWEEP_EVERY_MS;
    this.pool.query('DELETE FROM rollcall.rate_limit_counters WHERE window_ends <= $1', [now]).catch(() => undefined);
  }
}
