/** One tenth of the probability scale: how many forecasts fell in it, what they said on average, and how often people came. */
export interface CalibrationBin {
  from: number;
  to: number;
  count: number;
  meanPredicted: number | null;
  observedRate: number | null;
}

/** Ten equal bins of the predicted probability; a well-calibrated model's observed rate tracks its mean prediction in each. */
export const calibrationTable = (probabilities: readonly number[], labels: readonly boolean[], bins = 10): CalibrationBin[] => {
  const sums = Array.from({ length: bins }, () => ({ count: 0, predicted: 0, observed: 0 }));
  probabilities.forEach((p, i) => {
    const bin = sums[Math.min(bins - 1, Math.max(0, Math.floor(p * bins)))]!;
    bin.count += 1;
    bin.predicted += p;
    bin.observed += labels[i] ? 1 : 0;
  });
  return sums.map((bin, i) => ({
    from: i / bins,
    to: (i + 1) / bins,
    count: bin.count,
    meanPredicted: bin.count ? bin.predicted / bin.count : null,
    observedRate: bin.count ? bin.observed / bin.count : null,
  }));
};
