import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../postgres/database.js';
import { migrate } from '../postgres/migrate.js';
import { appendQuery } from '../eventstore/postgres/postgres-event-store.js';
import { validateAppend } from '../eventstore/validate-append.js';
import { anEvent } from '../../test/events.js';
import {
  CheckpointMovedError,
  StoreMismatchError,
  claimCheckpoint,
  listCheckpoints,
  moveCheckpoint,
  readCheckpoint,
  recordFailure,
  setCheckpoint,
} from './checkpoints.js';

/** Migrated up to `through`, so a later migration runs on real rows. */
const databaseAt = async (through: string): Promise<pg.Pool> => {
  const url = await createDatabase(inject('postgresUrl'), `test_${randomBytes(6).toString('hex')}`);
  const created = new pg.Pool({ connectionString: url, max: 5 });
  await migrate(created, { through });
  return created;
};

/** Up to the three tables of before. */
let pool: pg.Pool;
beforeAll(async () => {
  pool = await databaseAt('009_event_scoped_keys.sql');
});
afterAll(() => pool?.end());

const postgres = { kind: 'postgres', id: 'a6f0b1a2-0000-4000-8000-000000000001' } as const;
const eventStoreDb = { kind: 'eventstoredb', id: 'e5d0b1a2-0000-4000-8000-000000000002' } as const;

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
    expect(await claimCheckpoint(pool, { kind: 'forwarder', name: 'twin' }, postgres)).toBeUndefined();
    expect(await claimCheckpoint(pool, { kind: 'reactor', name: 'twin' }, postgres)).toBeUndefined();
    await moveCheckpoint(pool, { kind: 'forwarder', name: 'twin' }, undefined, at(5));
    expect((await readCheckpoint(pool, { kind: 'forwarder', name: 'twin' }))?.position).toEqual(at(5));
    expect((await readCheckpoint(pool, { kind: 'reactor', name: 'twin' }))?.position).toBeUndefined();
  });

  it('moves only from where the mover believes it stands', async () => {
    const ref = { kind: 'projection', name: 'fenced' } as const;
    await claimCheckpoint(pool, ref, postgres);
    await moveCheckpoint(pool, ref, undefined, at(3));
    await expect(moveCheckpoint(pool, ref, undefined, at(4))).rejects.toBeInstanceOf(CheckpointMovedError);
    // Nor is the failure of a follower that is behind; one where the row stands is.
    await recordFailure(pool, ref, at(1), { ...failure, projection: 'fenced' }, true);
    expect(await readCheckpoint(pool, ref)).toMatchObject({ position: at(3), status: 'running', failure: null });
    await recordFailure(pool, ref, at(3), { ...failure, projection: 'fenced' }, true);
    expect(await readCheckpoint(pool, ref)).toMatchObject({ position: at(3), status: 'failed', failure: { projection: 'fenced' } });
    // Taking it up again clears the failure.
    expect(await claimCheckpoint(pool, ref, postgres)).toEqual(at(3));
    expect(await readCheckpoint(pool, ref)).toMatchObject({ status: 'running', failure: null });
  });
});

describe('the store a checkpoint was taken in', () => {
  it('is stamped by the first follower to claim it, and another store cannot claim it, the row left as it was', async () => {
    const ref = { kind: 'forwarder', name: 'switched' } as const;
    await claimCheckpoint(pool, ref, postgres);
    await moveCheckpoint(pool, ref, undefined, at(12));
    await setCheckpoint(pool, { kind: 'reactor', name: 'untouched' }, at(1));
    expect(await readCheckpoint(pool, ref)).toMatchObject({ position: at(12), store: postgres });

    const refused = await claimCheckpoint(pool, ref, eventStoreDb).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StoreMismatchError);
    expect((refused as Error).message).toContain(`another event store (postgres ${postgres.id}) than the one configured now (eventstoredb ${eventStoreDb.id})`);
    expect((refused as Error).message).toContain(`delete the row (kind 'forwarder', name 'switched') from rollcall.checkpoints`);
    expect(await readCheckpoint(pool, ref)).toMatchObject({ position: at(12), store: postgres, status: 'running' });
    expect(await claimCheckpoint(pool, ref, postgres)).toEqual(at(12));
  });

  it('is forgotten when a position is set in its place, and taken from whoever claims next', async () => {
    const ref = { kind: 'projection', name: 'rebuilt' } as const;
    await claimCheckpoint(pool, ref, eventStoreDb);
    await setCheckpoint(pool, ref, at(30));
    expect(await readCheckpoint(pool, ref)).toMatchObject({ position: at(30), store: undefined });
    expect(await claimCheckpoint(pool, ref, postgres)).toEqual(at(30));
    expect(await readCheckpoint(pool, ref)).toMatchObject({ store: postgres });
  });

  it('is PostgreSQL for checkpoints that handled events of a database whose rollcall.events holds them, once migrated', async () => {
    const before = await databaseAt('014_rate_limit_counters.sql');
    try {
      await before.query(appendQuery('thing-1', validateAppend('thing-1', [anEvent()], 'no_stream'), 'no_stream'));
      await before.query(`INSERT INTO rollcall.checkpoints (kind, name, commit_position, prepare_position) VALUES
        ('projection', 'attendance', 1, 1), ('forwarder', 'kafka', -1, -1)`);

      expect(await migrate(before)).toContain('015_store_identity.sql');

      const { rows } = await before.query<{ id: string }>('SELECT store_id::text AS id FROM rollcall.event_store_identity');
      expect(await readCheckpoint(before, { kind: 'projection', name: 'attendance' })).toMatchObject({ store: { kind: 'postgres', id: rows[0]!.id } });
      // Nothing handled: any store may take it up.
      expect(await readCheckpoint(before, { kind: 'forwarder', name: 'kafka' })).toMatchObject({ store: undefined });
    } finally {
      await before.end();
    }
  });

  it('is unknown, once migrated, for checkpoints of a database whose events were never in rollcall.events', async () => {
    const before = await databaseAt('014_rate_limit_counters.sql');
    try {
      await before.query(`INSERT INTO rollcall.checkpoints (kind, name, commit_position, prepare_position) VALUES ('projection', 'attendance', 90210, 90100)`);
      await migrate(before);
      expect(await readCheckpoint(before, { kind: 'projection', name: 'attendance' })).toMatchObject({ store: undefined });
    } finally {
      await before.end();
    }
  });
});
