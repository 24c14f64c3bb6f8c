import { describe, expect, it } from 'vitest';
import { score } from './metrics.js';

describe('scores', () => {
  it('gives an AUC of 1 to a perfect ranking, 0 to a reversed one and 1/2 to ties', () => {
    const labels = [false, false, true, true];
    expect(score([0.1, 0.2, 0.8, 0.9], labels).auc).toBe(1);
    expect(score([0.9, 0.8, 0.2, 0.1], labels).auc).toBe(0);
    expect(score([0.5, 0.5, 0.5, 0.5], labels).auc).toBe(0.5);
    expect(score([0.1, 0.6, 0.6, 0.9], labels).auc).toBe(0.875);
  });

  it('has no AUC when only one label occurs', () => {
    expect(score([0.2, 0.7], [true, true]).auc).toBeNull();
  });

  it('scores a coin flip at ln 2 log loss and 1/4 Brier, and knows the base rate', () => {
    const result = score([0.5, 0.5, 0.5, 0.5], [true, false, false, false]);
    expect(result.logLoss).toBeCloseTo(Math.LN2, 12);
    expect(result.brier).toBeCloseTo(0.25, 12);
    expect(result.baseRate).toBe(0.25);
    expect(result.examples).toBe(4);
  });

  it('keeps a confident mistake finite', () => {
    expect(Number.isFinite(score([0], [true]).logLoss)).toBe(true);
  });
});
