import type pg from 'pg';
import type { AllSubscription, EventStore, RecordedEvent } from '../eventstore/event-store.js';
import type { Position } from '../eventstore/position.js';
import type { SessionLock } from '../postgres/session-lock.js';
import { batches } from './batches.js';
import { type CheckpointRef, CheckpointMovedError, moveCheckpoint } from './checkpoints.js';
import { type FollowerLog, messageOf } from './follower-log.js';
import { HandlerError, type LogHandler, type TransactionalHandler } from './handler.js';

/**
 * How a tenure ended: `stopped`; `ended` (the lock was lost or let go, or the log ended);
 * `error` (reading or writing failed: start over from the stored checkpoint after a pause);
 * or the handler's own failure.
 */
export type TenureEnd = 'stopped' | 'ended' | 'error' | HandlerError;

export interface TenureContext {
  ref: CheckpointRef;
  store: EventStore;
  pool: pg.Pool;
  handler: LogHandler;
  batchSize: number;
  /** The NOTIFY channel each checkpoint is announced on, in the transaction that moves it. */
  announce: string | undefined;
  log: FollowerLog;
  /** How log lines name the follower (`projection attendance`), and the details they carry. */
  label: string;
  details: object;
  /** Told of each checkpoint once it is committed. */
  onMoved(to: Position): void;
}

/**
 * What a follower holds while it is the active one: its lock, a subscription after its
 * checkpoint (once the handler is ready), and how far it got. `signal` aborts on stop, on a
 * lost lock connection and on `yield()`; it closes the subscription, which is what ends a
 * wait for events.
 */
export class Tenure {
  readonly signal: AbortSignal;
  /** The furthest position received from the store. */
  head: Position | undefined;
  /** Received after the checkpoint and not handled yet. */
  unhandled = 0;
  private subscription: AllSubscription | undefined;

  constructor(
    readonly lock: SessionLock,
    /** Aborted by the follower's stop, to tell a stop from other ends. */
    private readonly stop: AbortSignal,
    private readonly yielded: AbortController,
    /** The stored checkpoint; moved by this tenure only. */
    public position: Position | undefined,
    private readonly context: TenureContext,
  ) {
    this.signal = AbortSignal.any([stop, lock.lost, yielded.signal]);
    this.head = position;
    this.signal.addEventListener('abort', () => void this.close(), { once: true });
  }

  /** Lets the lock go to someone who wants it; a batch in flight still completes. */
  yield(): void {
    this.yielded.abort();
  }

  close(): Promise<void> {
    return this.subscription?.close().catch(() => undefined) ?? Promise.resolve();
  }

  /** Subscribes after the checkpoint once the handler is ready; undefined when the tenure ended first. */
  private async subscribe(): Promise<AsyncGenerator<RecordedEvent[], void, undefined> | undefined> {
    const { handler, store, batchSize } = this.context;
    await handler.ready?.(this.signal);
    // Checked after the wait and before subscribing, in one step: an abort after it finds the subscription to close.
    if (this.signal.aborted) return undefined;
    this.subscription = store.subscribeToAll(this.position ? { after: this.position } : {});
    return batches(this.subscription[Symbol.asyncIterator](), batchSize);
  }

  /** Hands batches to the handler and moves the checkpoint after each, until the tenure ends. */
  async follow(): Promise<TenureEnd> {
    const { handler, log, label, details } = this.context;
    let pending: AsyncGenerator<RecordedEvent[], void, undefined> | undefined;
    try {
      pending = await this.subscribe();
    } catch (error) {
      if (error instanceof HandlerError) return error;
      if (this.stop.aborted) return 'stopped';
      log.warn({ ...details, err: error }, `${label}: subscribing failed: ${messageOf(error)}; starting over`);
      return 'error';
    }
    if (!pending) return this.stop.aborted ? 'stopped' : 'ended';
    for (;;) {
      let next: IteratorResult<RecordedEvent[]>;
      try {
        next = await pending.next();
      } catch (error) {
        if (this.stop.aborted) return 'stopped';
        log.warn({ ...details, err: error }, `${label}: reading events failed: ${messageOf(error)}; starting over`);
        return 'error';
      }
      if (this.stop.aborted) return 'stopped';
      if (next.done || this.signal.aborted) return 'ended';
      const batch = next.value;
      this.head = batch[batch.length - 1]!.position;
      this.unhandled += batch.length;
      try {
        if ('apply' in handler) await this.applyPinpointing(handler, batch);
        else {
          await handler.deliver(batch, this.signal);
          if (this.signal.aborted) return this.stop.aborted ? 'stopped' : 'ended';
          await this.moveTo(this.lock.client, batch);
          this.moved(batch);
        }
      } catch (error) {
        if (error instanceof HandlerError) return error;
        if (this.stop.aborted) return 'stopped';
        // Not the handler's fault (a connection, a moved checkpoint): start over from the stored checkpoint.
        log.warn({ ...details, err: error }, `${label}: ${messageOf(error)}; starting over`);
        return 'error';
      }
    }
  }

  /** Commits a batch whole, or, when the handler fails on it, the good prefix event by event, to name the event it fails on. */
  private async applyPinpointing(handler: TransactionalHandler, batch: readonly RecordedEvent[]): Promise<void> {
    try {
      await this.commit(handler, batch);
      return;
    } catch (error) {
      if (!(error instanceof HandlerError) || batch.length === 1) throw error;
    }
    for (const event of batch) await this.commit(handler, [event]);
  }

  /**
   * One transaction: the handler's rows and the checkpoint after them. It commits without
   * waiting for the WAL flush: the rows derive from the log, and a database crash that loses
   * the last commits loses their checkpoints with them, so those events are applied again.
   * Read models then do not queue for flushes with the appends, which wait for theirs.
   */
  private async commit(handler: TransactionalHandler, events: readonly RecordedEvent[]): Promise<void> {
    const client = await this.context.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN; SET LOCAL synchronous_commit = off');
      try {
        await handler.apply(client, events);
      } catch (error) {
        await client.query('ROLLBACK');
        throw new HandlerError(events[0]!, error);
      }
      try {
        await this.moveTo(client, events);
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      await client.query('COMMIT');
    } catch (error) {
      if (!(error instanceof HandlerError) && !(error instanceof CheckpointMovedError)) broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
    this.moved(events);
  }

  private async moveTo(client: pg.PoolClient, events: readonly RecordedEvent[]): Promise<void> {
    const to = events[events.length - 1]!.position;
    await moveCheckpoint(client, this.context.ref, this.position, to);
    // In the transaction that moves the checkpoint, so listeners hear of it exactly when they can read what it covers.
    if (this.context.announce)
      await client.query('SELECT pg_notify($1, $2)', [this.context.announce, `${this.context.ref.name}:${to.commit}/${to.prepare}`]);
  }

  private moved(events: readonly RecordedEvent[]): void {
    this.position = events[events.length - 1]!.position;
    this.unhandled -= events.length;
    this.context.onMoved(this.position);
  }
}
