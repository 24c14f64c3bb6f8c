import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../../postgres/database.js';
import { migrate } from '../../postgres/migrate.js';
import { currentModel, listModels, registerModel, saveModel } from './model-registry.js';
import { aModel } from './stored-model.fixture.js';

/** Migrated up to 016, so that 017 runs on models stored before it. */
let pool: pg.Pool;
beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await createDatabase(inject('postgresUrl'), `test_${randomBytes(6).toString('hex')}`), max: 5 });
  await migrate(pool, { through: '016_face_data.sql' });
});
afterAll(() => pool?.end());

const scores = { examples: 40, baseRate: 0.5, logLoss: 0.61, brier: 0.21, auc: 0.74 };

describe('models stored before versions were decided on', () => {
  it('are promoted, each having been in use from when it was stored, and the latest stays in use', async () => {
    const insert = (metrics: object, trainedAt: string) =>
      pool.query(
        `INSERT INTO rollcall.forecast_models (kind, trained_at, examples, feature_names, parameters, metrics)
         VALUES ('logistic-regression', $1, 80, '{pastShowUpRate,pastSessions}', '{}', $2)`,
        [trainedAt, JSON.stringify(metrics)],
      );
    await insert({ examples: 80, baseRate: 0.6, holdout: { ...scores, fittedOn: 60, baselineLogLoss: 0.67, baselineBrier: 0.24 } }, '2026-11-23T03:00:00Z');
    await insert({ examples: 80, baseRate: 0.6, trainedFrom: '2026-10-05T18:00:00.000Z', trainedThrough: '2026-11-23T18:00:00.000Z', holdout: null }, '2026-11-24T03:00:00Z');

    expect(await migrate(pool)).toContain('017_forecast_model_versions.sql');

    const reason = 'In use from when it was stored: models were not compared before migration 017';
    expect(await listModels(pool)).toEqual([
      expect.objectContaining({
        version: 2,
        status: 'promoted',
        reason,
        decidedAt: new Date('2026-11-24T03:00:00Z'),
        trainedFrom: new Date('2026-10-05T18:00:00Z'),
        trainedThrough: new Date('2026-11-23T18:00:00Z'),
        holdout: null,
        comparedWith: null,
      }),
      expect.objectContaining({ version: 1, status: 'promoted', reason, trainedFrom: null, trainedThrough: null, holdout: expect.objectContaining({ auc: 0.74 }) }),
    ]);
    expect(await currentModel(pool)).toMatchObject({ version: 2, onnx: null, featureNames: ['pastShowUpRate', 'pastSessions'] });
  });
});

describe('the registry', () => {
  it('stores a decided candidate with its ONNX export, learning range and comparison, and lists it first', async () => {
    const model = aModel({
      promotion: { status: 'promoted', reason: 'Beats v2: …', comparedWith: 2, comparedScores: scores },
      decidedAt: new Date('2026-12-01T03:00:05Z'),
    });
    const version = await saveModel(pool, model);

    expect(version).toBe(3);
    expect((await listModels(pool))[0]).toEqual({
      version: 3,
      kind: 'logistic-regression',
      status: 'promoted',
      reason: 'Beats v2: …',
      trainedAt: model.trainedAt,
      decidedAt: new Date('2026-12-01T03:00:05Z'),
      trainedFrom: new Date(model.metrics.trainedFrom),
      trainedThrough: new Date(model.metrics.trainedThrough),
      examples: 100,
      featureNames: [...model.featureNames],
      baseRate: 0.5,
      holdout: null,
      comparedWith: 2,
      comparedScores: scores,
    });
    const current = await currentModel(pool);
    expect(current).toMatchObject({ version: 3, trainedThrough: new Date(model.metrics.trainedThrough) });
    expect(Buffer.from(current!.onnx!).equals(Buffer.from(model.onnx))).toBe(true);
  });

  it('keeps the latest promoted version in use when a newer one is rejected', async () => {
    await saveModel(pool, aModel({ promotion: { status: 'rejected', reason: 'Does not beat v3', comparedWith: 3, comparedScores: scores } }));

    expect((await listModels(pool)).map(({ version, status }) => `v${version} ${status}`)).toEqual(['v4 rejected', 'v3 promoted', 'v2 promoted', 'v1 promoted']);
    expect((await currentModel(pool))?.version).toBe(3);
  });

  it('refuses a comparison with a version that is not older', async () => {
    const promotion = { status: 'promoted' as const, reason: 'Beats v9', comparedWith: 9, comparedScores: scores };
    await expect(saveModel(pool, aModel({ promotion }))).rejects.toThrow(/forecast_models_compared_with_older|foreign key/);
  });

  it('decides registrations one at a time, so the second is decided against the model the first stored', async () => {
    const seen: (number | null)[] = [];
    const register = () =>
      registerModel(pool, async (inUse) => {
        seen.push(inUse?.version ?? null);
        // Long enough for the other registration to reach the table if nothing held it back.
        await sleep(100);
        return aModel();
      });

    const [first, second] = await Promise.all([register(), register()]);

    expect(new Set([first.version, second.version]).size).toBe(2);
    expect(seen).toEqual([3, Math.min(first.version, second.version)]);
  });
});
