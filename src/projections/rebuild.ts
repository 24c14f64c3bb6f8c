import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { type Position, comparePositions } from '../eventstore/position.js';
import { readCheckpoint, setCheckpoint } from '../log-follower/checkpoints.js';
import { ADVISORY_LOCK_CLASS } from '../postgres/advisory-locks.js';
import { advisoryUnlock, tryAdvisoryLock } from '../postgres/session-lock.js';
import type { Projection } from './projection.js';
import { liveSchema } from './runner.js';
import { type Resumed, ShadowBuild, type ShadowBuildOptions, retiredSchema } from './shadow-build.js';

/** The live runner's lock: holding it is how the swap knows no batch of the runner is in flight. */
const RUNNER_LOCK_CLASS = ADVISORY_LOCK_CLASS.projection;
const DEFAULT_LOCK_RETRY_MS = 1_000;

export interface RebuildOptions extends ShadowBuildOptions {
  /** How often to ask again for the runner's lock while a live runner holds it (default 1 s). */
  lockRetryMs?: number;
}

export interface RebuildResult {
  projection: string;
  /** The live checkpoint after the swap. */
  position: Position | undefined;
  /** Events applied to the new tables in all (those of a resumed run included). */
  applied: number;
  /** Where an interrupted rebuild had got to, when this one carried it on. */
  resumed: Resumed | undefined;
}

const schemaExists = async (client: pg.PoolClient, schema: string): Promise<boolean> =>
  (await client.query<{ exists: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS exists', [schema]))
    .rows[0]!.exists;

/**
 * The bulk of rebuilding several projections, reading the log once for all of them; each
 * `rebuildProjection` afterwards resumes from there, catches up and swaps.
 */
export const buildShadowsTogether = async (options: Omit<ShadowBuildOptions, 'projection'> & { projections: readonly Projection[] }): Promise<void> => {
  const shadows: ShadowBuild[] = [];
  try {
    for (const projection of options.projections) shadows.push(await ShadowBuild.open({ ...options, projection }, 'rebuild', true));
    await ShadowBuild.applyAllTogether(shadows);
  } finally {
    await Promise.all(shadows.map((shadow) => shadow.close()));
  }
};

/**
 * Rebuilds a projection's read model from the first event while the live tables keep
 * serving, then swaps the new tables in. Resumes a rebuild that was killed half-way.
 *
 * 1. Into `rm_<name>__rebuild`: set up, then every event from position 0 in batches,
 *    each batch committed with the rebuild's checkpoint (rollcall.projection_rebuilds).
 * 2. Catch up with the head of the log, then ask for the runner's session lock. While a
 *    live runner holds it, keep catching up and ask again: the swap needs no batch of the
 *    runner in flight, and the lock is how the runner says so. (A transaction-level lock
 *    would wait just the same, since it conflicts with the runner's session lock; taking
 *    the session lock instead lets the rebuild keep catching up while it waits.) So the
 *    swap happens once no runner of this projection is active: stopped, failed, or not
 *    running anywhere; a runner that starts meanwhile waits as a standby.
 * 3. With the lock, one transaction: apply the last events, rename `rm_<name>` to
 *    `rm_<name>__old` and the shadow to `rm_<name>`, set the live checkpoint to the
 *    rebuild's position, forget the rebuild's checkpoint. A query sees the old tables or
 *    the new ones, never a mix: the renames commit together.
 * 4. Let go of the lock (a standby runner takes over from the swapped checkpoint), then
 *    drop `rm_<name>__old` once the queries that were reading it are done. Killed before
 *    that, the next rebuild drops it.
 */
export const rebuildProjection = async (options: RebuildOptions): Promise<RebuildResult> => {
  const { name } = options.projection;
  const lockRetryMs = options.lockRetryMs ?? DEFAULT_LOCK_RETRY_MS;
  const shadow = await ShadowBuild.open(options, 'rebuild', true);
  let holdsRunnerLock = false;
  try {
    for (;;) {
      await shadow.applyAll();
      if (!holdsRunnerLock) {
        // Caught up: ask a live runner to hand its lock over (it checks every second).
        await shadow.client.query('UPDATE rollcall.projection_rebuilds SET swap_requested_at = now() WHERE target = $1', [shadow.schema]);
        holdsRunnerLock = await tryAdvisoryLock(shadow.client, RUNNER_LOCK_CLASS, name);
      }
      if (holdsRunnerLock) {
        shadow.report('swapping');
        if (!(await swap(shadow))) continue;
        await advisoryUnlock(shadow.client, RUNNER_LOCK_CLASS, name);
        holdsRunnerLock = false;
        // After the swap, not in it: the drop waits for queries still reading the old tables,
        // and inside the swap it would hold every new query up behind them too.
        await shadow.client.query(`DROP SCHEMA IF EXISTS ${retiredSchema(name)} CASCADE`);
        break;
      }
      shadow.report('waiting_for_lock');
      await sleep(lockRetryMs, undefined, options.signal ? { signal: options.signal } : {});
    }
    shadow.report('done');
    return { projection: name, position: shadow.position, applied: shadow.applied, resumed: shadow.resumed };
  } finally {
    if (holdsRunnerLock) await advisoryUnlock(shadow.client, RUNNER_LOCK_CLASS, name).catch(() => undefined);
    await shadow.close();
  }
};

/** The swap transaction; false (nothing changed) when the live checkpoint is ahead of the shadow. */
const swap = async (shadow: ShadowBuild): Promise<boolean> => {
  const { client, projection } = shadow;
  const live = liveSchema(projection.name);
  const retired = retiredSchema(projection.name);
  const before = { position: shadow.position, applied: shadow.applied };
  await client.query('BEGIN');
  try {
    await shadow.applyTail();
    const current = (await readCheckpoint(client, { kind: 'projection', name: projection.name }, { forUpdate: true }))?.position;
    if (current && (!shadow.position || comparePositions(current, shadow.position) > 0)) {
      // The runner saw events this read did not yet; catch up outside the transaction and try again.
      await client.query('ROLLBACK');
      Object.assign(shadow, before);
      return false;
    }
    const hadLive = await schemaExists(client, live);
    await client.query(`DROP SCHEMA IF EXISTS ${retired} CASCADE`);
    if (hadLive) await client.query(`ALTER SCHEMA ${live} RENAME TO ${retired}`);
    await client.query(`ALTER SCHEMA ${shadow.schema} RENAME TO ${live}`);
    // Stopped: no runner is active while the rebuild holds its lock; the next one to take it marks it running.
    await setCheckpoint(client, { kind: 'projection', name: projection.name }, shadow.position);
    await shadow.forget();
    await client.query('COMMIT');
    return true;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    Object.assign(shadow, before);
    throw error;
  }
};
