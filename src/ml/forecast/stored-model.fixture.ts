import { FEATURE_NAMES } from './features.js';
import type { ModelToSave } from './model-registry.js';
import { toOnnx } from './onnx/logistic-regression-onnx.js';
import type { ForecastParameters } from './training.js';

/** A model over this code's features that gives every row the same logit, `intercept`: p = 0.5 at 0. */
export const flatParameters = (intercept = 0): ForecastParameters => ({
  means: FEATURE_NAMES.map(() => 0),
  scales: FEATURE_NAMES.map(() => 1),
  weights: FEATURE_NAMES.map(() => 0),
  intercept,
  sessionVariance: 0,
});

/**
 * A decided model as a retraining would store it, learned from sessions of 2020 (long before
 * any held-out session of a test), promoted as the first one unless told otherwise.
 */
export const aModel = (overrides: Partial<ModelToSave> = {}): ModelToSave => {
  const parameters = (overrides.parameters as ForecastParameters | undefined) ?? flatParameters();
  return {
    kind: 'logistic-regression',
    featureNames: FEATURE_NAMES,
    parameters,
    onnx: toOnnx(parameters, FEATURE_NAMES),
    trainedAt: new Date('2020-07-01T03:00:00Z'),
    metrics: { examples: 100, baseRate: 0.5, trainedFrom: '2020-01-06T18:00:00.000Z', trainedThrough: '2020-06-29T18:00:00.000Z', holdout: null },
    promotion: { status: 'promoted', reason: 'No model was in use; too few sessions to hold any out, so it is unscored', comparedWith: null, comparedScores: null },
    decidedAt: new Date('2020-07-01T03:00:00Z'),
    ...overrides,
  };
};
