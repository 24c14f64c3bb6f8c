import { describe, expect, it } from 'vitest';
import { Random } from './random.js';

const draws = (random: Random, n = 5) => Array.from({ length: n }, () => random.next());

describe('seeded randomness', () => {
  it('gives the same numbers for the same seed and label, other numbers for another', () => {
    expect(draws(Random.of(1, 'attendee', 3))).toEqual(draws(Random.of(1, 'attendee', 3)));
    expect(draws(Random.of(1, 'attendee', 3))).not.toEqual(draws(Random.of(1, 'attendee', 4)));
    expect(draws(Random.of(1, 'attendee', 3))).not.toEqual(draws(Random.of(2, 'attendee', 3)));
  });

  it('draws uniformly from [0, 1)', () => {
    const values = draws(Random.of(9, 'uniform'), 20_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b) / values.length;
    expect(mean).toBeCloseTo(0.5, 1);
    const tenths = Array.from({ length: 10 }, (_, i) => values.filter((v) => Math.floor(v * 10) === i).length / values.length);
    expect(Math.min(...tenths)).toBeGreaterThan(0.09);
  });

  it('samples without replacement, heavier items likelier', () => {
    const random = Random.of(5, 'sample');
    const items = Array.from({ length: 100 }, (_, i) => i);
    let heavy = 0;
    for (let round = 0; round < 200; round++) {
      const chosen = random.sample(items, 10, (i) => (i < 10 ? 10 : 1));
      expect(new Set(chosen).size).toBe(10);
      heavy += chosen.filter((i) => i < 10).length;
    }
    // Ten items with weight 10 against ninety with weight 1: about half the picks.
    expect(heavy / 2_000).toBeGreaterThan(0.4);
  });
});
