import { describe, expect, it } from 'vitest';
import { fitLogisticRegression, predictProbability } from './logistic-regression.js';
import { score } from './metrics.js';
import { seededRandom } from './seeded-random.fixture.js';

const normal = (next: () => number) => () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * Rows from a known model: logit = 0.5 + 1.5 z1 - 1.0 z2 + 0 z3, with the features shown on
 * very different scales (x1 = 10 z1 + 5, x3 = 0.01 z3) so standardisation has work to do.
 */
const synthetic = (count: number, seed: number) => {
  const next = seededRandom(seed);
  const gauss = normal(next);
  const rows: number[][] = [];
  const labels: boolean[] = [];
  const truth: number[] = [];
  for (let i = 0; i < count; i++) {
    const [z1, z2, z3] = [gauss(), gauss(), gauss()];
    const p = sigmoid(0.5 + 1.5 * z1 - 1.0 * z2);
    rows.push([10 * z1 + 5, z2, 0.01 * z3]);
    labels.push(next() < p);
    truth.push(p);
  }
  return { rows, labels, truth };
};

describe('fitting a known relationship', () => {
  const training = synthetic(4_000, 1);
  const model = fitLogisticRegression(training.rows, training.labels);

  it('recovers the standardised weights of the generating model, and no weight for the useless feature', () => {
    // Standardising x1 = 10 z1 + 5 gives back z1 (up to the sample's spread), whose weight is 1.5.
    expect(model.weights[0]).toBeGreaterThan(1.2);
    expect(model.weights[0]).toBeLessThan(1.8);
    expect(model.weights[1]).toBeGreaterThan(-1.3);
    expect(model.weights[1]).toBeLessThan(-0.7);
    expect(Math.abs(model.weights[2]!)).toBeLessThan(0.15);
  });

  it('predicts as many shows in total as the training labels hold (the intercept is at its optimum)', () => {
    const predicted = training.rows.reduce((sum, row) => sum + predictProbability(model, row), 0);
    expect(Math.abs(predicted - training.labels.filter(Boolean).length)).toBeLessThan(1e-4);
  });

  it('ranks unseen rows from the same model almost as well as the true probabilities do', () => {
    const test = synthetic(4_000, 2);
    const fitted = score(test.rows.map((row) => predictProbability(model, row)), test.labels);
    const oracle = score(test.truth, test.labels);
    expect(fitted.auc!).toBeGreaterThan(0.75);
    expect(oracle.auc! - fitted.auc!).toBeLessThan(0.01);
    expect(fitted.logLoss - oracle.logLoss).toBeLessThan(0.01);
  });
});

describe('edge cases', () => {
  it('refuses labels of one kind only, which have no finite fit', () => {
    expect(() => fitLogisticRegression([[1], [2], [3]], [true, true, true])).toThrow(RangeError);
    expect(() => fitLogisticRegression([[1], [2]], [false, false])).toThrow(RangeError);
    expect(() => fitLogisticRegression([], [])).toThrow(RangeError);
  });

  it('fits two perfectly separated examples to finite weights, ranked the right way', () => {
    const model = fitLogisticRegression([[0], [1]], [false, true]);
    const [low, high] = [predictProbability(model, [0]), predictProbability(model, [1])];
    expect(Number.isFinite(model.weights[0])).toBe(true);
    expect(low).toBeGreaterThan(0);
    expect(high).toBeLessThan(1);
    expect(high).toBeGreaterThan(low);
  });

  it('gives a constant feature no weight instead of dividing by its zero spread', () => {
    const model = fitLogisticRegression(
      [
        [7, 0],
        [7, 1],
        [7, 2],
        [7, 3],
      ],
      [false, false, true, true],
    );
    expect(model.weights[0]).toBe(0);
    expect(model.weights[1]).toBeGreaterThan(0);
    expect(Number.isNaN(predictProbability(model, [9, 1]))).toBe(false);
  });
});
