import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { type SessionLock, releaseSessionLock, trySessionLock } from '../postgres/session-lock.js';
import type { AllSubscription, EventStore, RecordedEvent } from '../eventstore/event-store.js';
import { type Position, comparePositions, formatPosition } from '../eventstore/position.js';
import { batches } from './batches.js';
import { type Projection, versionOf } from './projection.js';
import { Quarantine } from './quarantine.js';
import { RebuildBusyError, ShadowApplyError, rebuildProjection } from './rebuild.js';
import { markSchemaVersion, readSchemaVersion } from './schema-version.js';
import { type OnUnstorable, warnUnstorable } from './stored-values.js';

/** Where runners announce each committed checkpoint, payload `<name>:<commit>/<prepare>`. */
export const PROJECTIONS_CHANNEL = 'rollcall_projections';

const DEFAULT_BATCH_SIZE = 1_000;
const DEFAULT_LOCK_RETRY_MS = 1_000;
/** After a read or connection error (not the projection's), the runner lets go and tries again this much later. */
const DEFAULT_RETRY_MS = 1_000;
// First key of the two-key advisory lock; the second is hashtext(name). Any fixed value
// works as long as every process uses it (the migration lock uses the one-key space).
export const LOCK_CLASS = 7_301_003;
/** "Nothing applied yet" in the checkpoint table, whose positions are NOT NULL. */
const NO_POSITION = -1n;

/** Read models of projection `name` live in schema `rm_<name>`. */
export const liveSchema = (name: string): string => `rm_${name}`;

const NAME = /^[a-z][a-z0-9_]{0,59}$/;

/** `rebuilding`: replacing live tables of an older version of the projection (see schema-version.ts). */
export type RunnerState = 'waiting_for_lock' | 'running' | 'rebuilding' | 'failed' | 'stopped';

/** Why a projection stopped: the event it could not apply and how far behind it stands. */
export interface ProjectionFailure {
  projection: string;
  /** The failing event; null when the projection failed before any event (in `setUp`). */
  eventId: string | null;
  type: string | null;
  streamId: string | null;
  position: string | null;
  error: string;
  /** The last applied position (formatted), null when nothing was applied. */
  checkpoint: string | null;
  lag: {
    /** The furthest position the runner had received from the store when it failed. */
    head: string | null;
    /** Events received after the checkpoint and not applied (at least the failing one). */
    events: number;
  };
  failedAt: string;
}

export interface RunnerStatus {
  name: string;
  state: RunnerState;
  /** The last applied position; undefined when nothing is applied yet (or not yet read). */
  position: Position | undefined;
  failure?: ProjectionFailure;
}

/** pino-shaped, so a fastify or pino logger fits. */
export interface RunnerLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

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

export interface Checkpoint {
  name: string;
  /** Undefined when nothing is applied yet. */
  position: Position | undefined;
  status: 'running' | 'stopped' | 'failed';
  failure: ProjectionFailure | null;
  updatedAt: Date;
}

interface CheckpointRow {
  name: string;
  commit_position: string;
  prepare_position: string;
  status: Checkpoint['status'];
  failure: ProjectionFailure | null;
  updated_at: Date;
}

export const readCheckpoint = async (pool: pg.Pool | pg.PoolClient, name: string): Promise<Checkpoint | undefined> => {
  const { rows } = await pool.query<CheckpointRow>(
    `SELECT name, commit_position, prepare_position, status, failure, updated_at
       FROM rollcall.projection_checkpoints WHERE name = $1`,
    [name],
  );
  const row = rows[0];
  if (!row) return undefined;
  const commit = BigInt(row.commit_position);
  return {
    name: row.name,
    position: commit === NO_POSITION ? undefined : { commit, prepare: BigInt(row.prepare_position) },
    status: row.status,
    failure: row.failure,
    updatedAt: row.updated_at,
  };
};

/** The checkpoint row no longer says what this runner last wrote: someone else owns the projection now. */
class CheckpointMovedError extends Error {
  constructor(name: string) {
    super(`The checkpoint of projection ${name} was moved by someone else`);
  }
}

/** An error of the projection while applying `event`, as opposed to the runner's own I/O. */
class ApplyError extends Error {
  constructor(readonly event: RecordedEvent, readonly reason: unknown) {
    super(reason instanceof Error ? reason.message : String(reason));
  }
}

/** The advisory lock's connection, held for as long as the runner owns the projection. */
type Lock = SessionLock;

/** What the runner holds while it owns the projection. */
interface Tenure {
  lock: Lock;
  subscription: AllSubscription;
  batches: AsyncGenerator<RecordedEvent[], void, undefined>;
  /** The furthest position received from the store. */
  head: Position | undefined;
  /** Received after the checkpoint and not applied yet. */
  unapplied: number;
  /** The events operators told this projection to skip. */
  quarantine: Quarantine;
}

type Outcome = 'stopped' | 'failed' | 'retry';
/** Live tables built by another version of the projection than this code's. */
type Mismatch = 'older' | 'newer';

const noLog: RunnerLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const toDb = (p: Position | undefined): [string, string] =>
  p ? [p.commit.toString(), p.prepare.toString()] : [NO_POSITION.toString(), NO_POSITION.toString()];

/**
 * Runs one projection: the one active runner of it across processes (advisory lock; the
 * others wait as hot standbys), applying events in batches, each batch in one transaction
 * with its checkpoint, so a crash never applies an event twice or skips one.
 */
export class ProjectionRunner {
  private readonly store: EventStore;
  private readonly pool: pg.Pool;
  private readonly projection: Projection;
  private readonly schema: string;
  private readonly batchSize: number;
  private readonly lockRetryMs: number;
  private readonly onFailure: ((failure: ProjectionFailure) => void) | undefined;
  private readonly log: RunnerLog;
  private readonly onUnstorable: OnUnstorable;
  private readonly progress = new EventEmitter();

  private state: RunnerState = 'stopped';
  private position: Position | undefined;
  private failure: ProjectionFailure | undefined;
  private starting: Promise<void> | undefined;
  private life: Promise<void> | undefined;
  private stopSignal: AbortController | undefined;

  constructor(options: ProjectionRunnerOptions) {
    if (!NAME.test(options.projection.name))
      throw new Error(`Projection name "${options.projection.name}" must match ${NAME} (it names a schema)`);
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
    this.store = options.store;
    this.pool = options.pool;
    this.projection = options.projection;
    this.schema = liveSchema(options.projection.name);
    this.batchSize = batchSize;
    this.lockRetryMs = options.lockRetryMs ?? DEFAULT_LOCK_RETRY_MS;
    this.onFailure = options.onFailure;
    this.log = options.log ?? noLog;
    this.onUnstorable = warnUnstorable(this.log, options.projection.name);
    this.progress.setMaxListeners(0);
  }

  get name(): string {
    return this.projection.name;
  }

  status(): RunnerStatus {
    return {
      name: this.name,
      state: this.state,
      position: this.position,
      ...(this.failure ? { failure: this.failure } : {}),
    };
  }

  /**
   * Takes the lock and starts applying, or starts waiting for the lock; resolves once
   * either is under way. Rejects when the projection cannot be set up (state `failed`).
   * A runner that failed at an event (and waits for its quarantine) starts over at once:
   * what made it fail may have been fixed.
   */
  start(): Promise<void> {
    if (this.starting) return this.starting;
    if (this.life && this.state !== 'failed') return Promise.resolve();
    this.starting = this.halt()
      .then(() => this.begin())
      .finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async begin(): Promise<void> {
    const stop = new AbortController();
    this.failure = undefined;
    let tenure: Tenure | undefined;
    const lock = await this.tryLock();
    if (lock) {
      let taken: Tenure | Mismatch;
      try {
        taken = await this.takeOver(lock);
      } catch (error) {
        await this.fail(undefined, error, undefined);
        await this.release(lock);
        throw error;
      }
      // Tables of another version: live() deals with them, in the background.
      if (typeof taken === 'string') await this.release(lock);
      else tenure = taken;
    } else {
      this.setState('waiting_for_lock');
    }
    this.stopSignal = stop;
    this.life = this.live(stop.signal, tenure).finally(() => (this.life = undefined));
  }

  /** Lets go: closes the subscription, waits for the batch in flight, releases the lock. */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    await this.halt();
    if (this.state !== 'failed') this.setState('stopped');
  }

  private async halt(): Promise<void> {
    this.stopSignal?.abort();
    await this.life;
  }

  /**
   * Resolves once everything up to `position` is applied (and committed); rejects when
   * the runner fails first, or after `timeoutMs`.
   */
  caughtUp(position: Position, { timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<void> {
    const reached = (): boolean => this.position !== undefined && comparePositions(this.position, position) >= 0;
    if (reached()) return Promise.resolve();
    if (this.failure) return Promise.reject(new Error(`Projection ${this.name} failed: ${this.failure.error}`));
    return new Promise((resolve, reject) => {
      const done = (error?: Error): void => {
        clearTimeout(timer);
        this.progress.off('checkpoint', onCheckpoint);
        this.progress.off('failure', onFailure);
        if (error) reject(error);
        else resolve();
      };
      const onCheckpoint = (): void => {
        if (reached()) done();
      };
      const onFailure = (failure: ProjectionFailure): void =>
        done(new Error(`Projection ${this.name} failed: ${failure.error}`));
      const timer = setTimeout(
        () => done(new Error(`Projection ${this.name} did not reach ${formatPosition(position)} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.progress.on('checkpoint', onCheckpoint);
      this.progress.on('failure', onFailure);
    });
  }

  private setState(state: RunnerState): void {
    if (this.state !== state) this.log.info({ projection: this.name, state }, `projection ${this.name}: ${state}`);
    this.state = state;
  }

  /** Owns the projection (or waits to) until stopped or failed. */
  private async live(stop: AbortSignal, first: Tenure | undefined): Promise<void> {
    let tenure = first;
    while (!stop.aborted) {
      if (!tenure) {
        this.setState('waiting_for_lock');
        const lock = await this.waitForLock(stop);
        if (!lock) break;
        let taken: Tenure | Mismatch;
        try {
          taken = await this.takeOver(lock);
        } catch (error) {
          await this.fail(undefined, error, undefined);
          await this.release(lock);
          return;
        }
        if (typeof taken === 'string') {
          await this.release(lock);
          await (taken === 'older' ? this.replaceOlderTables(stop) : this.leaveToNewerVersion(stop));
          continue;
        }
        tenure = taken;
      }
      const { subscription } = tenure;
      // Closing the subscription is what ends a wait for events, on stop or a lost lock.
      const close = (): void => void subscription.close().catch(() => undefined);
      stop.addEventListener('abort', close);
      tenure.lock.lost.addEventListener('abort', close);
      if (stop.aborted) close();
      // Hands the lock to a rebuild that is ready to swap; this runner then waits as a standby
      // and resumes from the checkpoint the swap leaves.
      const yieldToRebuild = setInterval(() => {
        this.swapRequested().then(
          (requested) => {
            if (requested) close();
          },
          () => undefined,
        );
      }, this.lockRetryMs);
      const outcome = await this.run(tenure, stop).finally(() => {
        clearInterval(yieldToRebuild);
        stop.removeEventListener('abort', close);
        tenure?.lock.lost.removeEventListener('abort', close);
      });
      await subscription.close().catch(() => undefined);
      if (outcome === 'stopped') await this.markStopped(tenure.lock.client);
      await this.release(tenure.lock);
      tenure = undefined;
      if (outcome === 'failed') await this.awaitQuarantine(stop);
      if (outcome === 'retry') await sleep(DEFAULT_RETRY_MS, undefined, { signal: stop }).catch(() => undefined);
    }
    if (this.state !== 'failed') this.setState('stopped');
  }

  /**
   * Stopped at an event it cannot apply, the runner waits until an operator quarantines it
   * (`rollcall admin projections quarantine`), then takes over again and skips it.
   */
  private async awaitQuarantine(stop: AbortSignal): Promise<void> {
    const eventId = this.failure?.eventId;
    while (eventId && !stop.aborted) {
      await sleep(this.lockRetryMs, undefined, { signal: stop }).catch(() => undefined);
      try {
        if ((await Quarantine.load(this.store, this.name)).has(eventId)) {
          this.log.info({ projection: this.name, eventId }, `projection ${this.name}: event ${eventId} is quarantined; resuming without it`);
          return;
        }
      } catch (error) {
        this.log.warn({ projection: this.name, err: error }, `projection ${this.name}: cannot read its quarantine`);
      }
    }
  }

  /**
   * Builds tables of this version aside from the first event and swaps them in, as an admin's
   * rebuild does; the old tables keep serving, as they were, until the swap. Another
   * process's runner that got there first rebuilds instead (this one then finds the shadow
   * busy and waits). Resolves to go on: either the new tables are live, or it is worth trying again.
   */
  private async replaceOlderTables(stop: AbortSignal): Promise<void> {
    this.setState('rebuilding');
    this.log.warn(
      { projection: this.name, version: versionOf(this.projection) },
      `projection ${this.name}: the live tables are of an older version; rebuilding them aside as version ${versionOf(this.projection)}`,
    );
    try {
      await rebuildProjection({ store: this.store, pool: this.pool, projection: this.projection, lockRetryMs: this.lockRetryMs, signal: stop, log: this.log });
    } catch (error) {
      if (stop.aborted) return;
      if (error instanceof ShadowApplyError && error.event) {
        await this.fail(error.event, error.cause, undefined);
        await this.awaitQuarantine(stop);
        return;
      }
      if (!(error instanceof RebuildBusyError)) this.log.warn({ projection: this.name, err: error }, `projection ${this.name}: ${message(error)}`);
      await sleep(error instanceof RebuildBusyError ? this.lockRetryMs : DEFAULT_RETRY_MS, undefined, { signal: stop }).catch(() => undefined);
    }
  }

  /** Tables of a newer version belong to newer code (a deploy under way): this runner must not touch them. */
  private async leaveToNewerVersion(stop: AbortSignal): Promise<void> {
    this.setState('waiting_for_lock');
    this.log.warn(
      { projection: this.name, version: versionOf(this.projection) },
      `projection ${this.name}: the live tables are of a newer version than this code's ${versionOf(this.projection)}; leaving them to a newer projector`,
    );
    await sleep(DEFAULT_RETRY_MS, undefined, { signal: stop }).catch(() => undefined);
  }

  private tryLock(): Promise<Lock | undefined> {
    return trySessionLock(this.pool, LOCK_CLASS, this.name, (error) =>
      this.log.warn({ projection: this.name, err: error }, `projection ${this.name}: lost its lock connection`),
    );
  }


  private async waitForLock(stop: AbortSignal): Promise<Lock | undefined> {
    while (!stop.aborted) {
      try {
        // A rebuild waiting to swap gets the lock first; taking it back would starve it.
        const lock = (await this.swapRequested()) ? undefined : await this.tryLock();
        if (lock && stop.aborted) await this.release(lock);
        else if (lock) return lock;
      } catch (error) {
        this.log.warn({ projection: this.name, err: error }, `projection ${this.name}: cannot ask for its lock`);
      }
      await sleep(this.lockRetryMs, undefined, { signal: stop }).catch(() => undefined);
    }
    return undefined;
  }

  /** Whether a rebuild of this projection has caught up and waits for the lock to swap. */
  private async swapRequested(): Promise<boolean> {
    const { rows } = await this.pool.query(
      "SELECT 1 FROM rollcall.projection_rebuilds WHERE projection = $1 AND purpose = 'rebuild' AND swap_requested_at IS NOT NULL",
      [this.name],
    );
    return rows.length > 0;
  }

  private release(lock: Lock): Promise<void> {
    return releaseSessionLock(lock, LOCK_CLASS, this.name);
  }

  /**
   * With the lock held: set up the read model, read the checkpoint and the quarantine,
   * subscribe after the checkpoint. Live tables of another version are left alone.
   */
  private async takeOver(lock: Lock): Promise<Tenure | Mismatch> {
    const { client } = lock;
    const version = versionOf(this.projection);
    await client.query('BEGIN');
    try {
      const built = await readSchemaVersion(client, this.schema);
      if (built !== undefined && built !== version) {
        await client.query('ROLLBACK');
        return built < version ? 'older' : 'newer';
      }
      if (built === undefined) {
        await client.query(`CREATE SCHEMA ${this.schema}`);
        await markSchemaVersion(client, this.schema, version);
      }
      await this.projection.setUp(client, this.schema);
      await client.query(
        `INSERT INTO rollcall.projection_checkpoints (name, commit_position, prepare_position, status)
         VALUES ($1, $2, $2, 'running')
         ON CONFLICT (name) DO UPDATE SET status = 'running', failure = NULL, updated_at = now()`,
        [this.name, NO_POSITION.toString()],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    const checkpoint = await readCheckpoint(client, this.name);
    const quarantine = await Quarantine.load(this.store, this.name);
    this.position = checkpoint?.position;
    this.failure = undefined;
    const subscription = this.store.subscribeToAll(this.position ? { after: this.position } : {});
    const tenure: Tenure = {
      lock,
      subscription,
      batches: batches(subscription[Symbol.asyncIterator](), this.batchSize),
      head: this.position,
      unapplied: 0,
      quarantine,
    };
    this.setState('running');
    return tenure;
  }

  private async run(tenure: Tenure, stop: AbortSignal): Promise<Outcome> {
    for (;;) {
      let next: IteratorResult<RecordedEvent[]>;
      try {
        next = await tenure.batches.next();
      } catch (error) {
        if (stop.aborted) return 'stopped';
        this.log.warn({ projection: this.name, err: error }, `projection ${this.name}: reading events failed`);
        return 'retry';
      }
      if (stop.aborted) return 'stopped';
      if (tenure.lock.lost.aborted || next.done) return 'retry';
      const batch = next.value;
      tenure.head = batch[batch.length - 1]!.position;
      tenure.unapplied += batch.length;
      const outcome = await this.applyBatch(tenure, batch);
      if (outcome) return outcome;
    }
  }

  /** Applies a batch whole, or event by event to pinpoint the one that fails; undefined to go on. */
  private async applyBatch(tenure: Tenure, batch: readonly RecordedEvent[]): Promise<Outcome | undefined> {
    try {
      await this.commit(tenure, batch);
      return undefined;
    } catch (error) {
      if (!(error instanceof ApplyError) || batch.length === 1) return this.handle(tenure, error);
    }
    // Which event of the batch failed is unknown: apply the good prefix one by one.
    for (const event of batch) {
      try {
        await this.commit(tenure, [event]);
      } catch (error) {
        return this.handle(tenure, error);
      }
    }
    return undefined;
  }

  private async handle(tenure: Tenure, error: unknown): Promise<Outcome> {
    if (error instanceof ApplyError) {
      await this.fail(error.event, error.reason, tenure);
      return 'failed';
    }
    // Not the projection's fault (a connection, a moved checkpoint): start over from the stored checkpoint.
    this.log.warn({ projection: this.name, err: error }, `projection ${this.name}: ${message(error)}; starting over`);
    return 'retry';
  }

  /** One transaction: the events' rows and the checkpoint after them; then the news. */
  private async commit(tenure: Tenure, events: readonly RecordedEvent[]): Promise<void> {
    const last = events[events.length - 1]!.position;
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const { apply, skipped } = tenure.quarantine.sift(events);
      for (const event of skipped)
        this.log.warn({ projection: this.name, eventId: event.id }, `projection ${this.name}: skipping quarantined event ${event.id} (${event.type})`);
      try {
        if (apply.length > 0) await this.projection.apply(client, this.schema, apply, this.onUnstorable);
      } catch (error) {
        await client.query('ROLLBACK');
        throw new ApplyError(events[0]!, error);
      }
      try {
        await this.moveCheckpoint(client, last);
        // Sent with the commit, so listeners hear of the rows exactly when they can read them,
        // at no extra commit (one runner per projection, so the notify queue is not contended).
        await client.query('SELECT pg_notify($1, $2)', [PROJECTIONS_CHANNEL, `${this.name}:${last.commit}/${last.prepare}`]);
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      await client.query('COMMIT');
      this.position = last;
      tenure.unapplied -= events.length;
      this.progress.emit('checkpoint', last);
    } catch (error) {
      if (!(error instanceof ApplyError) && !(error instanceof CheckpointMovedError)) broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Fenced by the position this runner believes is stored: if anyone else moved the
   * checkpoint (a second runner after a lost lock, an operator), nothing is committed.
   */
  private async moveCheckpoint(client: pg.PoolClient, to: Position): Promise<void> {
    const [commit, prepare] = toDb(to);
    const [fromCommit, fromPrepare] = toDb(this.position);
    const { rowCount } = await client.query(
      `INSERT INTO rollcall.projection_checkpoints AS c (name, commit_position, prepare_position, status)
       VALUES ($1, $2, $3, 'running')
       ON CONFLICT (name) DO UPDATE
         SET commit_position = excluded.commit_position, prepare_position = excluded.prepare_position,
             status = 'running', failure = NULL, updated_at = now()
       WHERE c.commit_position = $4 AND c.prepare_position = $5`,
      [this.name, commit, prepare, fromCommit, fromPrepare],
    );
    if (rowCount !== 1) throw new CheckpointMovedError(this.name);
  }

  private async fail(event: RecordedEvent | undefined, reason: unknown, tenure: Tenure | undefined): Promise<void> {
    const failure: ProjectionFailure = {
      projection: this.name,
      eventId: event?.id ?? null,
      type: event?.type ?? null,
      streamId: event?.streamId ?? null,
      position: event ? formatPosition(event.position) : null,
      error: message(reason),
      checkpoint: this.position ? formatPosition(this.position) : null,
      lag: { head: tenure?.head ? formatPosition(tenure.head) : null, events: tenure?.unapplied ?? 0 },
      failedAt: new Date().toISOString(),
    };
    this.failure = failure;
    this.setState('failed');
    this.log.error({ projection: this.name, failure }, `projection ${this.name} failed: ${failure.error}`);
    const [commit, prepare] = toDb(this.position);
    try {
      await this.pool.query(
        `INSERT INTO rollcall.projection_checkpoints AS c (name, commit_position, prepare_position, status, failure)
         VALUES ($1, $2, $3, 'failed', $4)
         ON CONFLICT (name) DO UPDATE SET status = 'failed', failure = excluded.failure, updated_at = now()
         WHERE $5 OR (c.commit_position = $2 AND c.prepare_position = $3)`,
        // Failing in setUp, nothing moved: the runner still holds the lock, no fence needed.
        [this.name, commit, prepare, JSON.stringify(failure), tenure === undefined],
      );
    } catch (error) {
      this.log.warn({ projection: this.name, err: error }, `projection ${this.name}: cannot record its failure`);
    }
    this.progress.emit('failure', failure);
    try {
      this.onFailure?.(failure);
    } catch (error) {
      this.log.warn({ projection: this.name, err: error }, `projection ${this.name}: onFailure threw`);
    }
  }

  private async markStopped(lock: pg.PoolClient): Promise<void> {
    const [commit, prepare] = toDb(this.position);
    await lock
      .query(
        `UPDATE rollcall.projection_checkpoints SET status = 'stopped', updated_at = now()
          WHERE name = $1 AND commit_position = $2 AND prepare_position = $3 AND status = 'running'`,
        [this.name, commit, prepare],
      )
      .catch(() => undefined);
  }
}
