import { Command } from 'commander';
import type pg from 'pg';
import { type ModelVersion, listModels } from '../ml/forecast/model-registry.js';
import type { Retraining } from '../ml/forecast/retrain-model.js';
import { type CliOutput, exits, needsSubcommand } from './command-line.js';
import { table } from './table.js';

export interface ForecastCommandDeps extends CliOutput {
  /** Opened only once the arguments are known to be good. */
  connect(): Promise<{ pool: pg.Pool }>;
}

/** `rollcall admin forecast models | retrain`. */
export const forecastCommand = (deps: ForecastCommandDeps): Command => {
  const forecast = new Command('forecast').description('the attendance forecast models');
  forecast
    .command('models')
    .description('every model version, newest first: promoted or rejected and why, the sessions it learned from, its held-out scores')
    .option('--json', 'as JSON')
    .action(exits((options: { json?: boolean }) => models(options.json ?? false, deps)));
  forecast
    .command('retrain')
    .description(
      'what the daily model-retraining job does, now: train on every past attendance, and promote the model only if it beats the one in use on the latest sessions (held out) by log loss; forecasts use it from their next refresh',
    )
    .option('--json', 'as JSON')
    .action(exits((options: { json?: boolean }) => retrain(options.json ?? false, deps)));
  return needsSubcommand(forecast);
};

const models = async (json: boolean, deps: ForecastCommandDeps): Promise<number> => {
  const versions = await listModels((await deps.connect()).pool);
  if (json) deps.out(JSON.stringify(versions, null, 2));
  else for (const line of table([HEADER, ...versions.map(row)])) deps.out(line);
  return 0;
};

const HEADER = ['VERSION', 'STATUS', 'TRAINED', 'SESSIONS', 'EXAMPLES', 'AUC', 'LOG LOSS', 'BRIER', 'BASELINE', 'COMPARED WITH', 'REASON'];

const score = (value: number | null | undefined): string => (value == null ? '-' : value.toFixed(3));
const day = (date: Date | null): string => date?.toISOString().slice(0, 10) ?? '?';

const row = (model: ModelVersion): string[] => [
  `v${model.version}`,
  model.status,
  model.trainedAt.toISOString(),
  model.trainedFrom || model.trainedThrough ? `${day(model.trainedFrom)}..${day(model.trainedThrough)}` : '-',
  String(model.examples),
  score(model.holdout?.auc),
  score(model.holdout?.logLoss),
  score(model.holdout?.brier),
  score(model.holdout?.baselineLogLoss),
  model.comparedWith === null ? '-' : `v${model.comparedWith} (${score(model.comparedScores?.logLoss)})`,
  model.reason,
];

const retrain = async (json: boolean, deps: ForecastCommandDeps): Promise<number> => {
  const { pool } = await deps.connect();
  // Imported here, not above: it loads onnxruntime, which no other admin command needs.
  const { retrainForecastModel } = await import('../ml/forecast/retrain-model.js');
  // The decision is what this command prints; the job's log line would say it twice.
  const result: Retraining = await retrainForecastModel({ pool, log: () => undefined });
  if (json) deps.out(JSON.stringify(result, null, 2));
  else if (result.trained) deps.out(`v${result.version} ${result.status}: ${result.reason}`);
  else deps.err(`No model trained: ${result.reason}`);
  return result.trained ? 0 : 1;
};
