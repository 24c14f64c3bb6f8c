import type pg from 'pg';
import type { Scores } from './metrics.js';
import type { Promotion, PromotionStatus } from './promotion.js';
import type { ForecastMetrics } from './training.js';
import { inTransaction } from '../../postgres/transaction.js';

type Queryable = pg.Pool | pg.PoolClient;

/** A stored model as forecasts need it. */
export interface StoredModel {
  version: number;
  /** How `parameters` are to be read: 'logistic-regression' stores ForecastParameters. */
  kind: string;
  featureNames: readonly string[];
  parameters: unknown;
  /** The model as ONNX; null for models stored before migration 017. */
  onnx: Uint8Array | null;
  /** The last session it learned from; null for models stored before it was recorded. */
  trainedThrough: Date | null;
}

/** A candidate with the verdict on it, as a retraining stores it. */
export interface ModelToSave {
  kind: string;
  featureNames: readonly string[];
  parameters: unknown;
  onnx: Uint8Array;
  trainedAt: Date;
  metrics: ForecastMetrics;
  promotion: Promotion;
  decidedAt: Date;
}

/** A version as `rollcall admin forecast models` lists it. */
export interface ModelVersion {
  version: number;
  kind: string;
  status: PromotionStatus;
  reason: string;
  trainedAt: Date;
  decidedAt: Date;
  trainedFrom: Date | null;
  trainedThrough: Date | null;
  examples: number;
  featureNames: string[];
  baseRate: number;
  /** As training.ts measured it; models stored before metrics had a `trainedFrom` lack its `from` too. */
  holdout: (Omit<NonNullable<ForecastMetrics['holdout']>, 'from'> & { from?: string }) | null;
  comparedWith: number | null;
  comparedScores: Scores | null;
}

/** Stores a decided candidate as the newest version and returns its version. */
export const saveModel = async (db: Queryable, model: ModelToSave): Promise<number> => {
  const { promotion, metrics } = model;
  const { rows } = await db.query<{ version: number }>(
    `INSERT INTO rollcall.forecast_models
       (kind, trained_at, examples, feature_names, parameters, metrics, trained_from, trained_through, onnx,
        status, reason, decided_at, compared_with, compared_scores)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING version`,
    [
      model.kind,
      model.trainedAt,
      metrics.examples,
      model.featureNames,
      JSON.stringify(model.parameters),
      JSON.stringify(metrics),
      metrics.trainedFrom,
      metrics.trainedThrough,
      model.onnx,
      promotion.status,
      promotion.reason,
      model.decidedAt,
      promotion.comparedWith,
      promotion.comparedScores && JSON.stringify(promotion.comparedScores),
    ],
  );
  return rows[0]!.version;
};

/** The model forecasts use: the latest promoted version, or null before the first promotion. */
export const currentModel = async (db: Queryable): Promise<StoredModel | null> => {
  const { rows } = await db.query<{
    version: number;
    kind: string;
    feature_names: string[];
    parameters: unknown;
    onnx: Buffer | null;
    trained_through: Date | null;
  }>(
    `SELECT version, kind, feature_names, parameters, onnx, trained_through FROM rollcall.forecast_models
      WHERE status = 'promoted' ORDER BY version DESC LIMIT 1`,
  );
  const row = rows[0];
  return row
    ? { version: row.version, kind: row.kind, featureNames: row.feature_names, parameters: row.parameters, onnx: row.onnx, trainedThrough: row.trained_through }
    : null;
};

/**
 * Stores the candidate `decide` makes, given the model in use, while no other retraining can
 * store one: two at once would both be compared with the same model in use, and the later
 * promotion would replace the earlier one without ever having been compared with it. Reading
 * the table (forecasts, listings) goes on meanwhile.
 */
export const registerModel = async (
  pool: pg.Pool,
  decide: (inUse: StoredModel | null) => Promise<ModelToSave>,
): Promise<{ version: number; model: ModelToSave }> => {
  return inTransaction(pool, async (client) => {
    await client.query('LOCK TABLE rollcall.forecast_models IN SHARE ROW EXCLUSIVE MODE');
    const model = await decide(await currentModel(client));
    const version = await saveModel(client, model);
    return { version, model };
  });
};

/** Every version, newest first, without parameters or ONNX bytes. */
export const listModels = async (db: Queryable): Promise<ModelVersion[]> => {
  const { rows } = await db.query<{
    version: number;
    kind: string;
    status: PromotionStatus;
    reason: string;
    trained_at: Date;
    decided_at: Date;
    trained_from: Date | null;
    trained_through: Date | null;
    examples: number;
    feature_names: string[];
    metrics: Pick<ModelVersion, 'baseRate' | 'holdout'>;
    compared_with: number | null;
    compared_scores: Scores | null;
  }>(
    `SELECT version, kind, status, reason, trained_at, decided_at, trained_from, trained_through, examples, feature_names,
            metrics, compared_with, compared_scores
       FROM rollcall.forecast_models ORDER BY version DESC`,
  );
  return rows.map((row) => ({
    version: row.version,
    kind: row.kind,
    status: row.status,
    reason: row.reason,
    trainedAt: row.trained_at,
    decidedAt: row.decided_at,
    trainedFrom: row.trained_from,
    trainedThrough: row.trained_through,
    examples: row.examples,
    featureNames: row.feature_names,
    baseRate: row.metrics.baseRate,
    holdout: row.metrics.holdout,
    comparedWith: row.compared_with,
    comparedScores: row.compared_scores,
  }));
};
