import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.fixture.js';
import { sessionVarianceOf } from './session-variance.js';

/** `sessions` sessions of 200 people at p = 0.6, each session's rate moved by a shared shock of standard deviation `shock`. */
const simulate = (shock: number, sessions = 400) => {
  const next = seededRandom(11);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const examples: { sessionId: string; attended: boolean }[] = [];
  for (let s = 0; s < sessions; s++) {
    const rate = Math.min(1, Math.max(0, 0.6 * (1 + shock * normal())));
    for (let person = 0; person < 200; person++) examples.push({ sessionId: `s${s}`, attended: next() < rate });
  }
  return { examples, probabilities: examples.map(() => 0.6) };
};

describe('the session variance', () => {
  it('is about 0 when people show up independently', () => {
    const { examples, probabilities } = simulate(0);
    expect(sessionVarianceOf(examples, probabilities)).toBeLessThan(0.002);
  });

  it('recovers the squared size of a shock that hits every session as a whole', () => {
    const { examples, probabilities } = simulate(0.2);
    expect(sessionVarianceOf(examples, probabilities)).toBeCloseTo(0.04, 2);
  });

  it('is 0 without sessions', () => {
    expect(sessionVarianceOf([], [])).toBe(0);
  });
});
