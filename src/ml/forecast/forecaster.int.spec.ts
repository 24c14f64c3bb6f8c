import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
import { AttendanceHistory } from './attendance-history.fixture.js';
import { FEATURE_NAMES } from './features.js';
import { PRIOR_SHOW_UP_RATE, currentForecaster } from './forecaster.js';
import { predictProbability } from './logistic-regression.js';
import { saveModel } from './model-registry.js';
import { OnnxForecastModel } from './onnx/onnx-forecaster.js';
import { seededRandom } from './seeded-random.fixture.js';
import { aModel } from './stored-model.fixture.js';
import type { ForecastParameters } from './training.js';

let db: TestDatabase;
const lines: string[] = [];
const now = new Date();
const forecaster = () => currentForecaster(db.pool, now, (line) => lines.push(line));

beforeAll(async () => {
  db = await createTestDatabase();
  // An empty attendance read model: no past show-ups to count.
  await new AttendanceHistory().project(db.pool);
});
afterAll(async () => db?.close());
afterEach(() => vi.restoreAllMocks());

/** A model whose every weight counts, with a session variance, so a mixed-up column or field shows. */
const someParameters = (seed: number): ForecastParameters => {
  const next = seededRandom(seed);
  return {
    means: FEATURE_NAMES.map(() => next()),
    scales: FEATURE_NAMES.map(() => 0.5 + next()),
    weights: FEATURE_NAMES.map(() => next() * 2 - 1),
    intercept: next() - 0.5,
    sessionVariance: 0.01 * seed,
  };
};

const rows = (seed: number) => {
  const next = seededRandom(seed);
  return Array.from({ length: 50 }, () => FEATURE_NAMES.map(() => next() * 3));
};

const maxDifference = (probabilities: readonly number[], parameters: ForecastParameters, features: number[][]) =>
  Math.max(...features.map((row, i) => Math.abs(probabilities[i]! - predictProbability(parameters, row))));

describe('without a promoted model', () => {
  it('forecasts the prior for everyone, saying why', async () => {
    await saveModel(db.pool, aModel({ promotion: { status: 'rejected', reason: 'Does not beat nothing', comparedWith: null, comparedScores: null } }));

    const chosen = await forecaster();

    expect(chosen).toMatchObject({ modelVersion: null, sessionVariance: 0 });
    expect(await chosen.probabilities(rows(1).slice(0, 2))).toEqual([PRIOR_SHOW_UP_RATE, PRIOR_SHOW_UP_RATE]);
    expect(lines.at(-1)).toBe('forecast: no model has been promoted yet; using the base rate');
  });
});

describe('with a promoted model', () => {
  const first = someParameters(1);
  const second = someParameters(2);
  let firstVersion: number;

  it('forecasts with its ONNX export as its parameters do, with its session variance', async () => {
    firstVersion = await saveModel(db.pool, aModel({ parameters: first }));
    const chosen = await forecaster();

    expect(chosen).toMatchObject({ modelVersion: firstVersion, sessionVariance: 0.01 });
    expect(maxDifference(await chosen.probabilities(rows(3)), first, rows(3))).toBeLessThan(1e-12);
  });

  it('loads each version once, however many forecasts use it', async () => {
    const load = vi.spyOn(OnnxForecastModel, 'load');
    await (await forecaster()).probabilities(rows(3));
    await (await forecaster()).probabilities(rows(4));
    expect(load).not.toHaveBeenCalled();
  });

  it('closes the replaced version once a newer one is promoted, and a forecaster made before still forecasts with the one it was made of', async () => {
    const before = await forecaster();
    const close = vi.spyOn(OnnxForecastModel.prototype, 'close');
    const secondVersion = await saveModel(db.pool, aModel({ parameters: second }));

    const after = await forecaster();

    expect(after.modelVersion).toBe(secondVersion);
    expect(close).toHaveBeenCalledTimes(1);
    expect(maxDifference(await after.probabilities(rows(5)), second, rows(5))).toBeLessThan(1e-12);
    // Loaded again for that call only, and closed after it.
    expect(maxDifference(await before.probabilities(rows(5)), first, rows(5))).toBeLessThan(1e-12);
    expect(close).toHaveBeenCalledTimes(2);
    expect(before.modelVersion).toBe(firstVersion);
  });

  it('closes a replaced version only once the forecast running on it has finished', async () => {
    const running = await forecaster();
    const close = vi.spyOn(OnnxForecastModel.prototype, 'close');
    // The forecast in flight waits for the gate, so the promotion surely happens during it.
    let openGate = () => {};
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const { probabilities } = OnnxForecastModel.prototype;
    vi.spyOn(OnnxForecastModel.prototype, 'probabilities').mockImplementationOnce(async function (this: OnnxForecastModel, features) {
      await gate;
      return probabilities.call(this, features);
    });
    const forecast = running.probabilities(rows(6));
    await saveModel(db.pool, aModel({ parameters: first }));

    await forecaster();
    expect(close).not.toHaveBeenCalled();
    openGate();
    expect(maxDifference(await forecast, second, rows(6))).toBeLessThan(1e-12);
    expect(close).toHaveBeenCalledTimes(1);
  });
});

describe('with a promoted model this code cannot forecast with', () => {
  it('forecasts the base rate when the model was trained on other features, saying so', async () => {
    const version = await saveModel(db.pool, aModel({ featureNames: ['pastShowUpRate', 'somethingElse'] }));
    expect((await forecaster()).modelVersion).toBeNull();
    expect(lines.at(-1)).toBe(
      `forecast: model v${version} cannot forecast: it does not fit this code's features (it was trained on pastShowUpRate, somethingElse); using the base rate`,
    );
  });

  it('forecasts the base rate when the model was stored before ONNX exports', async () => {
    const { rows: inserted } = await db.pool.query<{ version: number }>(
      `INSERT INTO rollcall.forecast_models (kind, trained_at, examples, feature_names, parameters, metrics, status, reason, decided_at)
       VALUES ('logistic-regression', now(), 80, $1, $2, '{}', 'promoted', 'In use from when it was stored', now()) RETURNING version`,
      [FEATURE_NAMES, JSON.stringify(someParameters(1))],
    );
    expect((await forecaster()).modelVersion).toBeNull();
    expect(lines.at(-1)).toBe(`forecast: model v${inserted[0]!.version} cannot forecast: it has no ONNX export (it was stored before migration 017); using the base rate`);
  });

  it('forecasts the base rate when onnxruntime refuses the stored bytes, and tries them again next time', async () => {
    const version = await saveModel(db.pool, aModel({ onnx: new TextEncoder().encode('not a model') }));
    const load = vi.spyOn(OnnxForecastModel, 'load');

    expect((await forecaster()).modelVersion).toBeNull();
    expect(lines.at(-1)).toMatch(new RegExp(`^forecast: model v${version} cannot forecast: onnxruntime cannot load its ONNX export \\(.+\\); using the base rate$`));
    expect((await forecaster()).modelVersion).toBeNull();
    expect(load).toHaveBeenCalledTimes(2);
  });
});
