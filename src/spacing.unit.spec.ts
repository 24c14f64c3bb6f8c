import { describe, expect, it } from 'vitest';
import { Spacing } from './spacing.js';

describe('Spacing', () => {
  it('lets the first run go at once and holds the next back until the interval has passed', async () => {
    // Long beside what a busy machine can add to an await that waits for nothing (40 ms was within
    // reach of a GC pause or a process left waiting for a core), so the first run's "at once" holds.
    const spacing = new Spacing(500);
    const started = performance.now();
    await spacing.next();
    const first = performance.now() - started;
    await spacing.next();
    const second = performance.now() - started;
    expect(first).toBeLessThan(500);
    expect(second).toBeGreaterThanOrEqual(499);
  });
});
