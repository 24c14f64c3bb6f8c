import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../postgres/database.js';
import { migrate } from '../postgres/migrate.js';
import { CheckpointMovedError, claimCheckpoint, listCheckpoints, moveCheckpoint, readCheckpoint, recordFailure } from './checkpoints.js';

/** Migrated up to the three tables of before, so the migration to one table runs on real rows. */
let pool: pg.Pool;
beforeAll(async () => {
  const url = await createDatabase(inject('postgresUrl'), `test_${randomBytes(6).toString('hex')}`);
  pool = new pg.Pool({ connectionString: url, max: 5 });
  await migrate(pool, { through: '009_event_scoped_keys.sql' });
});
afterAll(() => pool?.end());

const at = (n: number) => ({ commit: BigInt(n), prepare: BigInt(n) });
const failure = { projection: 'audit', eventId: null, type: null, streamId: null, position: null, error: 'no', checkpoint: '7', lag: { head: null, events: 0 }, failedAt: 'then' };

describe('the checkpoint table', () => {
  it('takes over the rows of the three tables of before, each under its kind', async () => {
    await pool.query(`INSERT INTO rollcall.projection_checkpoints (name, commit_position, prepare_position, status, failure) VALUES
      ('attendance', 42, 42, 'running', NULL), ('audit', 7, 7, 'failed', $1)`, [JSON.stringify(failure)]);
    await pool.query(`INSERT INTO rollcall.forwarder_checkpoints (name, commit_position, prepare_position) VALUES ('kafka', 40, 40)`);
    await pool.query(`INSERT INTO rollcall.consumer_checkpoints (consumer, commit_position, prepare_position) VALUES ('forecast-trigger', 41, 41)`);

    expect(await migrate(pool)).toContain('010_checkpoints.sql');

    expect(await listCheckpoints(pool, 'projection')).toEqual([
      expect.objectContaining({ kind: 'projection', name: 'attendance', position: at(42), status: 'running', failure: null }),
      expect.objectContaining({ name: 'audit', position: at(7), status: 'failed', failure }),
    ]);
    expect(await listCheckpoints(pool, 'forwarder')).toEqual([expect.objectContaining({ name: 'kafka', position: at(40), status: 'stopped' })]);
    expect(await listCheckpoints(pool, 'reactor')).toEqual([expect.objectContaining({ name: 'forecast-trigger', position: at(41), status: 'stopped' })]);
    const { rows } = await pool.query(
      "SELECT 1 FROM pg_tables WHERE schemaname = 'rollcall' AND tablename IN ('projection_checkpoints', 'forwarder_checkpoints', 'consumer_checkpoints')",
    );
    expect(rows).toEqual([]);
  });

  it('keeps one row per kind and name: a forwarder and a reactor of one name stand apart', async () => {
    expect(await claimCheckpoint(pool, { kind: 'forwarder', name: 'twin' })).toBeUndefined();
    expect(await claimCheckpoint(pool, { kind: 'reactor', name: 'twin' })).toBeUndefined();
    await moveCheckpoint(pool, { kind: 'forwarder', name: 'twin' }, undefined, at(5));
    expect((await readCheckpoint(pool, { kind: 'forwarder', name: 'twin' }))?.position).toEqual(at(5));
    expect((await readCheckpoint(pool, { kind: 'reactor', name: 'twin' }))?.position).toBeUndefined();
  });

  it('moves only from where the mover believes it stands', async () => {
    const ref = { kind: 'projection', name: 'fenced' } as const;
    await claimCheckpoint(pool, ref);
    await moveCheckpoint(pool, ref, undefined, at(3));
    await expect(moveCheckpoint(pool, ref, undefined, at(4))).rejects.toBeInstanceOf(CheckpointMovedError);
    // Nor is the failure of a follower that is behind; one where the row stands is.
    await recordFailure(pool, ref, at(1), { ...failure, projection: 'fenced' }, true);
    expect(await readCheckpoint(pool, ref)).toMatchObject({ position: at(3), status: 'running', failure: null });
    await recordFailure(pool, ref, at(3), { ...failure, projection: 'fenced' }, true);
    expect(await readCheckpoint(pool, ref)).toMatchObject({ position: at(3), status: 'failed', failure: { projection: 'fenced' } });
    // Taking it up again clears the failure.
    expect(await claimCheckpoint(pool, ref)).toEqual(at(3));
    expect(await readCheckpoint(pool, ref)).toMatchObject({ status: 'running', failure: null });
  });
});
