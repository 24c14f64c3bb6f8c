import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
import { pastAttendances } from '../../projections/attendance/show-up-queries.js';
import { AttendanceHistory } from './attendance-history.fixture.js';
import { projectSeason } from './attendance-season.fixture.js';
import { predictProbability } from './logistic-regression.js';
import { score } from './metrics.js';
import { currentModel, listModels, saveModel } from './model-registry.js';
import { OnnxForecastModel } from './onnx/onnx-forecaster.js';
import { MIN_UNSEEN } from './promotion.js';
import { type Retraining, retrainForecastModel } from './retrain-model.js';
import { aModel, flatParameters } from './stored-model.fixture.js';
import { type ForecastParameters, type Training, trainForecastModel } from './training.js';

let db: TestDatabase;
const lines: string[] = [];
const now = new Date();
const retrain = () => retrainForecastModel({ pool: db.pool, log: (line) => lines.push(line) }, now);

const stored = async (version: number) => (await db.pool.query('SELECT * FROM rollcall.forecast_models WHERE version = $1', [version])).rows[0];

const trained = (result: Retraining) => {
  if (!result.trained) throw new Error(result.reason);
  return result;
};

/** Within one run `now` stays put, so the retrainings below all learn from these. */
let training: Extract<Training, { trained: true }>;

beforeAll(async () => {
  db = await createTestDatabase();
  await new AttendanceHistory().project(db.pool);
});
afterAll(async () => db?.close());

describe('before any session has ended', () => {
  it('trains and stores nothing, and says why', async () => {
    expect(await retrain()).toEqual({ trained: false, examples: 0, reason: '0 past attendances known; at least 50 are needed' });
    expect(lines.at(-1)).toBe('model-retraining: no new model: 0 past attendances known; at least 50 are needed');
    expect(await listModels(db.pool)).toEqual([]);
  });
});

describe('after a season', () => {
  beforeAll(async () => {
    const { attendances } = await projectSeason(db.pool, now);
    const examples = await pastAttendances(db.pool, now);
    expect(examples).toHaveLength(attendances);
    const result = trainForecastModel(examples);
    if (!result.trained || !result.holdout || !result.metrics.holdout) throw new Error('The season should be enough to hold sessions out');
    training = result;
  });

  it('promotes a candidate that beats the model in use on its held-out attendances, saying by how much', async () => {
    // Knows nothing: a half for everyone, a log loss of ln 2.
    const inUse = await saveModel(db.pool, aModel({ parameters: flatParameters(0) }));

    const result = trained(await retrain());

    const holdout = training.metrics.holdout!;
    // v1 learned from 2020 only: every held-out attendance is new to both.
    const reason = `Beats v${inUse}: log loss ${holdout.logLoss.toFixed(3)} vs 0.693 of v${inUse} on ${holdout.examples} held-out attendances from ${holdout.from.slice(0, 10)}, which neither had learned from`;
    expect(result).toMatchObject({ version: inUse + 1, status: 'promoted', reason, comparedWith: inUse });
    expect(result.comparedScores!.logLoss).toBeCloseTo(Math.LN2, 12);
    expect(lines.at(-1)).toBe(`model-retraining: model v${result.version} from ${training.metrics.examples} past attendances promoted: ${reason}`);
    expect((await currentModel(db.pool))?.version).toBe(result.version);
    expect(await stored(result.version)).toMatchObject({
      status: 'promoted',
      reason,
      compared_with: inUse,
      trained_from: new Date(training.metrics.trainedFrom),
      trained_through: new Date(training.metrics.trainedThrough),
      decided_at: now,
      examples: training.metrics.examples,
    });
  });

  it('stores an ONNX export that forecasts as the stored parameters do', async () => {
    const row = await stored((await currentModel(db.pool))!.version);
    const parameters = row.parameters as ForecastParameters;
    expect(parameters).toEqual(training.parameters);
    const onnx = await OnnxForecastModel.load(row.onnx);
    try {
      const rows = training.holdout!.rows;
      const probabilities = await onnx.probabilities(rows);
      expect(Math.max(...rows.map((features, i) => Math.abs(probabilities[i]! - predictProbability(parameters, features))))).toBeLessThan(1e-5);
    } finally {
      await onnx.close();
    }
  });

  it('keeps the model in use when a retraining finds no held-out attendance it has not learned from, which would flatter it', async () => {
    const inUse = (await currentModel(db.pool))!.version;

    const result = trained(await retrain());

    expect(result).toMatchObject({
      status: 'rejected',
      reason:
        `Only 0 held-out attendances are at sessions v${inUse} has not learned from (after ${training.metrics.trainedThrough.slice(0, 10)}); ` +
        `${MIN_UNSEEN} are needed to compare fairly, so v${inUse} stays`,
      comparedWith: inUse,
      comparedScores: null,
    });
    expect((await currentModel(db.pool))?.version).toBe(inUse);
    expect(await stored(result.version)).toMatchObject({ status: 'rejected', compared_with: inUse, onnx: expect.any(Buffer) });
  });

  it('compares on the held-out attendances after the model in use’s last session only', async () => {
    // Learned from everything up to the middle of the held-out sessions, and forecasting a half for everyone.
    const { startsAt } = training.holdout!;
    const middle = startsAt[Math.floor(startsAt.length / 2)]!;
    const inUse = await saveModel(db.pool, aModel({ metrics: { ...aModel().metrics, trainedThrough: new Date(middle).toISOString() }, decidedAt: now }));
    const unseen = startsAt.filter((start) => start > middle).length;

    const result = trained(await retrain());

    // The season holds out about 115 attendances: half of them are too few to compare on.
    expect(unseen).toBeGreaterThan(0);
    expect(unseen).toBeLessThan(startsAt.length);
    expect(result).toMatchObject({ status: 'rejected', comparedWith: inUse });
    expect(result.reason).toContain(`Only ${unseen} held-out attendances are at sessions v${inUse} has not learned from (after ${new Date(middle).toISOString().slice(0, 10)})`);
  });

  it('replaces a model in use that was trained on other features, saying why it could not be scored', async () => {
    const inUse = await saveModel(db.pool, aModel({ featureNames: ['pastShowUpRate', 'somethingElse'] }));

    const result = trained(await retrain());

    expect(result).toMatchObject({ status: 'promoted', comparedWith: inUse, comparedScores: null });
    expect(result.reason).toMatch(
      new RegExp(`^Replaces v${inUse}, which cannot be scored on held-out attendances: it does not fit this code's features \\(it was trained on pastShowUpRate, somethingElse\\); log loss \\d\\.\\d{3} on `),
    );
    expect((await currentModel(db.pool))?.version).toBe(result.version);
  });

  it('decides two retrainings at once one after the other: the second is compared with the first', async () => {
    const inUse = await saveModel(db.pool, aModel({ featureNames: ['somethingElse'] }));

    const results = (await Promise.all([retrain(), retrain()])).map(trained).sort((a, b) => a.version - b.version);

    expect(results.map(({ status, comparedWith }) => ({ status, comparedWith }))).toEqual([
      { status: 'promoted', comparedWith: inUse },
      { status: 'rejected', comparedWith: results[0]!.version },
    ]);
  });
});
