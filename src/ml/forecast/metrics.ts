/** How well probabilities matched what happened, on examples the model was not fitted to. */
export interface Scores {
  examples: number;
  /** Share of positive labels: what a model that knows nothing would predict. */
  baseRate: number;
  /** Mean negative log-likelihood (lower is better; predicting 0.5 everywhere scores ln 2 ≈ 0.693). */
  logLoss: number;
  /** Mean squared error of the probabilities (lower is better). */
  brier: number;
  /** Chance that a random positive is ranked above a random negative; null with one label only. */
  auc: number | null;
}

// Keeps one confident mistake from making the log loss infinite.
const EPSILON = 1e-15;

const clamp = (p: number): number => Math.min(1 - EPSILON, Math.max(EPSILON, p));

const logLoss = (probabilities: readonly number[], labels: readonly boolean[]): number =>
  probabilities.reduce((sum, p, i) => sum - Math.log(labels[i] ? clamp(p) : 1 - clamp(p)), 0) / probabilities.length;

const brierScore = (probabilities: readonly number[], labels: readonly boolean[]): number =>
  probabilities.reduce((sum, p, i) => sum + (p - (labels[i] ? 1 : 0)) ** 2, 0) / probabilities.length;

/** The Mann-Whitney form of the area under the ROC curve; tied probabilities share their ranks. */
const areaUnderCurve = (probabilities: readonly number[], labels: readonly boolean[]): number | null => {
  const positives = labels.filter(Boolean).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const order = probabilities.map((p, i) => ({ p, positive: labels[i]! })).sort((a, b) => a.p - b.p);
  let positiveRanks = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end < order.length && order[end]!.p === order[start]!.p) end++;
    const meanRank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) if (order[i]!.positive) positiveRanks += meanRank;
    start = end;
  }
  return (positiveRanks - (positives * (positives + 1)) / 2) / (positives * negatives);
};

export const score = (probabilities: readonly number[], labels: readonly boolean[]): Scores => {
  if (probabilities.length === 0 || probabilities.length !== labels.length) throw new RangeError('Scoring needs one label per probability, and at least one');
  return {
    examples: labels.length,
    baseRate: labels.filter(Boolean).length / labels.length,
    logLoss: logLoss(probabilities, labels),
    brier: brierScore(probabilities, labels),
    auc: areaUnderCurve(probabilities, labels),
  };
};
