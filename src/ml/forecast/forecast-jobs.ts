import type { JobWorker } from '../../jobs/job-runner.js';
import { FORECAST_REFRESH_QUEUE, MODEL_RETRAINING_QUEUE } from '../../jobs/queues.js';
import { type ForecastRefreshDependencies, refreshForecasts } from './refresh-forecasts.js';
import { retrainForecastModel } from './retrain-model.js';

export const FORECAST_REFRESH_CRON = '0 * * * *';
export const MODEL_RETRAINING_CRON = '0 3 * * *';

/** The forecasts' jobs: the hourly refresh (or one event's, as the forecast trigger queues it) and the daily retraining. */
export const forecastWorkers = (deps: ForecastRefreshDependencies): JobWorker[] => [
  { queue: FORECAST_REFRESH_QUEUE, cron: FORECAST_REFRESH_CRON, work: ([job]) => refreshForecasts(deps, job!) },
  { queue: MODEL_RETRAINING_QUEUE, cron: MODEL_RETRAINING_CRON, work: () => retrainForecastModel(deps) },
];
