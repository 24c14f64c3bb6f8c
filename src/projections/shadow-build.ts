// Over 300 lines on purpose: ShadowBuild's resumable batches, its one pass for several shadows and its tail inside the swap share one connection and one checkpoint row, and that class is most of the file.
/**
 * A projection's tables built aside from the first event, for a rebuild's swap or a
 * verification, with what describes such a build: its schemas, progress, errors, and the builds
 * in progress.
 */
import type pg from 'pg';
import type { EventStore, RecordedEvent } from '../eventstore/event-store.js';
import { type Position, comparePositions, formatPosition } from '../eventstore/position.js';
import { fromStored, toStored } from '../log-follower/checkpoints.js';
import { eventsAfter } from '../log-follower/lag.js';
import { ADVISORY_LOCK_CLASS } from '../postgres/advisory-locks.js';
import { advisoryUnlock, tryAdvisoryLock } from '../postgres/session-lock.js';
import { type Projection, versionOf } from './projection.js';
import { Quarantine } from './quarantine.js';
import { type RunnerLog, liveSchema } from './runner.js';
import { markSchemaVersion, readSchemaVersion } from './schema-version.js';
import { type OnUnstorable, ignoreUnstorable, warnUnstorable } from './stored-values.js';

/** One builder per shadow schema, so a second rebuild (or verification) of a projection is refused, not interleaved. */
const SHADOW_LOCK_CLASS = ADVISORY_LOCK_CLASS.shadowSchema;
const DEFAULT_BATCH_SIZE = 1_000;
const DEFAULT_PAGE_SIZE = 5_000;

/** A page read from the log, and the part of it up to the limit. */
interface Page {
  page: RecordedEvent[];
  events: RecordedEvent[];
}
const NAME = /^[a-z][a-z0-9_]{0,59}$/;
/** PostgreSQL cuts longer identifiers silently, which would make two schemas one. */
const MAX_IDENTIFIER = 63;

/** Where a rebuild builds projection `name` before the swap. */
export const rebuildSchema = (name: string): string => `${liveSchema(name)}__rebuild`;
/** Where a verification builds projection `name` to compare it with the live tables. */
export const verifySchema = (name: string): string => `${liveSchema(name)}__verify`;
/** Where a swap puts the live tables it replaces, until the queries reading them are done. */
export const retiredSchema = (name: string): string => `${liveSchema(name)}__old`;

export type RebuildPhase = 'building' | 'waiting_for_lock' | 'swapping' | 'comparing' | 'done';

export interface RebuildProgress {
  projection: string;
  phase: RebuildPhase;
  /** Events applied to the shadow tables so far, those of an interrupted run it resumed included. */
  applied: number;
  /** `applied` plus the events stored after `position`; undefined when the store cannot count cheaply. */
  total: number | undefined;
  /** The last position applied to the shadow tables. */
  position: Position | undefined;
}

export interface ShadowBuildOptions {
  store: EventStore;
  /** The read models' database (and, on the embedded default, the events'). */
  pool: pg.Pool;
  projection: Projection;
  onProgress?: (progress: RebuildProgress) => void;
  /** Most events applied in one transaction (default 1,000). */
  batchSize?: number;
  /** Events asked of `store.readAll` at once (default 5,000). */
  pageSize?: number;
  /** Stops between batches; what was committed stays and a rebuild resumes from it. */
  signal?: AbortSignal;
  /** Where values the projection cannot store are reported (default: nowhere; the live runner reported them already). */
  log?: RunnerLog;
}

/** Where an interrupted build had got to, when a build carried it on. */
export interface Resumed {
  position: Position | undefined;
  applied: number;
}

/** Another rebuild (or verification) of the projection holds its shadow schema. */
export class RebuildBusyError extends Error {
  override readonly name = 'RebuildBusyError';
}

/** The projection threw while applying events to the shadow; `event` is the one, when the batch was a single event. */
export class ShadowApplyError extends Error {
  override readonly name = 'ShadowApplyError';
  readonly event: RecordedEvent | undefined;

  constructor(
    readonly projection: string,
    events: readonly RecordedEvent[],
    cause: unknown,
  ) {
    const [first, last] = [events[0]!, events[events.length - 1]!];
    const what =
      events.length === 1
        ? `event ${first.id} (${first.type}) at ${formatPosition(first.position)}`
        : `the events at ${formatPosition(first.position)}..${formatPosition(last.position)}`;
    super(`Projection ${projection} cannot apply ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.event = events.length === 1 ? first : undefined;
  }
}

interface RebuildRow {
  commit_position: string;
  prepare_position: string;
  applied: string;
}
/**
 * Read models built from position 0 into a schema of their own, on one connection that
 * holds the shadow's lock for as long as the build runs. Each batch commits with the
 * build's checkpoint in rollcall.projection_rebuilds, so a build killed half-way carries
 * on from its last batch; the live tables are never touched until the swap.
 */
export class ShadowBuild {
  position: Position | undefined;
  applied: number;
  private total: number | undefined;
  private readonly batchSize: number;
  private readonly pageSize: number;
  private readonly onUnstorable: OnUnstorable;

  private constructor(
    private readonly options: ShadowBuildOptions,
    readonly client: pg.PoolClient,
    readonly schema: string,
    private readonly quarantine: Quarantine,
    start: { position: Position | undefined; applied: number },
    readonly resumed: Resumed | undefined,
  ) {
    this.position = start.position;
    this.applied = start.applied;
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.onUnstorable = options.log ? warnUnstorable(options.log, options.projection.name) : ignoreUnstorable;
  }

  get projection(): Projection {
    return this.options.projection;
  }

  /**
   * Takes the shadow's lock and either carries on the build a killed run left (when
   * `resume`, its checkpoint row and its schema of this version are both there) or starts
   * afresh: the schema dropped, created with this version, set up, its checkpoint at
   * "nothing applied", in one transaction. Quarantined events are skipped as the live runner skips them.
   */
  static async open(options: ShadowBuildOptions, purpose: 'rebuild' | 'verify', resume: boolean): Promise<ShadowBuild> {
    const { name } = options.projection;
    if (!NAME.test(name)) throw new Error(`Projection name "${name}" must match ${NAME} (it names a schema)`);
    const schema = purpose === 'rebuild' ? rebuildSchema(name) : verifySchema(name);
    if (schema.length > MAX_IDENTIFIER || retiredSchema(name).length > MAX_IDENTIFIER)
      throw new Error(`Projection name "${name}" is too long to name its ${purpose} schema`);
    for (const key of ['batchSize', 'pageSize'] as const) {
      const value = options[key];
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new RangeError(`${key} must be a positive integer`);
    }
    const quarantine = await Quarantine.load(options.store, name);
    const client = await options.pool.connect();
    // Without a listener a dropped connection would end the process; the next query reports it instead.
    client.on('error', () => undefined);
    try {
      if (!(await tryAdvisoryLock(client, SHADOW_LOCK_CLASS, schema)))
        throw new RebuildBusyError(`A ${purpose} of projection ${name} is already running (it holds ${schema})`);
      const { rows } = await client.query<RebuildRow>(
        'SELECT commit_position, prepare_position, applied FROM rollcall.projection_rebuilds WHERE target = $1',
        [schema],
      );
      const row = rows[0];
      if (resume && row && (await readSchemaVersion(client, schema)) === versionOf(options.projection)) {
        const start = { position: fromStored(row.commit_position, row.prepare_position), applied: Number(row.applied) };
        return new ShadowBuild(options, client, schema, quarantine, start, start);
      }
      await client.query('BEGIN');
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.query(`CREATE SCHEMA ${schema}`);
        await markSchemaVersion(client, schema, versionOf(options.projection));
        await options.projection.setUp(client, schema);
        await client.query(
          `INSERT INTO rollcall.projection_rebuilds (target, projection, purpose, commit_position, prepare_position)
           VALUES ($1, $2, $3, $4, $4)
           ON CONFLICT (target) DO UPDATE SET purpose = excluded.purpose, commit_position = excluded.commit_position,
             prepare_position = excluded.prepare_position, applied = 0, started_at = now(), updated_at = now()`,
          [schema, name, purpose, toStored(undefined)[0]],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      return new ShadowBuild(options, client, schema, quarantine, { position: undefined, applied: 0 }, undefined);
    } catch (error) {
      // Destroying the connection also ends its session locks.
      client.release(error as Error);
      throw error;
    }
  }

  /**
   * Builds several shadows from one pass over the log: each page goes to every shadow (the
   * part after its own position), so a full rebuild parses each event once, not once per
   * projection, and the shadows write on their own connections side by side.
   */
  static async applyAllTogether(shadows: readonly ShadowBuild[]): Promise<void> {
    const [first] = shadows;
    if (!first) return;
    await Promise.all(shadows.map((shadow) => shadow.countRemaining()));
    const positions = shadows.map((shadow) => shadow.position);
    const start = positions.includes(undefined) ? undefined : positions.reduce((a, b) => (comparePositions(a!, b!) <= 0 ? a : b));
    let next: Promise<Page> | undefined = first.nextPage(undefined, start);
    while (next) {
      const { page }: Page = await next;
      next = page.length < first.pageSize ? undefined : first.nextPage(undefined, page[page.length - 1]!.position);
      next?.catch(() => undefined); // awaited on the next turn; a failure there is handled then
      await Promise.all(
        shadows.map(async (shadow) => {
          const mine = shadow.position ? page.filter((e) => comparePositions(e.position, shadow.position!) > 0) : page;
          for (let i = 0; i < mine.length; i += shadow.batchSize) {
            shadow.options.signal?.throwIfAborted();
            await shadow.commitBatch(mine.slice(i, i + shadow.batchSize));
            shadow.report('building');
          }
        }),
      );
    }
  }

  /**
   * Applies everything the store holds after the shadow's position (up to `limit` when
   * given), a transaction per batch with the build's checkpoint.
   */
  async applyAll(limit?: Position): Promise<void> {
    await this.countRemaining();
    let next: Promise<Page> | undefined = this.nextPage(limit, this.position);
    while (next) {
      const { page, events }: Page = await next;
      // The next page is read while this one is applied: reading and writing use different
      // connections, so the database and Node work side by side.
      next = events.length === 0 || events.length < page.length ? undefined : this.nextPage(limit, page[page.length - 1]!.position);
      next?.catch(() => undefined); // awaited on the next turn; a failure there is handled then
      for (let i = 0; i < events.length; i += this.batchSize) {
        this.options.signal?.throwIfAborted();
        await this.commitBatch(events.slice(i, i + this.batchSize));
        this.report('building');
      }
    }
  }

  /**
   * Applies everything after the shadow's position inside the caller's transaction,
   * without moving the build's checkpoint (the caller commits or rolls back the lot).
   */
  async applyTail(): Promise<void> {
    for (;;) {
      const { events } = await this.nextPage(undefined, this.position);
      if (events.length === 0) return;
      for (let i = 0; i < events.length; i += this.batchSize) await this.applyBatch(events.slice(i, i + this.batchSize));
    }
  }

  report(phase: RebuildPhase): void {
    const total = this.total === undefined ? undefined : Math.max(this.total, this.applied);
    this.options.onProgress?.({ projection: this.projection.name, phase, applied: this.applied, total, position: this.position });
  }

  /** Drops the shadow schema and its checkpoint row. */
  async discard(): Promise<void> {
    await this.client.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
    await this.forget();
  }

  async forget(): Promise<void> {
    await this.client.query('DELETE FROM rollcall.projection_rebuilds WHERE target = $1', [this.schema]);
  }

  /** Lets go of the shadow's lock and the connection. */
  async close(): Promise<void> {
    try {
      await this.client.query('ROLLBACK').catch(() => undefined);
      await advisoryUnlock(this.client, SHADOW_LOCK_CLASS, this.schema);
      this.client.release();
    } catch (error) {
      this.client.release(error as Error);
    }
  }

  private async nextPage(limit: Position | undefined, after: Position | undefined): Promise<Page> {
    this.options.signal?.throwIfAborted();
    const page = await this.options.store.readAll({ maxCount: this.pageSize, ...(after ? { after } : {}) });
    const events = limit ? page.filter((e) => comparePositions(e.position, limit) <= 0) : page;
    return { page, events };
  }

  private async applyBatch(events: readonly RecordedEvent[]): Promise<void> {
    const { apply } = this.quarantine.sift(events);
    try {
      if (apply.length > 0) await this.projection.apply(this.client, this.schema, apply, this.onUnstorable);
    } catch (error) {
      throw new ShadowApplyError(this.projection.name, events, error);
    }
    this.position = events[events.length - 1]!.position;
    this.applied += events.length;
  }

  /** Commits a batch, or, when the projection fails on it, the good prefix event by event, to name the event it fails on. */
  private async commitBatch(events: readonly RecordedEvent[]): Promise<void> {
    try {
      await this.commitEvents(events);
    } catch (error) {
      if (!(error instanceof ShadowApplyError) || events.length === 1) throw error;
      for (const event of events) await this.commitEvents([event]);
    }
  }

  private async commitEvents(events: readonly RecordedEvent[]): Promise<void> {
    const before = { position: this.position, applied: this.applied };
    await this.client.query('BEGIN');
    try {
      await this.applyBatch(events);
      const [commit, prepare] = toStored(this.position);
      const [fromCommit, fromPrepare] = toStored(before.position);
      const { rowCount } = await this.client.query(
        `UPDATE rollcall.projection_rebuilds
            SET commit_position = $2, prepare_position = $3, applied = applied + $4, updated_at = now()
          WHERE target = $1 AND commit_position = $5 AND prepare_position = $6`,
        [this.schema, commit, prepare, events.length, fromCommit, fromPrepare],
      );
      // Only reachable if someone edits the row by hand: the shadow lock keeps other builders out.
      if (rowCount !== 1) throw new Error(`The checkpoint of ${this.schema} was moved by someone else`);
      await this.client.query('COMMIT');
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      this.position = before.position;
      this.applied = before.applied;
      throw error;
    }
  }

  /** The PostgreSQL store can count what is left; for EventStoreDB the total stays unknown. */
  private async countRemaining(): Promise<void> {
    if (this.options.store.kind !== 'postgres') return;
    this.total = this.applied + (await eventsAfter(this.client, this.position));
  }
}

/** Rebuilds and verifications in progress, by shadow schema. */
export interface ShadowStatus {
  target: string;
  projection: string;
  purpose: 'rebuild' | 'verify';
  position: Position | undefined;
  applied: number;
  startedAt: Date;
  updatedAt: Date;
}

export const readShadowBuilds = async (pool: pg.Pool): Promise<ShadowStatus[]> => {
  const { rows } = await pool.query<
    RebuildRow & { target: string; projection: string; purpose: ShadowStatus['purpose']; started_at: Date; updated_at: Date }
  >(
    `SELECT target, projection, purpose, commit_position, prepare_position, applied, started_at, updated_at
       FROM rollcall.projection_rebuilds ORDER BY target`,
  );
  return rows.map((row) => ({
    target: row.target,
    projection: row.projection,
    purpose: row.purpose,
    position: fromStored(row.commit_position, row.prepare_position),
    applied: Number(row.applied),
    startedAt: row.started_at,
    updatedAt: row.updated_at,
  }));
};
