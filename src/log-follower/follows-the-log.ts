import type { Position } from '../eventstore/position.js';
import type { FollowerKind } from './checkpoints.js';
import type { LogFollower } from './log-follower.js';

/**
 * What the users of a log follower (the projection runner, the forwarder, a reactor's store
 * consumer) answer with: its start, stop and caughtUp. A subclass creates `follower` in its
 * constructor, with a handler bound to itself.
 */
export abstract class FollowsTheLog<K extends FollowerKind> {
  protected abstract readonly follower: LogFollower<K>;

  /**
   * Takes the lock and starts following, or starts waiting for it as a standby; resolves once
   * either is under way. Rejects when the handler cannot set up (the follower is `failed`);
   * one that failed at an event starts over at once, since the cause may have been fixed.
   */
  start(): Promise<void> {
    return this.follower.start();
  }

  /** Lets go: closes the subscription, waits for the batch in flight (or abandons an unacknowledged delivery), releases the lock. */
  stop(): Promise<void> {
    return this.follower.stop();
  }

  /** Resolves once everything up to `position` is handled and its checkpoint committed; rejects when the follower fails first, or after `timeoutMs` (default 30 s). */
  caughtUp(position: Position, options: { timeoutMs?: number } = {}): Promise<void> {
    return this.follower.caughtUp(position, options);
  }
}
