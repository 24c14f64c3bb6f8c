import { AttendeeHistory, FEATURE_NAMES, featuresOf } from '../features.js';
import { INTERVAL_LEVEL } from '../expected-attendance.js';
import { type Scores, score } from '../metrics.js';
import { toOnnx } from '../onnx/logistic-regression-onnx.js';
import { OnnxForecastModel } from '../onnx/onnx-forecaster.js';
import { type LabelledExample, trainForecastModel } from '../training.js';
import { type CalibrationBin, calibrationTable } from './calibration.js';
import { type SessionErrors, sessionErrors } from './session-errors.js';

/** One way of forecasting, scored on the later sessions. */
export interface Contender {
  scores: Scores;
  calibration: CalibrationBin[];
  sessions: SessionErrors;
}

export interface Evaluation {
  train: { examples: number; sessions: number; from: string; through: string };
  test: { examples: number; sessions: number; from: string; through: string };
  /** The trained model, as production runs it (ONNX); the attendee's own smoothed past rate; everyone's past rate. */
  model: Contender;
  attendeeRate: Contender;
  globalRate: Contender;
  sessionVariance: number;
  intervalLevel: number;
  weights: Record<string, number>;
}

/** How many sessions' worth of the global rate an attendee's own record is pulled towards, in the attendee-rate baseline. */
const BASELINE_PRIOR_WEIGHT = 2;

const span = (examples: readonly LabelledExample[]) => ({
  examples: examples.length,
  sessions: new Set(examples.map((e) => e.sessionId)).size,
  from: examples[0]!.startsAt.toISOString(),
  through: examples.at(-1)!.startsAt.toISOString(),
});

const contender = (test: readonly LabelledExample[], probabilities: readonly number[], sessionVariance: number): Contender => {
  const labels = test.map((e) => e.attended);
  return { scores: score(probabilities, labels), calibration: calibrationTable(probabilities, labels), sessions: sessionErrors(test, probabilities, sessionVariance) };
};

/**
 * Trains on the earlier part of a history and forecasts the later part, split by session
 * start so that no session is on both sides. Each later session is forecast as of its start:
 * every session that had ended by then is known, its own outcome never is. The two baselines
 * see the same past: everyone's show-up rate over the training part, and each attendee's own
 * rate pulled towards it.
 */
export const evaluateForecasts = async (examples: readonly LabelledExample[], testShare = 0.25): Promise<Evaluation> => {
  const ordered = [...examples].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  if (ordered.length === 0) throw new RangeError('The history is empty');
  const cutoff = ordered[Math.min(ordered.length - 1, Math.floor(ordered.length * (1 - testShare)))]!.startsAt.getTime();
  const train = ordered.filter((e) => e.startsAt.getTime() < cutoff);
  const test = ordered.filter((e) => e.startsAt.getTime() >= cutoff);
  if (train.length === 0) throw new RangeError('Every session starts at the same time: nothing is earlier to train on');
  const training = trainForecastModel(train);
  if (!training.trained) throw new RangeError(`No model can be trained on the earlier part: ${training.reason}`);
  const history = new AttendeeHistory(ordered);
  const onnx = await OnnxForecastModel.load(toOnnx(training.parameters, FEATURE_NAMES));
  let modelProbabilities: Float64Array;
  try {
    modelProbabilities = await onnx.probabilities(test.map((e) => featuresOf(e, history)));
  } finally {
    await onnx.close();
  }
  const globalRate = training.metrics.baseRate;
  const attendeeRates = test.map((e) => {
    const past = history.attendee(e.attendeeId, e.startsAt);
    return (past.attended + BASELINE_PRIOR_WEIGHT * globalRate) / (past.sessions + BASELINE_PRIOR_WEIGHT);
  });
  const { sessionVariance } = training.parameters;
  return {
    train: span(train),
    test: span(test),
    model: contender(test, [...modelProbabilities], sessionVariance),
    attendeeRate: contender(test, attendeeRates, sessionVariance),
    globalRate: contender(
      test,
      test.map(() => globalRate),
      sessionVariance,
    ),
    sessionVariance,
    intervalLevel: INTERVAL_LEVEL,
    weights: Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, training.parameters.weights[i]!])),
  };
};
