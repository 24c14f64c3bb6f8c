import { AttendeeHistory, type Occasion, type Outcome, featuresOf } from './features.js';
import { type LogisticRegression, fitLogisticRegression, predictProbability } from './logistic-regression.js';
import { type Scores, score } from './metrics.js';

/** A confirmed registration at a session that has ended, and whether its attendee came. */
export type LabelledExample = Occasion & Outcome & { sessionId: string };

/** Fewer examples than this say more about chance than about people. */
export const MIN_EXAMPLES = 50;
/** The latest sessions' share of examples held out to measure the model before it is refitted on all. */
const HOLDOUT_SHARE = 0.2;

export interface ForecastMetrics {
  examples: number;
  baseRate: number;
  /**
   * Scores on the latest sessions of a model fitted to the earlier ones, beside the
   * baseline of predicting the earlier base rate for everyone; null when the earlier
   * sessions alone cannot be fitted (one start time, or one label only).
   */
  holdout: (Scores & { fittedOn: number; baselineLogLoss: number; baselineBrier: number }) | null;
}

export type Training =
  | { trained: true; parameters: LogisticRegression; metrics: ForecastMetrics }
  | { trained: false; examples: number; reason: string };

/** Splits by time, never inside one start time, so no held-out session is seen in fitting. */
const holdoutScores = (starts: readonly number[], rows: readonly number[][], labels: readonly boolean[]): ForecastMetrics['holdout'] => {
  const cutoff = starts[Math.floor(starts.length * (1 - HOLDOUT_SHARE))]!;
  const split = starts.findIndex((start) => start >= cutoff);
  const earlier = labels.slice(0, split);
  const shows = earlier.filter(Boolean).length;
  if (split === 0 || shows === 0 || shows === earlier.length) return null;
  const model = fitLogisticRegression(rows.slice(0, split), earlier);
  const later = labels.slice(split);
  const baseline = score(
    later.map(() => shows / earlier.length),
    later,
  );
  return {
    ...score(rows.slice(split).map((row) => predictProbability(model, row)), later),
    fittedOn: split,
    baselineLogLoss: baseline.logLoss,
    baselineBrier: baseline.brier,
  };
};

/**
 * Trains the show-up model on past sessions: measured on the latest fifth first, then
 * fitted on everything, since the latest sessions say the most about the next ones.
 * Refuses, with the reason, when the examples cannot support a model.
 */
export const trainForecastModel = (examples: readonly LabelledExample[]): Training => {
  const shows = examples.filter((example) => example.attended).length;
  if (examples.length < MIN_EXAMPLES)
    return { trained: false, examples: examples.length, reason: `${examples.length} past attendances known; at least ${MIN_EXAMPLES} are needed` };
  if (shows === 0 || shows === examples.length)
    return { trained: false, examples: examples.length, reason: `all ${examples.length} past attendances are ${shows ? 'shows' : 'no-shows'}: nothing to tell apart` };
  const history = new AttendeeHistory(examples);
  const ordered = [...examples].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const rows = ordered.map((example) => featuresOf(example, history));
  const labels = ordered.map((example) => example.attended);
  return {
    trained: true,
    parameters: fitLogisticRegression(rows, labels),
    metrics: {
      examples: examples.length,
      baseRate: shows / examples.length,
      holdout: holdoutScores(ordered.map((example) => example.startsAt.getTime()), rows, labels),
    },
  };
};
