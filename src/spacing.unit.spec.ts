import { describe, expect, it } from 'vitest';
import { Spacing } from './spacing.js';

describe('Spacing', () => {
  it('lets the first run go at once and holds the next back until the interval has passed', async () => {
    const spacing = new Spacing(40);
    const started = performance.now();
    await spacing.next();
    const first = performance.now() - started;
    await spacing.next();
    const second = performance.now() - started;
    expect(first).toBeLessThan(40);
    expect(second).toBeGreaterThanOrEqual(39);
  });
});
