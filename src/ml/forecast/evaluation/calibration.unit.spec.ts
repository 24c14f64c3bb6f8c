import { describe, expect, it } from 'vitest';
import { calibrationTable } from './calibration.js';

describe('the calibration table', () => {
  it('puts each probability in its tenth, 1 in the last, and compares what was said with what happened', () => {
    const table = calibrationTable([0.05, 0.15, 0.12, 0.95, 1], [false, true, false, true, true]);
    expect(table).toHaveLength(10);
    expect(table[0]).toEqual({ from: 0, to: 0.1, count: 1, meanPredicted: 0.05, observedRate: 0 });
    expect(table[1]).toMatchObject({ count: 2, observedRate: 0.5 });
    expect(table[1]!.meanPredicted).toBeCloseTo(0.135, 12);
    expect(table[9]).toMatchObject({ count: 2, meanPredicted: 0.975, observedRate: 1 });
    expect(table[5]).toMatchObject({ count: 0, meanPredicted: null, observedRate: null });
  });
});
