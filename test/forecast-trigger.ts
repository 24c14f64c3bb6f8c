import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { IntegrationEvent } from '../src/integration/contract.js';
import { deliver } from '../src/integration/delivery.js';
import { FORECAST_REFRESH_QUEUE } from '../src/jobs/queues.js';
import { ForecastTrigger } from '../src/ml/forecast-trigger.js';
import { Jobs } from '../src/jobs/jobs.js';
import { samples } from './integration-samples.js';

/** Nothing listens on port 1: every attempt to queue a job fails at once. */
const UNREACHABLE_QUEUES = 'postgres://rollcall@127.0.0.1:1/rollcall';

/**
 * A `forecast-trigger` dead letter made the way one happens: its delivery of a registration
 * fails on every try because the job queues' database cannot be reached.
 */
export const forecastTriggerDeadLetter = async (pool: pg.Pool): Promise<IntegrationEvent> => {
  const event: IntegrationEvent = {
    id: randomUUID(),
    type: 'RegistrationConfirmed',
    version: 1,
    streamId: `event-${randomUUID()}`,
    revision: '3',
    position: '42',
    occurredAt: new Date().toISOString(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    data: { ...samples.RegistrationConfirmed },
  };
  const outcome = await deliver(pool, new ForecastTrigger(new Jobs(UNREACHABLE_QUEUES)), event, { attempts: 2, backoffMs: 1 });
  if (outcome !== 'dead_letter') throw new Error(`expected a dead letter, the delivery was ${outcome}`);
  return event;
};

export interface QueuedRefresh {
  /** The job's data. */
  eventId: string;
  singletonKey: string | null;
  /** When the job's singleton window began (pg-boss keeps it as UTC without a zone), and when the job may run. */
  windowStart: Date | null;
  startAfter: Date;
  /** pg-boss's id of the job, and its whole data: what a worker is handed. */
  id: string;
  data: unknown;
}

/** Every `forecast-refresh` job in pg-boss's table, by event id. */
export const queuedForecastRefreshes = async (pool: pg.Pool): Promise<QueuedRefresh[]> =>
  (
    await pool.query<QueuedRefresh>(
      `SELECT data->>'eventId' AS "eventId", singleton_key AS "singletonKey", singleton_on AT TIME ZONE 'UTC' AS "windowStart", start_after AS "startAfter", id, data
         FROM pgboss.job WHERE name = $1 ORDER BY 1`,
      [FORECAST_REFRESH_QUEUE],
    )
  ).rows;
