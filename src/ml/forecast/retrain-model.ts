import { pastAttendances } from '../../projections/attendance/show-up-queries.js';
import { FEATURE_NAMES } from './features.js';
import { LOGISTIC_REGRESSION } from './forecaster.js';
import { saveModel } from './forecast-store.js';
import type { ForecastJobDependencies } from './refresh-forecasts.js';
import { trainForecastModel } from './training.js';

const rounded = (value: number | null | undefined): string => (value == null ? 'n/a' : value.toFixed(3));

/**
 * The `model-retraining` job: trains on every past attendance and stores the model as the
 * newest version. With too little to learn from it stores nothing and says why, and the
 * forecasts keep their current model (or the base rate).
 */
export const retrainForecastModel = async (deps: ForecastJobDependencies, now = new Date()) => {
  const examples = await pastAttendances(deps.pool, now);
  const training = trainForecastModel(examples);
  if (!training.trained) {
    deps.log(`model-retraining: no new model: ${training.reason}`);
    return { trained: false as const, examples: training.examples, reason: training.reason };
  }
  const { metrics } = training;
  const version = await saveModel(deps.pool, {
    kind: LOGISTIC_REGRESSION,
    featureNames: FEATURE_NAMES,
    parameters: training.parameters,
    trainedAt: now,
    examples: metrics.examples,
    metrics,
  });
  const holdout = metrics.holdout;
  deps.log(
    `model-retraining: model v${version} from ${metrics.examples} past attendances; latest sessions held out: ` +
      (holdout
        ? `AUC ${rounded(holdout.auc)}, log loss ${rounded(holdout.logLoss)} (base rate alone ${rounded(holdout.baselineLogLoss)})`
        : 'too few to score'),
  );
  return { trained: true as const, version, metrics };
};
