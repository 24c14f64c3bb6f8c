import type pg from 'pg';
import { showUpCounts } from '../../projections/attendance/show-up-queries.js';
import { FEATURE_NAMES } from './features.js';
import { type StoredModel, currentModel } from './model-registry.js';
import { OnnxForecastModel } from './onnx/onnx-forecaster.js';

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

/** Without a model, everyone gets the past show-up rate, pulled towards the prior while history is thin. */
export const baseRateForecaster = (counts: ShowUpCounts): Forecaster => {
  const rate = (counts.attended + PRIOR_SHOW_UP_RATE * PRIOR_WEIGHT) / (counts.total + PRIOR_WEIGHT);
  return { modelVersion: null, sessionVariance: 0, probabilities: async (rows) => rows.map(() => rate) };
};

/**
 * One version's onnxruntime session, shared by every forecaster made from it. A forecaster
 * made before a promotion may still be forecasting (the hourly sweep goes event by event)
 * when a newer version is loaded, so a replaced session is closed only once no call is running
 * on it, and a call that comes after that loads it again for itself.
 */
class SharedSession {
  private session: Promise<OnnxForecastModel> | undefined;
  private running = 0;
  private retired = false;

  constructor(
    readonly version: number,
    private readonly bytes: Uint8Array,
  ) {}

  probabilities(rows: readonly (readonly number[])[]): Promise<number[]> {
    return this.use(async (model) => Array.from(await model.probabilities(rows)));
  }

  /** Loads the session now, so that bytes onnxruntime refuses are found before anything forecasts with them. */
  load(): Promise<void> {
    return this.use(async () => undefined);
  }

  async retire(): Promise<void> {
    this.retired = true;
    if (this.running === 0) await this.release();
  }

  private async use<T>(work: (model: OnnxForecastModel) => Promise<T>): Promise<T> {
    this.running++;
    try {
      this.session ??= OnnxForecastModel.load(this.bytes);
      return await work(await this.session);
    } finally {
      this.running--;
      if (this.retired && this.running === 0) await this.release();
    }
  }

  private async release(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await (await session?.catch(() => undefined))?.close();
  }
}

/**
 * The loaded model of each pool's database: its versions are numbered per database, and a
 * process opens one pool (tests open one per database). A stored version's bytes never
 * change, so a session stays valid until a newer version replaces it.
 */
const loaded = new WeakMap<pg.Pool, SharedSession>();

const sameFeatures = (names: readonly string[]): boolean => names.length === FEATURE_NAMES.length && names.every((name, i) => name === FEATURE_NAMES[i]);

/**
 * The model's forecaster, on onnxruntime, or why this code cannot forecast with it: weights
 * trained on other features would be read in the wrong places.
 */
export const modelForecaster = async (pool: pg.Pool, model: StoredModel): Promise<Forecaster | { unusable: string }> => {
  const previous = loaded.get(pool);
  if (previous && previous.version !== model.version) {
    // Out of the map before the first await, so that a concurrent call cannot retire it twice or keep using it.
    loaded.delete(pool);
    await previous.retire();
  }
  if (!sameFeatures(model.featureNames)) return { unusable: `it does not fit this code's features (it was trained on ${model.featureNames.join(', ')})` };
  if (model.onnx === null) return { unusable: 'it has no ONNX export (it was stored before migration 017)' };
  let shared = loaded.get(pool);
  if (!shared) {
    shared = new SharedSession(model.version, model.onnx);
    loaded.set(pool, shared);
  }
  try {
    await shared.load();
  } catch (error) {
    if (loaded.get(pool) === shared) loaded.delete(pool);
    await shared.retire();
    return { unusable: `onnxruntime cannot load its ONNX export (${(error as Error).message})` };
  }
  const session = shared;
  // Stored by training.ts as ForecastParameters; 0 (no shared swing) when absent.
  const { sessionVariance } = model.parameters as { sessionVariance?: number };
  return { modelVersion: model.version, sessionVariance: sessionVariance ?? 0, probabilities: (rows) => session.probabilities(rows) };
};

/**
 * What forecasts are made with now: the promoted model, or, when there is none or this code
 * cannot forecast with it, the smoothed base rate, saying why in the log.
 */
export const currentForecaster = async (pool: pg.Pool, now: Date, log: (line: string) => void): Promise<Forecaster> => {
  const model = await currentModel(pool);
  const forecaster = model ? await modelForecaster(pool, model) : { unusable: 'no model has been promoted yet' };
  if (!('unusable' in forecaster)) return forecaster;
  log(`forecast: ${model ? `model v${model.version} cannot forecast: ${forecaster.unusable}` : forecaster.unusable}; using the base rate`);
  return baseRateForecaster(await showUpCounts(pool, now));
};
