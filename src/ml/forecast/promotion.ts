import type { Scores } from './metrics.js';
import type { ForecastMetrics } from './training.js';

/**
 * A candidate's scores on the latest sessions, from a fit on the sessions before them; null
 * when there were too few sessions to hold any out.
 */
export type CandidateScores = ForecastMetrics['holdout'];

/**
 * Held-out attendances at sessions the model in use never learned from, below which a
 * comparison says more about chance than about the models; they accrue while it stays.
 */
export const MIN_UNSEEN = 100;

/**
 * Both models scored on the held-out attendances neither learned from: the candidate's fit on
 * the earlier sessions, and the model in use, on those after its last training session. Or,
 * when there are too few of them, how many there are.
 */
export type UnseenComparison = { candidate: Scores & { from: string }; inUse: Scores } | { unseen: number };

/** The model forecasts use when a candidate is decided on, and how the two compare. */
export type ModelInUse =
  | { version: number; usable: false; why: string }
  | {
      version: number;
      usable: true;
      /** The last session it learned from; null for models stored before this was recorded. */
      trainedThrough: Date | null;
      /** Null when the candidate held nothing out. */
      comparison: UnseenComparison | null;
    };

export type PromotionStatus = 'promoted' | 'rejected';

export interface Promotion {
  status: PromotionStatus;
  /** A sentence an operator can act on, with the numbers compared. */
  reason: string;
  comparedWith: number | null;
  /** The model in use's scores on the candidate's held-out attendances. */
  comparedScores: Scores | null;
}

/** Enough digits to tell two log losses apart (when they differ at all), at least three. */
const logLosses = (a: number, b: number): [string, string] => {
  for (let digits = 3; digits <= 8; digits++) if (a.toFixed(digits) !== b.toFixed(digits)) return [a.toFixed(digits), b.toFixed(digits)];
  return [a.toFixed(3), b.toFixed(3)];
};

const heldOut = (scores: { examples: number; from: string }): string =>
  `${scores.examples.toLocaleString('en-US')} held-out attendances from ${scores.from.slice(0, 10)}`;

const day = (date: Date | null): string => date?.toISOString().slice(0, 10) ?? 'an unrecorded date';

/**
 * Whether a freshly trained candidate replaces the model in use. Only a candidate that does
 * better, by log loss, on held-out attendances that neither model learned from replaces it: a
 * tie keeps the model in use, and so do too few such attendances (the model in use has seen
 * the rest, which would flatter it). A model this code cannot forecast with (other features,
 * no ONNX export) forecasts nothing, so any candidate replaces it, as one does when there is
 * none. A candidate with nothing held out cannot be compared: it is promoted only when nothing
 * usable is in use, and otherwise rejected, however fresh.
 */
export const decidePromotion = (candidate: CandidateScores, inUse: ModelInUse | null): Promotion => {
  const ownScore = candidate
    ? `log loss ${candidate.logLoss.toFixed(3)} on ${heldOut(candidate)} (the base rate alone: ${candidate.baselineLogLoss.toFixed(3)})`
    : 'too few sessions to hold any out, so it is unscored';
  if (inUse === null) return { status: 'promoted', reason: `No model was in use; ${ownScore}`, comparedWith: null, comparedScores: null };
  const v = `v${inUse.version}`;
  if (!inUse.usable)
    return {
      status: 'promoted',
      reason: `Replaces ${v}, which cannot be scored on held-out attendances: ${inUse.why}; ${ownScore}`,
      comparedWith: inUse.version,
      comparedScores: null,
    };
  const { comparison } = inUse;
  const kept = (reason: string): Promotion => ({ status: 'rejected', reason, comparedWith: inUse.version, comparedScores: null });
  if (candidate === null || comparison === null) return kept(`Too few sessions to hold any out, so it cannot be compared with ${v}, which stays`);
  if ('unseen' in comparison)
    return kept(
      `Only ${comparison.unseen.toLocaleString('en-US')} held-out attendances are at sessions ${v} has not learned from (after ${day(inUse.trainedThrough)}); ` +
        `${MIN_UNSEEN} are needed to compare fairly, so ${v} stays`,
    );
  const [mine, theirs] = logLosses(comparison.candidate.logLoss, comparison.inUse.logLoss);
  const compared = `log loss ${mine} vs ${theirs} of ${v} on ${heldOut(comparison.candidate)}, which neither had learned from`;
  return comparison.candidate.logLoss < comparison.inUse.logLoss
    ? { status: 'promoted', reason: `Beats ${v}: ${compared}`, comparedWith: inUse.version, comparedScores: comparison.inUse }
    : { status: 'rejected', reason: `Does not beat ${v}, which stays: ${compared}`, comparedWith: inUse.version, comparedScores: comparison.inUse };
};
