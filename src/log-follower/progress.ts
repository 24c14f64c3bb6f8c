import { EventEmitter } from 'node:events';
import { type Position, comparePositions, formatPosition } from '../eventstore/position.js';
import type { FailureDetails } from './checkpoints.js';

/**
 * How far a follower has got, and the waits for it to get somewhere: `caughtUp` is how tests,
 * benchmarks and reactors wait for a follower instead of polling its checkpoint.
 */
export class Progress<F extends FailureDetails> {
  /** The last committed position; undefined when nothing is handled yet (or not yet read). */
  position: Position | undefined;
  /** Why the follower stopped, until it takes over again. */
  failure: F | undefined;
  private readonly news = new EventEmitter();

  /** `title` names the follower in errors (`Projection attendance`). */
  constructor(private readonly title: string) {
    this.news.setMaxListeners(0);
  }

  moved(to: Position): void {
    this.position = to;
    this.news.emit('checkpoint');
  }

  /** Tells the waits that the follower failed (set `failure` first, for `status()`). */
  failed(failure: F): void {
    this.news.emit('failure', failure);
  }

  /** Resolves once `position` is reached; rejects when the follower fails first, or after `timeoutMs`. */
  caughtUp(position: Position, timeoutMs: number): Promise<void> {
    const reached = (): boolean => this.position !== undefined && comparePositions(this.position, position) >= 0;
    const failed = (failure: FailureDetails) => new Error(`${this.title} failed: ${failure.error}`);
    if (reached()) return Promise.resolve();
    if (this.failure) return Promise.reject(failed(this.failure));
    return new Promise((resolve, reject) => {
      const done = (error?: Error): void => {
        clearTimeout(timer);
        this.news.off('checkpoint', onCheckpoint);
        this.news.off('failure', onFailure);
        if (error) reject(error);
        else resolve();
      };
      const onCheckpoint = (): void => {
        if (reached()) done();
      };
      const onFailure = (failure: FailureDetails): void => done(failed(failure));
      const timer = setTimeout(() => done(new Error(`${this.title} did not reach ${formatPosition(position)} in ${timeoutMs} ms`)), timeoutMs);
      this.news.on('checkpoint', onCheckpoint);
      this.news.on('failure', onFailure);
    });
  }
}
