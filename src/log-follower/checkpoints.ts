import type pg from 'pg';
import type { StoreIdentity } from '../eventstore/event-store.js';
import type { Position } from '../eventstore/position.js';

/**
 * rollcall.checkpoints (infra/migrations/010_checkpoints.sql): where each follower of the log
 * stands, by kind and name. This file is the only one that reads or writes the table.
 */

export type FollowerKind = 'projection' | 'forwarder' | 'reactor';
export type CheckpointStatus = 'running' | 'stopped' | 'failed';

export interface CheckpointRef<K extends FollowerKind = FollowerKind> {
  kind: K;
  name: string;
}

/** Why a follower stopped: the event its handler could not take and how far behind it stands. */
export interface FailureDetails {
  /** The failing event; null when the handler failed before any event (setting up). */
  eventId: string | null;
  type: string | null;
  streamId: string | null;
  position: string | null;
  error: string;
  /** The last handled position (formatted), null when nothing was handled. */
  checkpoint: string | null;
  lag: {
    /** The furthest position the follower had received from the store when it failed. */
    head: string | null;
    /** Events received after the checkpoint and not handled (at least the failing one). */
    events: number;
  };
  failedAt: string;
}

/** A failure as stored and shown: the details under the follower's name, keyed by its kind (`{ projection: 'attendance', … }`). */
export type FollowerFailure<K extends FollowerKind> = Record<K, string> & FailureDetails;

export interface Checkpoint<K extends FollowerKind> {
  kind: K;
  name: string;
  /** Undefined when nothing is handled yet. */
  position: Position | undefined;
  status: CheckpointStatus;
  failure: FollowerFailure<K> | null;
  /** The log `position` was taken in; undefined until a follower claimed it (infra/migrations/015_store_identity.sql). */
  store: StoreIdentity | undefined;
  updatedAt: Date;
}

/** The checkpoint row no longer says what this follower last wrote: someone else follows under its name now. */
export class CheckpointMovedError extends Error {
  constructor({ kind, name }: CheckpointRef) {
    super(`The checkpoint of ${kind} ${name} was moved by someone else`);
  }
}

type Db = pg.Pool | pg.PoolClient;

/**
 * The checkpoint was taken in another log than the store this follower reads: its position
 * means nothing there, and resuming at it would skip or repeat events at random.
 */
export class StoreMismatchError extends Error {
  constructor({ kind, name }: CheckpointRef, stored: StoreIdentity, current: StoreIdentity) {
    super(
      `The checkpoint of ${kind} ${name} was taken in another event store (${stored.kind} ${stored.id}) than the one configured now ` +
        `(${current.kind} ${current.id}), so its position means nothing here. Point the process back at that store ` +
        `(EVENTSTORE_URL unset for PostgreSQL), or delete the row (kind '${kind}', name '${name}') from rollcall.checkpoints ` +
        `to follow this store from its beginning.`,
    );
  }
}

/** "Nothing handled yet": positions are NOT NULL. */
const NO_POSITION = -1n;

/** A position as its two NOT NULL columns store it (rollcall.projection_rebuilds stores them the same way). */
export const toStored = (p: Position | undefined): [string, string] =>
  p ? [p.commit.toString(), p.prepare.toString()] : [NO_POSITION.toString(), NO_POSITION.toString()];

export const fromStored = (commit: string, prepare: string): Position | undefined =>
  BigInt(commit) === NO_POSITION ? undefined : { commit: BigInt(commit), prepare: BigInt(prepare) };

interface Row {
  kind: FollowerKind;
  name: string;
  commit_position: string;
  prepare_position: string;
  status: CheckpointStatus;
  failure: FailureDetails | null;
  store_kind: StoreIdentity['kind'] | null;
  store_id: string | null;
  updated_at: Date;
}

const COLUMNS = 'kind, name, commit_position, prepare_position, status, failure, store_kind, store_id, updated_at';

const toCheckpoint = <K extends FollowerKind>(row: Row): Checkpoint<K> => ({
  kind: row.kind as K,
  name: row.name,
  position: fromStored(row.commit_position, row.prepare_position),
  status: row.status,
  failure: row.failure as FollowerFailure<K> | null,
  store: row.store_kind && row.store_id ? { kind: row.store_kind, id: row.store_id } : undefined,
  updatedAt: row.updated_at,
});

/** `forUpdate` locks the row until the caller's transaction ends (a rebuild's swap). */
export const readCheckpoint = async <K extends FollowerKind>(
  db: Db,
  { kind, name }: CheckpointRef<K>,
  { forUpdate = false } = {},
): Promise<Checkpoint<K> | undefined> => {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM rollcall.checkpoints WHERE kind = $1 AND name = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [kind, name],
  );
  return rows[0] && toCheckpoint<K>(rows[0]);
};

/** Every checkpoint of a kind by name, or those of `names`. */
export const listCheckpoints = async <K extends FollowerKind>(db: Db, kind: K, names?: readonly string[]): Promise<Checkpoint<K>[]> => {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM rollcall.checkpoints WHERE kind = $1 AND ($2::text[] IS NULL OR name = ANY ($2)) ORDER BY name`,
    [kind, names ?? null],
  );
  return rows.map((row) => toCheckpoint<K>(row));
};

/** Refuses (StoreMismatchError) a checkpoint taken in another log than `store`'s; one not stamped yet belongs to any. */
export const assertSameStore = async (db: Db, ref: CheckpointRef, store: StoreIdentity): Promise<void> => {
  const stored = (await readCheckpoint(db, ref))?.store;
  if (stored && (stored.kind !== store.kind || stored.id !== store.id)) throw new StoreMismatchError(ref, stored, store);
};

/**
 * For a follower that has just taken its lock: the row marked running and stamped with the
 * log it reads (created at "nothing handled" if missing); where it stands. A row taken in
 * another log is left as it is: StoreMismatchError.
 */
export const claimCheckpoint = async (db: Db, ref: CheckpointRef, store: StoreIdentity): Promise<Position | undefined> => {
  const [none] = toStored(undefined);
  const { rows } = await db.query<Pick<Row, 'commit_position' | 'prepare_position'>>(
    `INSERT INTO rollcall.checkpoints AS c (kind, name, commit_position, prepare_position, status, store_kind, store_id)
     VALUES ($1, $2, $3, $3, 'running', $4, $5)
     ON CONFLICT (kind, name) DO UPDATE
       SET status = 'running', failure = NULL, store_kind = excluded.store_kind, store_id = excluded.store_id, updated_at = now()
     WHERE c.store_id IS NULL OR (c.store_kind = excluded.store_kind AND c.store_id = excluded.store_id)
     RETURNING commit_position, prepare_position`,
    [ref.kind, ref.name, none, store.kind, store.id],
  );
  if (!rows[0]) {
    await assertSameStore(db, ref, store);
    throw new Error(`The checkpoint of ${ref.kind} ${ref.name} could not be claimed`);
  }
  return fromStored(rows[0].commit_position, rows[0].prepare_position);
};

/**
 * Moves the checkpoint from `from` to `to`, fenced by `from`: if anyone else moved it (a
 * second follower after a lost lock, an operator), nothing changes and CheckpointMovedError
 * says so. A row someone deleted is written again where the follower stands.
 */
export const moveCheckpoint = async (db: Db, { kind, name }: CheckpointRef, from: Position | undefined, to: Position): Promise<void> => {
  const { rowCount } = await db.query(
    `INSERT INTO rollcall.checkpoints AS c (kind, name, commit_position, prepare_position, status) VALUES ($1, $2, $3, $4, 'running')
     ON CONFLICT (kind, name) DO UPDATE
       SET commit_position = excluded.commit_position, prepare_position = excluded.prepare_position,
           status = 'running', failure = NULL, updated_at = now()
     WHERE c.commit_position = $5 AND c.prepare_position = $6`,
    [kind, name, ...toStored(to), ...toStored(from)],
  );
  if (rowCount !== 1) throw new CheckpointMovedError({ kind, name });
};

/** Marks the row failed at `at`; `fenced` only while it still stands at `at` (false: the caller holds the lock and moved nothing). */
export const recordFailure = async <K extends FollowerKind>(
  db: Db,
  { kind, name }: CheckpointRef<K>,
  at: Position | undefined,
  failure: FollowerFailure<K>,
  fenced: boolean,
): Promise<void> => {
  const [commit, prepare] = toStored(at);
  await db.query(
    `INSERT INTO rollcall.checkpoints AS c (kind, name, commit_position, prepare_position, status, failure) VALUES ($1, $2, $3, $4, 'failed', $5)
     ON CONFLICT (kind, name) DO UPDATE SET status = 'failed', failure = excluded.failure, updated_at = now()
     WHERE NOT $6::boolean OR (c.commit_position = $3 AND c.prepare_position = $4)`,
    [kind, name, commit, prepare, JSON.stringify(failure), fenced],
  );
};

/** Marks a running follower stopped, if the row still says what it wrote. */
export const markStopped = async (db: Db, { kind, name }: CheckpointRef, at: Position | undefined): Promise<void> => {
  await db.query(
    `UPDATE rollcall.checkpoints SET status = 'stopped', updated_at = now()
      WHERE kind = $1 AND name = $2 AND commit_position = $3 AND prepare_position = $4 AND status = 'running'`,
    [kind, name, ...toStored(at)],
  );
};

/**
 * Puts the checkpoint at `to`, stopped, unfenced: for whoever holds the follower's lock in its
 * place (a rebuild swapping in new tables); the next follower to take the lock goes on from there.
 * Whoever sets it vouches for `to` in the log that follower reads, which stamps it as its own.
 */
export const setCheckpoint = async (db: Db, { kind, name }: CheckpointRef, to: Position | undefined): Promise<void> => {
  await db.query(
    `INSERT INTO rollcall.checkpoints (kind, name, commit_position, prepare_position, status) VALUES ($1, $2, $3, $4, 'stopped')
     ON CONFLICT (kind, name) DO UPDATE SET commit_position = excluded.commit_position, prepare_position = excluded.prepare_position,
       status = 'stopped', failure = NULL, store_kind = NULL, store_id = NULL, updated_at = now()`,
    [kind, name, ...toStored(to)],
  );
};
