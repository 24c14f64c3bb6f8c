/** z for a two-sided 90% interval of a normal distribution. */
const Z_90 = 1.6449;

/** The share of sessions whose head count the interval is meant to hold. */
export const INTERVAL_LEVEL = 0.9;

export interface ExpectedAttendance {
  /** The sum of the show-up probabilities. */
  expected: number;
  /** A 90% interval of the head count, whole people, within 0 and the number confirmed. */
  low: number;
  high: number;
}

/**
 * The head count at a session as a sum of Bernoulli draws, one per confirmed registration,
 * that also swing together by the model's `sessionVariance` (see session-variance.ts), with
 * its interval from the normal approximation: rough for a handful of people, good for a hall.
 */
export const expectedAttendance = (probabilities: readonly number[], sessionVariance = 0): ExpectedAttendance => {
  const expected = probabilities.reduce((sum, p) => sum + p, 0);
  const independent = probabilities.reduce((sum, p) => sum + p * (1 - p), 0);
  const spread = Z_90 * Math.sqrt(independent + sessionVariance * expected ** 2);
  // The nudges keep float noise (3.0000000001) from widening the interval by a person.
  return {
    expected,
    low: Math.max(0, Math.floor(expected - spread + 1e-9)),
    high: Math.min(probabilities.length, Math.max(0, Math.ceil(expected + spread - 1e-9))),
  };
};
