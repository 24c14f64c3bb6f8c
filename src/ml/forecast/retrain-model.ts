import type pg from 'pg';
import { pastAttendances } from '../../projections/attendance/show-up-queries.js';
import { FEATURE_NAMES } from './features.js';
import { modelForecaster } from './forecaster.js';
import { score } from './metrics.js';
import { type StoredModel, registerModel } from './model-registry.js';
import { toOnnx } from './onnx/logistic-regression-onnx.js';
import { MIN_UNSEEN, type ModelInUse, type Promotion, decidePromotion } from './promotion.js';
import type { ForecastJobDependencies } from './refresh-forecasts.js';
import { type ForecastMetrics, type HoldoutSet, trainForecastModel } from './training.js';

/** The parameters' `kind` (see StoredModel): what training.ts fits. */
const LOGISTIC_REGRESSION = 'logistic-regression';

export type Retraining =
  | { trained: false; examples: number; reason: string }
  | ({ trained: true; version: number; metrics: ForecastMetrics } & Promotion);

const pick = <T>(values: readonly T[], indexes: readonly number[]): T[] => indexes.map((i) => values[i]!);

/**
 * The candidate and the model in use on the held-out attendances the model in use never
 * learned from (sessions after its last), the model in use scored as forecasts run it (ONNX).
 */
const standingOf = async (pool: pg.Pool, inUse: StoredModel, holdout: HoldoutSet | null): Promise<ModelInUse> => {
  const forecaster = await modelForecaster(pool, inUse);
  if ('unusable' in forecaster) return { version: inUse.version, usable: false, why: forecaster.unusable };
  const standing = { version: inUse.version, usable: true as const, trainedThrough: inUse.trainedThrough };
  if (!holdout) return { ...standing, comparison: null };
  const after = inUse.trainedThrough?.getTime() ?? Number.NEGATIVE_INFINITY;
  const unseen = holdout.startsAt.flatMap((start, i) => (start > after ? [i] : []));
  if (unseen.length < MIN_UNSEEN) return { ...standing, comparison: { unseen: unseen.length } };
  const labels = pick(holdout.labels, unseen);
  return {
    ...standing,
    comparison: {
      candidate: { ...score(pick(holdout.probabilities, unseen), labels), from: new Date(holdout.startsAt[unseen[0]!]!).toISOString() },
      inUse: score(await forecaster.probabilities(pick(holdout.rows, unseen)), labels),
    },
  };
};

/**
 * Trains a candidate on every past attendance, exports it to ONNX and stores it, promoted if it
 * beats the model in use on its held-out sessions (promotion.ts), rejected otherwise: every
 * candidate is kept with its reason. With too little to learn from it stores nothing and says
 * why. The `model-retraining` job and `rollcall admin forecast retrain` both run this.
 */
export const retrainForecastModel = async (deps: ForecastJobDependencies, now = new Date()): Promise<Retraining> => {
  const training = trainForecastModel(await pastAttendances(deps.pool, now));
  if (!training.trained) {
    deps.log(`model-retraining: no new model: ${training.reason}`);
    return { trained: false, examples: training.examples, reason: training.reason };
  }
  const { parameters, metrics } = training;
  const onnx = toOnnx(parameters, FEATURE_NAMES);
  const { version, model } = await registerModel(deps.pool, async (inUse) => ({
    kind: LOGISTIC_REGRESSION,
    featureNames: FEATURE_NAMES,
    parameters,
    onnx,
    trainedAt: now,
    metrics,
    promotion: decidePromotion(metrics.holdout, inUse && (await standingOf(deps.pool, inUse, training.holdout))),
    decidedAt: now,
  }));
  const { promotion } = model;
  deps.log(`model-retraining: model v${version} from ${metrics.examples} past attendances ${promotion.status}: ${promotion.reason}`);
  return { trained: true, version, metrics, ...promotion };
};
