import { setTimeout as sleep } from 'node:timers/promises';

/** Keeps the starts of some repeated work at least `ms` apart: a burst of reasons to do it again costs one run per interval. */
export class Spacing {
  private last = -Infinity;

  constructor(private readonly ms: number) {}

  /** Resolves once `ms` have passed since the last call resolved, at once if they have. */
  async next(): Promise<void> {
    const wait = this.last + this.ms - performance.now();
    if (wait > 0) await sleep(wait);
    this.last = performance.now();
  }
}
