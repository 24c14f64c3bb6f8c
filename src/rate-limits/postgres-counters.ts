import type pg from 'pg';
import { Gathered } from '../gathered.js';
import type { Counters } from './throttle.js';

/** How often a process clears the windows that have ended; between sweeps they only take room. */
const SWEEP_EVERY_MS = 60_000;
/** Hits counted by one statement at most. */
const MAX_GROUP = 256;

interface Hit {
  key: string;
  now: Date;
  windowEnds: Date;
}

/**
 * One statement for every hit gathered meanwhile, so that two processes counting the same key
 * at once can neither both start its window nor lose a hit: each row is locked by the upsert
 * (in key order, so two statements cannot deadlock), and the second waits and adds. A key hit n
 * times in the group is added n at once; its hits are numbered in the order they came.
 */
const HIT = `
  WITH hits AS (
    SELECT key, count(*)::int AS n, max(window_ends) AS window_ends
    FROM unnest($1::text[], $2::timestamptz[]) AS h(key, window_ends) GROUP BY key
  )
  INSERT INTO rollcall.rate_limit_counters AS c (key, hits, window_ends)
  SELECT key, n, window_ends FROM hits ORDER BY key
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN c.window_ends <= $3 THEN excluded.hits ELSE c.hits + excluded.hits END,
    window_ends = CASE WHEN c.window_ends <= $3 THEN excluded.window_ends ELSE c.window_ends END
  RETURNING key, hits, window_ends`;

/**
 * Counters in `rollcall.rate_limit_counters`, shared by every API process on the database.
 * Hits that arrive while a statement is out go together in the next: a busy door's scans
 * would otherwise each pay a statement and a commit on the same hot row.
 */
export class PostgresCounters implements Counters {
  private nextSweep = 0;
  private readonly hits: Gathered<Hit, { hits: number; windowEnds: Date }>;

  constructor(private readonly pool: pg.Pool) {
    this.hits = new Gathered((group) => this.count(group), MAX_GROUP);
  }

  async hit(key: string, windowMs: number, now: Date): Promise<{ hits: number; windowEnds: Date }> {
    const counted = await this.hits.call({ key, now, windowEnds: new Date(now.getTime() + windowMs) });
    this.sweepNowAndThen(now);
    return counted;
  }

  /** The group is counted as at its latest hit's time: they are at most a round trip apart. */
  private async count(group: Hit[]): Promise<{ hits: number; windowEnds: Date }[]> {
    const now = new Date(Math.max(...group.map((hit) => hit.now.getTime())));
    const { rows } = await this.pool.query<{ key: string; hits: number; window_ends: Date }>(HIT, [
      group.map((hit) => hit.key),
      group.map((hit) => hit.windowEnds),
      now,
    ]);
    const totals = new Map(rows.map((row) => [row.key, row]));
    const taken = new Map<string, number>();
    const ofKey = new Map<string, number>();
    for (const { key } of group) ofKey.set(key, (ofKey.get(key) ?? 0) + 1);
    return group.map(({ key }) => {
      const total = totals.get(key)!;
      const before = taken.get(key) ?? 0;
      taken.set(key, before + 1);
      return { hits: total.hits - ofKey.get(key)! + before + 1, windowEnds: total.window_ends };
    });
  }

  /** Off the request's path; one that fails leaves the rows to the next. */
  private sweepNowAndThen(now: Date): void {
    if (now.getTime() < this.nextSweep) return;
    this.nextSweep = now.getTime() + SWEEP_EVERY_MS;
    this.pool.query('DELETE FROM rollcall.rate_limit_counters WHERE window_ends <= $1', [now]).catch(() => undefined);
  }
}
