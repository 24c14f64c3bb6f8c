import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { EventStore, RecordedEvent } from '../eventstore/event-store.js';
import type { Position } from '../eventstore/position.js';
import { type Checkpoint, type FailureDetails, type FollowerFailure, readCheckpoint as readFollowerCheckpoint } from '../log-follower/checkpoints.js';
import { type FollowerLog, messageOf, noLog } from '../log-follower/follower-log.js';
import { FollowsTheLog } from '../log-follower/follows-the-log.js';
import { HandlerError, type LetGo } from '../log-follower/handler.js';
import { type FollowerState, LogFollower } from '../log-follower/log-follower.js';
import { type Projection, versionOf } from './projection.js';
import { Quarantine } from './quarantine.js';
import { rebuildProjection } from './rebuild.js';
import { markSchemaVersion, readSchemaVersion } from './schema-version.js';
import { RebuildBusyError, ShadowApplyError } from './shadow-build.js';
import { type OnUnstorable, warnUnstorable } from './stored-values.js';

/** Where runners announce each committed checkpoint, payload `<name>:<commit>/<prepare>`. */
export const PROJECTIONS_CHANNEL = 'rollcall_projections';

const DEFAULT_LOCK_RETRY_MS = 1_000;
/** After an error that is not the projection's (a rebuild that could not run), the runner tries again this much later. */
const RETRY_MS = 1_000;

/** Read models of projection `name` live in schema `rm_<name>`. */
export const liveSchema = (name: string): string => `rm_${name}`;

const NAME = /^[a-z][a-z0-9_]{0,59}$/;

/** `rebuilding`: replacing live tables of an older version of the projection (see schema-version.ts). */
export type RunnerState = FollowerState | 'rebuilding';

/** Why a projection stopped: the event it could not apply and how far behind it stands. */
export type ProjectionFailure = FollowerFailure<'projection'>;

export interface RunnerStatus {
  name: string;
  state: RunnerState;
  /** The last applied position; undefined when nothing is applied yet (or not yet read). */
  position: Position | undefined;
  failure?: ProjectionFailure;
}

/** The runner logs as its follower does. */
export type RunnerLog = FollowerLog;

export interface ProjectionRunnerOptions {
  store: EventStore;
  pool: pg.Pool;
  projection: Projection;
  /** Most events applied in one transaction (default 1,000). */
  batchSize?: number;
  onFailure?: (failure: ProjectionFailure) => void;
  log?: RunnerLog;
  /** How often a runner without the lock asks for it again (default 1 s). */
  lockRetryMs?: number;
}

/** Where projection `name` stands, as the projections query, the CLI and the live feed read it. */
export const readCheckpoint = (db: pg.Pool | pg.PoolClient, name: string): Promise<Checkpoint<'projection'> | undefined> =>
  readFollowerCheckpoint(db, { kind: 'projection', name });

/**
 * Runs one projection as a log follower (src/log-follower/): one active runner per projection
 * across processes, the others hot standbys, each batch's rows committed with its checkpoint
 * and its NOTIFY. What the runner adds: the read model's schema and version (tables of an
 * older version are rebuilt aside and swapped in, a newer version's are left alone), the
 * operators' quarantine, and handing its lock to a rebuild that is ready to swap.
 */
export class ProjectionRunner extends FollowsTheLog<'projection'> {
  private readonly store: EventStore;
  private readonly pool: pg.Pool;
  private readonly projection: Projection;
  private readonly schema: string;
  private readonly lockRetryMs: number;
  private readonly log: RunnerLog;
  private readonly onUnstorable: OnUnstorable;
  protected readonly follower: LogFollower<'projection'>;
  /** The events operators told this projection to skip, loaded each time the runner takes over. */
  private quarantine: Quarantine | undefined;
  private rebuilding = false;

  constructor(options: ProjectionRunnerOptions) {
    super();
    const { name } = options.projection;
    if (!NAME.test(name)) throw new Error(`Projection name "${name}" must match ${NAME} (it names a schema)`);
    this.store = options.store;
    this.pool = options.pool;
    this.projection = options.projection;
    this.schema = liveSchema(name);
    this.lockRetryMs = options.lockRetryMs ?? DEFAULT_LOCK_RETRY_MS;
    this.log = options.log ?? noLog;
    this.onUnstorable = warnUnstorable(this.log, name);
    this.follower = new LogFollower({
      kind: 'projection',
      name,
      store: options.store,
      pool: options.pool,
      announce: PROJECTIONS_CHANNEL,
      lockRetryMs: this.lockRetryMs,
      log: this.log,
      batchSize: options.batchSize,
      onFailure: options.onFailure,
      handler: {
        open: (lock) => this.open(lock),
        apply: (client, events) => this.apply(client, events),
        lockWanted: () => this.swapRequested(),
        resumeAfter: (failure, signal) => this.awaitQuarantine(failure, signal),
      },
    });
  }

  get name(): string {
    return this.projection.name;
  }

  status(): RunnerStatus {
    const { state, position, failure } = this.follower.status();
    return { name: this.name, state: this.rebuilding ? 'rebuilding' : state, position, ...(failure ? { failure } : {}) };
  }

  /**
   * With the lock held: set up the read model and load the quarantine. Live tables of another
   * version are left alone: the lock goes back while older ones are rebuilt aside, or newer
   * code takes over. Whatever fails here stops the runner, as a failure before any event.
   */
  private async open(lock: pg.PoolClient): Promise<LetGo | undefined> {
    const version = versionOf(this.projection);
    try {
      await lock.query('BEGIN');
      const built = await readSchemaVersion(lock, this.schema);
      if (built !== undefined && built !== version) {
        await lock.query('ROLLBACK');
        return built < version ? { letGo: (stop) => this.replaceOlderTables(stop) } : { letGo: (stop) => this.leaveToNewerVersion(stop) };
      }
      if (built === undefined) {
        await lock.query(`CREATE SCHEMA ${this.schema}`);
        await markSchemaVersion(lock, this.schema, version);
      }
      await this.projection.setUp(lock, this.schema);
      await lock.query('COMMIT');
      this.quarantine = await Quarantine.load(this.store, this.name);
      return undefined;
    } catch (error) {
      await lock.query('ROLLBACK').catch(() => undefined);
      throw new HandlerError(undefined, error);
    }
  }

  private async apply(client: pg.PoolClient, events: readonly RecordedEvent[]): Promise<void> {
    const { apply, skipped } = this.quarantine!.sift(events);
    for (const event of skipped)
      this.log.warn({ projection: this.name, eventId: event.id }, `projection ${this.name}: skipping quarantined event ${event.id} (${event.type})`);
    if (apply.length > 0) await this.projection.apply(client, this.schema, apply, this.onUnstorable);
  }

  /**
   * Stopped at an event it cannot apply, the runner waits until an operator quarantines it
   * (`rollcall admin projections quarantine`), then takes over again and skips it.
   */
  private async awaitQuarantine({ eventId }: FailureDetails, stop: AbortSignal): Promise<boolean> {
    while (eventId && !stop.aborted) {
      await sleep(this.lockRetryMs, undefined, { signal: stop }).catch(() => undefined);
      try {
        if (!stop.aborted && (await Quarantine.load(this.store, this.name)).has(eventId)) {
          this.log.info({ projection: this.name, eventId }, `projection ${this.name}: event ${eventId} is quarantined; resuming without it`);
          return true;
        }
      } catch (error) {
        this.log.warn({ projection: this.name, err: error }, `projection ${this.name}: cannot read its quarantine`);
      }
    }
    return false;
  }

  /**
   * Builds tables of this version aside from the first event and swaps them in, as an admin's
   * rebuild does; the old tables keep serving, as they were, until the swap. Another
   * process's runner that got there first rebuilds instead (this one then finds the shadow
   * busy and waits). Resolves to go on: either the new tables are live, or it is worth trying again.
   */
  private async replaceOlderTables(stop: AbortSignal): Promise<void> {
    const version = versionOf(this.projection);
    this.rebuilding = true;
    this.log.info({ projection: this.name, state: 'rebuilding' }, `projection ${this.name}: rebuilding`);
    this.log.warn(
      { projection: this.name, version },
      `projection ${this.name}: the live tables are of an older version; rebuilding them aside as version ${version}`,
    );
    try {
      await rebuildProjection({
        store: this.store,
        pool: this.pool,
        projection: this.projection,
        lockRetryMs: this.lockRetryMs,
        signal: stop,
        log: this.log,
      });
    } catch (error) {
      if (stop.aborted) return;
      if (error instanceof ShadowApplyError && error.event) throw new HandlerError(error.event, error.cause);
      if (!(error instanceof RebuildBusyError)) this.log.warn({ projection: this.name, err: error }, `projection ${this.name}: ${messageOf(error)}`);
      await sleep(error instanceof RebuildBusyError ? this.lockRetryMs : RETRY_MS, undefined, { signal: stop }).catch(() => undefined);
    } finally {
      this.rebuilding = false;
    }
  }

  /** Tables of a newer version belong to newer code (a deploy under way): this runner must not touch them. */
  private async leaveToNewerVersion(stop: AbortSignal): Promise<void> {
    this.log.warn(
      { projection: this.name, version: versionOf(this.projection) },
      `projection ${this.name}: the live tables are of a newer version than this code's ${versionOf(this.projection)}; leaving them to a newer projector`,
    );
    await sleep(RETRY_MS, undefined, { signal: stop }).catch(() => undefined);
  }

  /** Whether a rebuild of this projection has caught up and waits for the lock to swap. */
  private async swapRequested(): Promise<boolean> {
    const { rows } = await this.pool.query(
      "SELECT 1 FROM rollcall.projection_rebuilds WHERE projection = $1 AND purpose = 'rebuild' AND swap_requested_at IS NOT NULL",
      [this.name],
    );
    return rows.length > 0;
  }
}
