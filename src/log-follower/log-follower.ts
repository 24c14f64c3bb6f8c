// Over 300 lines on purpose: the lock, the fenced checkpoint and the event-by-event pinpointing of a failed batch share one tenure's state; their parts already live in tenure.ts, checkpoints.ts and progress.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { EventStore } from '../eventstore/event-store.js';
import { type Position, formatPosition } from '../eventstore/position.js';
import { ADVISORY_LOCK_CLASS } from '../postgres/advisory-locks.js';
import { type SessionLock, releaseSessionLock, trySessionLock } from '../postgres/session-lock.js';
import {
  type CheckpointRef,
  type FailureDetails,
  type FollowerFailure,
  type FollowerKind,
  StoreMismatchError,
  assertSameStore,
  claimCheckpoint,
  markStopped,
  recordFailure,
} from './checkpoints.js';
import { type FollowerLog, messageOf, noLog } from './follower-log.js';
import { HandlerError, type LetGo, type LogHandler } from './handler.js';
import { Progress } from './progress.js';
import { Tenure, type TenureContext, type TenureEnd } from './tenure.js';

const DEFAULT_BATCH_SIZE = 1_000;
const DEFAULT_LOCK_RETRY_MS = 1_000;
const DEFAULT_RETRY_MS = 1_000;
const DEFAULT_TIMEOUT_MS = 30_000;

export type FollowerState = 'waiting_for_lock' | 'running' | 'failed' | 'stopped';

export interface LogFollowerOptions<K extends FollowerKind> {
  kind: K;
  /** With `kind`, names the checkpoint and the lock: followers of one kind and name share them, one active at a time. */
  name: string;
  store: EventStore;
  pool: pg.Pool;
  handler: LogHandler;
  /** Most events handed over at once (default 1,000). */
  batchSize?: number;
  /** How often a standby asks for the lock (default 1 s). */
  lockRetryMs?: number;
  /** The pause before taking over again after a tenure ended, by how many ended in an error in a row (default 1 s). */
  retryDelayMs?: (errors: number) => number;
  /** A NOTIFY channel each checkpoint is announced on as it commits, payload `<name>:<commit>/<prepare>`. */
  announce?: string;
  log?: FollowerLog;
  onFailure?: (failure: FollowerFailure<K>) => void;
}

export interface FollowerStatus<K extends FollowerKind> {
  kind: K;
  name: string;
  state: FollowerState;
  /** The last handled position; undefined when nothing is handled yet (or not yet read). */
  position: Position | undefined;
  failure?: FollowerFailure<K>;
}

/** What taking the lock led to: a tenure, a reason to let it go for a while, or a handler that cannot open. */
type Step = Tenure | LetGo | HandlerError;

/**
 * Follows the event log from a checkpoint, as one active follower per kind and name across
 * processes: it takes a session advisory lock or waits for it as a hot standby, subscribes
 * after its checkpoint, hands batches to its handler and moves the checkpoint, fenced by the
 * position it last wrote, with the handler's rows or after the handler resolved (handler.ts).
 * A handler that fails at an event stops it there, recorded and shown, until `resumeAfter`.
 */
export class LogFollower<K extends FollowerKind> {
  readonly kind: K;
  readonly name: string;
  private readonly ref: CheckpointRef<K>;
  private readonly pool: pg.Pool;
  private readonly handler: LogHandler;
  private readonly lockRetryMs: number;
  private readonly retryDelayMs: (errors: number) => number;
  private readonly onFailure: ((failure: FollowerFailure<K>) => void) | undefined;
  private readonly log: FollowerLog;
  private readonly context: TenureContext;
  private readonly progress: Progress<FollowerFailure<K>>;

  private state: FollowerState = 'stopped';
  private starting: Promise<void> | undefined;
  private life: Promise<void> | undefined;
  private stopSignal: AbortController | undefined;

  constructor(options: LogFollowerOptions<K>) {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
    this.kind = options.kind;
    this.name = options.name;
    this.ref = { kind: options.kind, name: options.name };
    this.pool = options.pool;
    this.handler = options.handler;
    this.lockRetryMs = options.lockRetryMs ?? DEFAULT_LOCK_RETRY_MS;
    this.retryDelayMs = options.retryDelayMs ?? (() => DEFAULT_RETRY_MS);
    this.onFailure = options.onFailure;
    this.log = options.log ?? noLog;
    const label = `${options.kind} ${options.name}`;
    this.progress = new Progress(label.charAt(0).toUpperCase() + label.slice(1));
    this.context = {
      ref: this.ref,
      store: options.store,
      pool: options.pool,
      handler: options.handler,
      batchSize,
      announce: options.announce,
      log: this.log,
      label,
      details: { [options.kind]: options.name },
      onMoved: (to) => this.progress.moved(to),
    };
  }

  status(): FollowerStatus<K> {
    const { position, failure } = this.progress;
    return { kind: this.kind, name: this.name, state: this.state, position, ...(failure ? { failure } : {}) };
  }

  /**
   * Takes the lock and starts following, or starts waiting for the lock; resolves once either
   * is under way. Rejects when the handler cannot open (state `failed`). A follower that
   * failed at an event (and waits to resume) starts over at once: the cause may be fixed.
   */
  start(): Promise<void> {
    if (this.starting) return this.starting;
    if (this.life && this.state !== 'failed') return Promise.resolve();
    this.starting = this.halt()
      .then(() => this.begin())
      .finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** Lets go: closes the subscription, waits for the batch in flight, releases the lock. */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    await this.halt();
    if (this.state !== 'failed') this.setState('stopped');
  }

  /** Resolves once everything up to `position` is handled and its checkpoint committed; rejects when the follower fails first, or after `timeoutMs`. */
  caughtUp(position: Position, { timeoutMs = DEFAULT_TIMEOUT_MS }: { timeoutMs?: number } = {}): Promise<void> {
    return this.progress.caughtUp(position, timeoutMs);
  }

  private async begin(): Promise<void> {
    const stop = new AbortController();
    this.progress.failure = undefined;
    let first: Step | undefined;
    try {
      first = await this.attempt(stop.signal);
    } catch (error) {
      this.warn(error, 'cannot take its lock');
    }
    if (first instanceof HandlerError) {
      await this.fail(first, undefined);
      throw first.reason;
    }
    if (!(first instanceof Tenure)) this.setState('waiting_for_lock');
    this.stopSignal = stop;
    this.life = this.live(stop.signal, first).finally(() => (this.life = undefined));
  }

  private async halt(): Promise<void> {
    this.stopSignal?.abort();
    await this.life;
  }

  /** Follows (or waits to) until stopped, or failed for good. */
  private async live(stop: AbortSignal, first: Step | undefined): Promise<void> {
    let step = first;
    let errors = 0;
    while (!stop.aborted) {
      step ??= await this.waitForLock(stop);
      if (!step) break;
      const end = await this.run(step, stop);
      step = undefined;
      if (end === 'stopped') break;
      if (end instanceof HandlerError) {
        if (!(await this.resume(stop))) return;
        continue;
      }
      if (end === 'let_go') continue;
      errors = end === 'error' ? errors + 1 : 0;
      await sleep(this.retryDelayMs(Math.max(errors - 1, 0)), undefined, { signal: stop }).catch(() => undefined);
    }
    if (this.state !== 'failed') this.setState('stopped');
  }

  private async run(step: Step, stop: AbortSignal): Promise<TenureEnd | 'let_go'> {
    if (step instanceof Tenure) return this.hold(step);
    if (step instanceof HandlerError) {
      await this.fail(step, undefined);
      return step;
    }
    try {
      await step.letGo(stop);
      return 'let_go';
    } catch (error) {
      if (error instanceof HandlerError) {
        await this.fail(error, undefined);
        return error;
      }
      if (!stop.aborted) this.warn(error, 'starting over');
      return 'error';
    }
  }

  private async resume(stop: AbortSignal): Promise<boolean> {
    const { failure } = this.progress;
    if (!failure || !this.handler.resumeAfter) return false;
    return this.handler.resumeAfter(failure, stop).catch(() => false);
  }

  private async waitForLock(stop: AbortSignal): Promise<Step | undefined> {
    this.setState('waiting_for_lock');
    while (!stop.aborted) {
      try {
        const step = await this.attempt(stop);
        if (step) return step;
      } catch (error) {
        this.warn(error, 'cannot take its lock');
      }
      await sleep(this.lockRetryMs, undefined, { signal: stop }).catch(() => undefined);
    }
    return undefined;
  }

  /** One try: undefined while someone else holds the lock or wants it; the lock stays held for a tenure only. */
  private async attempt(stop: AbortSignal): Promise<Step | undefined> {
    if (await this.handler.lockWanted?.()) return undefined;
    const lock = await trySessionLock(this.pool, ADVISORY_LOCK_CLASS[this.kind], this.name, (error) =>
      this.warn(error, 'lost its lock connection'),
    );
    if (!lock) return undefined;
    let step: Step | undefined;
    try {
      step = stop.aborted ? undefined : await this.takeOver(lock, stop);
    } finally {
      if (!(step instanceof Tenure)) await this.release(lock);
    }
    return step;
  }

  /** With the lock held: check the checkpoint is of this store's log, open the handler, claim the checkpoint, subscribe after it. */
  private async takeOver(lock: SessionLock, stop: AbortSignal): Promise<Step> {
    const store = await this.context.store.identity();
    try {
      await assertSameStore(lock.client, this.ref, store);
    } catch (error) {
      // Recorded and shown like a handler's failure: nothing will change until an operator acts.
      if (error instanceof StoreMismatchError) return new HandlerError(undefined, error);
      throw error;
    }
    const yielded = new AbortController();
    try {
      const letGo = await this.handler.open?.(lock.client, AbortSignal.any([stop, lock.lost, yielded.signal]));
      if (letGo) return letGo;
    } catch (error) {
      if (error instanceof HandlerError) return error;
      throw error;
    }
    const position = await claimCheckpoint(lock.client, this.ref, store);
    this.progress.position = position;
    this.progress.failure = undefined;
    const tenure = new Tenure(lock, stop, yielded, position, this.context);
    this.setState('running');
    return tenure;
  }

  /** Follows until the tenure ends, then lets go of the lock. */
  private async hold(tenure: Tenure): Promise<TenureEnd> {
    const { lockWanted } = this.handler;
    // Hands the lock to whoever waits for it (a rebuild ready to swap); this follower then waits as a standby.
    const watch = lockWanted
      ? setInterval(() => void lockWanted().then((wanted) => wanted && tenure.yield(), () => undefined), this.lockRetryMs)
      : undefined;
    let end: TenureEnd;
    try {
      end = await tenure.follow();
    } finally {
      clearInterval(watch);
    }
    await tenure.close();
    const { client } = tenure.lock;
    if (end === 'stopped') await markStopped(client, this.ref, this.progress.position).catch(() => undefined);
    if (end instanceof HandlerError) await this.fail(end, tenure);
    await this.handler.close?.(client).catch((error: unknown) => this.warn(error, 'cannot close'));
    await this.release(tenure.lock);
    if (end === 'ended' || end === 'error') this.setState('waiting_for_lock');
    return end;
  }

  private release(lock: SessionLock): Promise<void> {
    return releaseSessionLock(lock, ADVISORY_LOCK_CLASS[this.kind], this.name);
  }

  /** Records the handler's failure; `tenure` fences it to the position this follower wrote (undefined: nothing was moved). */
  private async fail({ event, reason }: HandlerError, tenure: Tenure | undefined): Promise<void> {
    const details: FailureDetails = {
      eventId: event?.id ?? null,
      type: event?.type ?? null,
      streamId: event?.streamId ?? null,
      position: event ? formatPosition(event.position) : null,
      error: messageOf(reason),
      checkpoint: this.progress.position ? formatPosition(this.progress.position) : null,
      lag: { head: tenure?.head ? formatPosition(tenure.head) : null, events: tenure?.unhandled ?? 0 },
      failedAt: new Date().toISOString(),
    };
    // Keyed by kind, as stored failures have always named their projection (`projection: 'attendance'`).
    const failure = { [this.kind]: this.name, ...details } as FollowerFailure<K>;
    this.progress.failure = failure;
    this.setState('failed');
    this.log.error({ ...this.context.details, failure }, `${this.context.label} failed: ${failure.error}`);
    await recordFailure(this.pool, this.ref, this.progress.position, failure, tenure !== undefined).catch((error: unknown) =>
      this.warn(error, 'cannot record its failure'),
    );
    this.progress.failed(failure);
    try {
      this.onFailure?.(failure);
    } catch (error) {
      this.warn(error, 'onFailure threw');
    }
  }

  private setState(state: FollowerState): void {
    if (this.state !== state) this.log.info({ ...this.context.details, state }, `${this.context.label}: ${state}`);
    this.state = state;
  }

  private warn(error: unknown, what: string): void {
    this.log.warn({ ...this.context.details, err: error }, `${this.context.label}: ${what}: ${messageOf(error)}`);
  }
}
