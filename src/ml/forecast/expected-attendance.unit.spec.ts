import { describe, expect, it } from 'vitest';
import { expectedAttendance } from './expected-attendance.js';

describe('expected attendance', () => {
  it('expects the sum of the probabilities, within a 90% normal interval', () => {
    // 200 coin flips: mean 100, standard deviation √50 ≈ 7.07, ±1.645 of it ≈ 11.6.
    expect(expectedAttendance(new Array(200).fill(0.5))).toEqual({ expected: 100, low: 88, high: 112 });
  });

  it('has no spread when everyone is certain', () => {
    expect(expectedAttendance([1, 1, 0, 1])).toEqual({ expected: 3, low: 3, high: 3 });
  });

  it('keeps the interval between nobody and everyone confirmed', () => {
    // Unclamped, these would reach -1 and 4.
    expect(expectedAttendance([0.01, 0.01, 0.01]).low).toBe(0);
    expect(expectedAttendance([0.99, 0.99, 0.99]).high).toBe(3);
    expect(expectedAttendance([])).toEqual({ expected: 0, low: 0, high: 0 });
  });

  it('widens the interval by how much whole sessions swing together', () => {
    // Variance 50 + 0.01 × 100² = 150: ±1.645 × √150 ≈ 20.1.
    expect(expectedAttendance(new Array(200).fill(0.5), 0.01)).toEqual({ expected: 100, low: 79, high: 121 });
  });
});
