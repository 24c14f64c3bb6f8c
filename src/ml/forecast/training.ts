import { AttendeeHistory, type Occasion, type Outcome, featuresOf } from './features.js';
import { type LogisticRegression, fitLogisticRegression, predictProbability } from './logistic-regression.js';
import { type Scores, score } from './metrics.js';
import { sessionVarianceOf } from './session-variance.js';

/** A confirmed registration at a session that has ended, and whether its attendee came. */
export type LabelledExample = Occasion & Outcome & { sessionId: string };

/** Fewer examples than this say more about chance than about people. */
export const MIN_EXAMPLES = 50;
/** The latest sessions' share of examples held out to measure the model before it is refitted on all. */
const HOLDOUT_SHARE = 0.2;

/** The show-up model as stored: the regression, and how much sessions swing together beyond it. */
export interface ForecastParameters extends LogisticRegression {
  /** See `Forecaster.sessionVariance`; measured on the held-out sessions, 0 when there were none. */
  sessionVariance: number;
}

export interface ForecastMetrics {
  examples: number;
  baseRate: number;
  /** The first and the last start of the sessions learned from (ISO 8601). */
  trainedFrom: string;
  trainedThrough: string;
  /**
   * Scores on the latest sessions of a model fitted to the earlier ones, beside the
   * baseline of predicting the earlier base rate for everyone; null when the earlier
   * sessions alone cannot be fitted (one start time, or one label only).
   */
  holdout: (Scores & { fittedOn: number; baselineLogLoss: number; baselineBrier: number; from: string }) | null;
}

/**
 * The held-out examples, to score another model (the one in use) on the same ground: their
 * features, labels and session starts, and what the candidate's fit on the earlier sessions
 * forecast for them.
 */
export interface HoldoutSet {
  rows: number[][];
  labels: boolean[];
  startsAt: number[];
  probabilities: number[];
}

export type Training =
  | { trained: true; parameters: ForecastParameters; metrics: ForecastMetrics; holdout: HoldoutSet | null }
  | { trained: false; examples: number; reason: string };

/** Splits by time, never inside one start time, so no held-out session is seen in fitting. */
const splitIndex = (ordered: readonly LabelledExample[]): number => {
  const cutoff = ordered[Math.floor(ordered.length * (1 - HOLDOUT_SHARE))]!.startsAt.getTime();
  return ordered.findIndex((example) => example.startsAt.getTime() >= cutoff);
};

const heldOut = (ordered: readonly LabelledExample[], rows: readonly number[][], labels: readonly boolean[]) => {
  const split = splitIndex(ordered);
  const earlier = labels.slice(0, split);
  const shows = earlier.filter(Boolean).length;
  if (split === 0 || shows === 0 || shows === earlier.length) return null;
  const model = fitLogisticRegression(rows.slice(0, split), earlier);
  const later = labels.slice(split);
  const probabilities = rows.slice(split).map((row) => predictProbability(model, row));
  const baseline = score(
    later.map(() => shows / earlier.length),
    later,
  );
  return {
    set: { rows: rows.slice(split), labels: later, startsAt: ordered.slice(split).map((e) => e.startsAt.getTime()), probabilities },
    sessionVariance: sessionVarianceOf(ordered.slice(split), probabilities),
    scores: {
      ...score(probabilities, later),
      fittedOn: split,
      baselineLogLoss: baseline.logLoss,
      baselineBrier: baseline.brier,
      from: ordered[split]!.startsAt.toISOString(),
    },
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
  const holdout = heldOut(ordered, rows, labels);
  return {
    trained: true,
    parameters: { ...fitLogisticRegression(rows, labels), sessionVariance: holdout?.sessionVariance ?? 0 },
    metrics: {
      examples: examples.length,
      baseRate: shows / examples.length,
      trainedFrom: ordered[0]!.startsAt.toISOString(),
      trainedThrough: ordered.at(-1)!.startsAt.toISOString(),
      holdout: holdout?.scores ?? null,
    },
    holdout: holdout?.set ?? null,
  };
};
