import { FEATURE_NAMES } from './features.js';
import { type LogisticRegression, predictProbability } from './logistic-regression.js';

export const LOGISTIC_REGRESSION = 'logistic-regression';

/**
 * A trained model as stored: `kind` says how to read `parameters`, so another kind of model
 * (an ONNX export, say) can be stored beside this one and chosen in `modelForecaster`.
 */
export interface StoredModel {
  version: number;
  kind: string;
  featureNames: readonly string[];
  parameters: unknown;
}

/** Turns rows of features into show-up probabilities, and says which model did it (null: none, the base rate). */
export interface Forecaster {
  modelVersion: number | null;
  /**
   * The relative variance of a session's head count beyond independent show-ups (a shared
   * shock: rain, a strike), which widens the interval of the expected attendance; 0 without a model.
   */
  sessionVariance: number;
  probabilities(rows: readonly (readonly number[])[]): Promise<number[]>;
}

/**
 * The show-up rate assumed before any history, worth this many sessions of evidence: a
 * guess, not a measurement (no-shows of a third to a half are often reported for free events).
 */
export const PRIOR_SHOW_UP_RATE = 0.6;
export const PRIOR_WEIGHT = 10;

/** What happened at past sessions, counted over confirmed registrations. */
export interface ShowUpCounts {
  attended: number;
  total: number;
}

const hasCurrentFeatures = (model: StoredModel): boolean =>
  model.featureNames.length === FEATURE_NAMES.length && model.featureNames.every((name, i) => name === FEATURE_NAMES[i]);

/**
 * The forecaster a stored model makes, or null when this code cannot use it: a kind it does
 * not know, or other features, whose weights would be read in the wrong places.
 */
export const modelForecaster = (model: StoredModel): Forecaster | null => {
  if (model.kind !== LOGISTIC_REGRESSION || !hasCurrentFeatures(model)) return null;
  // The kind says what was stored: the parameters a fit returned.
  const parameters = model.parameters as LogisticRegression;
  return {
    modelVersion: model.version,
    sessionVariance: (parameters as { sessionVariance?: number }).sessionVariance ?? 0,
    probabilities: async (rows) => rows.map((row) => predictProbability(parameters, row)),
  };
};

/** Without a model, everyone gets the past show-up rate, pulled towards the prior while history is thin. */
export const baseRateForecaster = (counts: ShowUpCounts): Forecaster => {
  const rate = (counts.attended + PRIOR_SHOW_UP_RATE * PRIOR_WEIGHT) / (counts.total + PRIOR_WEIGHT);
  return { modelVersion: null, sessionVariance: 0, probabilities: async (rows) => rows.map(() => rate) };
};
