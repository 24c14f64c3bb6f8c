import ort from 'onnxruntime-node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fitLogisticRegression, type LogisticRegression, predictProbability } from '../logistic-regression.js';
import { seededRandom } from '../seeded-random.fixture.js';
import { readFeatureNames, toOnnx } from './logistic-regression-onnx.js';
import { OnnxForecastModel } from './onnx-forecaster.js';

const normal = (next: () => number) => () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());

const FEATURES = ['pastShowUpRate', 'pastSessions', 'leadTimeDays', 'alwaysSeven', 'sessionSize', 'isRepeatVisitor'];

/**
 * Rows of six features on very different scales: one constant (its scale is 1, its weight 0),
 * one binary, one in the thousands, one in hundredths, with labels from a known logit.
 */
const synthetic = (count: number, seed: number) => {
  const next = seededRandom(seed);
  const gauss = normal(next);
  const rows: number[][] = [];
  const labels: boolean[] = [];
  for (let i = 0; i < count; i++) {
    const [z1, z2, z3, z4] = [gauss(), gauss(), gauss(), gauss()];
    const repeat = next() < 0.3 ? 1 : 0;
    rows.push([0.5 + 0.2 * z1, 2 + z2, 0.01 * z3, 7, 1000 + 300 * z4, repeat]);
    labels.push(next() < 1 / (1 + Math.exp(-(0.3 + 2 * z1 - z2 + 0.8 * z4 + repeat))));
  }
  return { rows, labels };
};

/** Rows far outside the training data, so |logit| reaches the hundreds and the sigmoid saturates both ways. */
const extremeRows = (model: LogisticRegression, count: number, seed: number): number[][] => {
  const next = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const stretch = 10 ** (next() * 3) * (i % 2 === 0 ? 1 : -1);
    return model.means.map((mean, j) => mean + stretch * model.scales[j]! * Math.sign(model.weights[j]! || 1) * next() * 2);
  });
};

const maxDifference = (onnx: Float64Array, rows: readonly (readonly number[])[], model: LogisticRegression): number =>
  rows.reduce((worst, row, i) => Math.max(worst, Math.abs(onnx[i]! - predictProbability(model, row))), 0);

describe('a model with six features, exported and scored by onnxruntime', () => {
  const training = synthetic(2_000, 1);
  const model = fitLogisticRegression(training.rows, training.labels);
  const bytes = toOnnx(model, FEATURES);
  let onnx: OnnxForecastModel;

  beforeAll(async () => {
    onnx = await OnnxForecastModel.load(bytes);
  });
  afterAll(() => onnx.close());
  afterEach(() => vi.restoreAllMocks());

  it('gives the probabilities predictProbability gives, to within 1e-12, for ordinary and saturated rows alike', async () => {
    const rows = [
      ...synthetic(900, 2).rows,
      ...extremeRows(model, 96, 3),
      model.means,
      FEATURES.map(() => 0),
      // The constant feature far from the only value it was trained on: it has no weight, so nothing changes.
      model.means.map((mean, j) => (j === 3 ? mean + 1e6 : mean)),
      model.means.map((mean, j) => (j === 3 ? mean - 1e6 : mean)),
    ];
    const probabilities = await onnx.probabilities(rows);

    expect(probabilities).toHaveLength(1_000);
    expect(probabilities.some((p) => p < 1e-30)).toBe(true);
    expect(probabilities.some((p) => p === 1)).toBe(true);
    expect(maxDifference(probabilities, rows, model)).toBeLessThan(1e-5);
    // Doubles throughout: the only differences left are the order of the sums.
    expect(maxDifference(probabilities, rows, model)).toBeLessThan(1e-12);
  });

  it('leaves the constant feature at weight 0 with a scale of 1, as the fit did', () => {
    expect(model.scales[3]).toBe(1);
    expect(model.weights[3]).toBe(0);
  });

  it('names its features, in column order, in the model file and on the loaded model', () => {
    expect(readFeatureNames(bytes)).toEqual(FEATURES);
    expect(onnx.featureNames).toEqual(FEATURES);
  });

  it('refuses rows whose width is not the number of features, saying how many it expects', async () => {
    await expect(onnx.probabilities([model.means, model.means.slice(1)])).rejects.toThrow(/Row 1 has 5 features; the model expects 6/);
    await expect(onnx.probabilities([[...model.means, 0]])).rejects.toThrow(RangeError);
  });

  it('answers no rows with no probabilities, without running the model', async () => {
    // The factory's type hides that sessions are instances of it, whose prototype has `run`.
    const sessions = ort.InferenceSession as unknown as { prototype: ort.InferenceSession };
    const run = vi.spyOn(sessions.prototype, 'run');
    expect(await onnx.probabilities([])).toEqual(new Float64Array(0));
    expect(run).not.toHaveBeenCalled();
  });
});

describe('the export of other models', () => {
  it('keeps doubles for a one-feature model, whose single scale onnxruntime could fold into a float32 MatMul', async () => {
    const next = seededRandom(4);
    const rows = Array.from({ length: 200 }, () => [next() * 10]);
    const model = fitLogisticRegression(
      rows,
      rows.map(([x]) => next() < x! / 10),
    );
    const onnx = await OnnxForecastModel.load(toOnnx(model, ['pastSessions']));
    try {
      expect(maxDifference(await onnx.probabilities(rows), rows, model)).toBeLessThan(1e-12);
    } finally {
      await onnx.close();
    }
  });

  it('refuses feature names that do not match the weights', () => {
    const model = { means: [0, 0], scales: [1, 1], weights: [1, 2], intercept: 0 };
    expect(() => toOnnx(model, ['only'])).toThrow(/2 means for 1 feature names/);
    expect(() => toOnnx(model, ['same', 'same'])).toThrow(/distinct/);
  });

  it('refuses bytes that do not name their features', () => {
    expect(() => readFeatureNames(new Uint8Array([0x08, 0x08]))).toThrow(/does not name its features/);
  });
});
