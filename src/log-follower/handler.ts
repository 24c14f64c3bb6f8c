import type pg from 'pg';
import type { RecordedEvent } from '../eventstore/event-store.js';
import type { FailureDetails } from './checkpoints.js';
import { messageOf } from './follower-log.js';

/** Hands the lock back for a while: `letGo` runs without it (a rebuild, a wait), then the follower asks for the lock again. */
export interface LetGo {
  letGo(signal: AbortSignal): Promise<void>;
}

/**
 * What a handler may add to a follower's life. `signal` is aborted when the follower stops or
 * loses its lock (or lets it go to `lockWanted`).
 */
interface Hooks {
  /**
   * Runs each time the follower has taken its lock, on the lock's connection, before the
   * checkpoint is read: where the handler sets up what it writes to. May return a LetGo
   * instead (e.g. tables of another version). Throwing a HandlerError records a failure.
   */
  open?(lock: pg.PoolClient, signal: AbortSignal): Promise<LetGo | undefined>;
  /**
   * Resolves once the handler can take events (the forwarder: Kafka connected), or when
   * `signal` aborts; the follower subscribes only then. A subscription left unread while the
   * handler waits would hold the server's buffer, and one that failed meanwhile would only
   * be noticed once read.
   */
  ready?(signal: AbortSignal): Promise<void>;
  /** Runs when a tenure ends, before the lock goes, on the lock's connection. */
  close?(lock: pg.PoolClient): Promise<void>;
  /** Whether someone else waits for the lock (a rebuild ready to swap): asked while holding it, and before each attempt to take it. */
  lockWanted?(): Promise<boolean>;
  /** After a failure: resolves true once it is worth trying again, false to stay failed until started again. */
  resumeAfter?(failure: FailureDetails, signal: AbortSignal): Promise<boolean>;
}

/**
 * Writes each batch in the transaction that moves the checkpoint (a pool connection, not the
 * lock's), so a batch lands whole or not at all: never twice, never skipped. An error of
 * `apply` is the handler's: the batch is retried event by event to commit the good prefix
 * and name the event that fails, and the follower stops there (see `resumeAfter`).
 */
export interface TransactionalHandler extends Hooks {
  apply(client: pg.PoolClient, events: readonly RecordedEvent[]): Promise<void>;
}

/**
 * Hands each batch on outside PostgreSQL (Kafka, reactors); the checkpoint moves once
 * `deliver` resolved, so a crash repeats at most a batch (at least once). A `deliver` that
 * returns because `signal` aborted leaves the checkpoint where it was; one that throws makes
 * the follower start over from its checkpoint after a pause.
 */
export interface DeliveringHandler extends Hooks {
  deliver(events: readonly RecordedEvent[], signal: AbortSignal): Promise<void>;
}

export type LogHandler = TransactionalHandler | DeliveringHandler;

/** A handler's own failure, as opposed to the follower's I/O: recorded, with the event when there is one. */
export class HandlerError extends Error {
  constructor(
    readonly event: RecordedEvent | undefined,
    readonly reason: unknown,
  ) {
    super(messageOf(reason));
  }
}
