import type { Contender, Evaluation } from './evaluate.js';

const fixed = (value: number | null, digits = 3): string => (value === null ? '-' : value.toFixed(digits));

const row = (cells: readonly string[], widths: readonly number[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');

/** The evaluation as a reader wants it: scores side by side, the model's calibration, and its sessions. */
export const reportLines = (evaluation: Evaluation): string[] => {
  const { train, test, model, attendeeRate, globalRate } = evaluation;
  const contenders: [string, Contender][] = [
    ['model (ONNX)', model],
    ['attendee rate', attendeeRate],
    ['global rate', globalRate],
  ];
  const widths = [14, 8, 8, 8, 11, 8];
  const lines = [
    `Trained on ${train.examples.toLocaleString('en-US')} attendances at ${train.sessions} sessions (${train.from} to ${train.through}).`,
    `Tested on ${test.examples.toLocaleString('en-US')} attendances at ${test.sessions} later sessions (${test.from} to ${test.through}).`,
    '',
    row(['', 'AUC', 'Brier', 'log loss', 'session MAE', 'coverage'], widths),
    ...contenders.map(([name, c]) =>
      row([name, fixed(c.scores.auc), fixed(c.scores.brier), fixed(c.scores.logLoss), fixed(c.sessions.mae, 2), `${(c.sessions.coverage * 100).toFixed(1)}%`], widths),
    ),
    `Intervals are ${evaluation.intervalLevel * 100}% intervals; the model's session variance is ${evaluation.sessionVariance.toFixed(4)}.`,
    '',
    'Calibration of the model (10 bins of the predicted probability):',
    row(['bin', 'count', 'predicted', 'observed'], [11, 8, 10, 9]),
    ...model.calibration.map((bin) => row([`${bin.from.toFixed(1)}–${bin.to.toFixed(1)}`, String(bin.count), fixed(bin.meanPredicted), fixed(bin.observedRate)], [11, 8, 10, 9])),
    '',
    'Weights on standardised features:',
    ...Object.entries(evaluation.weights).map(([name, weight]) => `  ${name.padEnd(22)} ${weight >= 0 ? ' ' : ''}${weight.toFixed(3)}`),
  ];
  return lines;
};

/** The last line of `npm run eval:forecast`: its keys are a contract other tools read. */
export const summaryOf = (evaluation: Evaluation) => ({
  brier_model: evaluation.model.scores.brier,
  brier_attendee_rate: evaluation.attendeeRate.scores.brier,
  brier_global_rate: evaluation.globalRate.scores.brier,
  auc_model: evaluation.model.scores.auc,
  session_mae: evaluation.model.sessions.mae,
  interval_coverage: evaluation.model.sessions.coverage,
  interval_level: evaluation.intervalLevel,
  auc_attendee_rate: evaluation.attendeeRate.scores.auc,
  log_loss_model: evaluation.model.scores.logLoss,
  log_loss_attendee_rate: evaluation.attendeeRate.scores.logLoss,
  log_loss_global_rate: evaluation.globalRate.scores.logLoss,
  session_mae_attendee_rate: evaluation.attendeeRate.sessions.mae,
  session_mae_global_rate: evaluation.globalRate.sessions.mae,
  train_examples: evaluation.train.examples,
  test_examples: evaluation.test.examples,
  test_sessions: evaluation.test.sessions,
});
