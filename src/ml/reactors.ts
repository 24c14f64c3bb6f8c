import type pg from 'pg';
import { DomainError } from '../domain/domain-error.js';
import type { Reactor } from '../integration/delivery.js';
import type { FollowerLog } from '../log-follower/follower-log.js';
import { TicketMail } from '../jobs/ticket-mail-reactor.js';
import type { Jobs } from '../jobs/jobs.js';
import { ForecastTrigger } from './forecast-trigger.js';

/** A reactor the ml-worker runs, and the stream categories it reacts to: on Kafka, the topics its group reads. */
export interface WorkerReactor extends Reactor {
  readonly categories: readonly string[];
}

export interface ReactorDependencies {
  jobs: Jobs;
  /** Where ticket mail reads the attendance read model and its checkpoint. */
  pool: pg.Pool;
  /** Where reactors tell what they queued, with the trace of the event that made them. */
  log?: FollowerLog;
}

/**
 * Every reactor the ml-worker runs. The admin tools build the same list to find the reactor
 * behind a dead letter's consumer name, so a replay runs the very handler that failed.
 */
export const createReactors = (deps: ReactorDependencies): WorkerReactor[] => [new ForecastTrigger(deps.jobs, deps.log), new TicketMail(deps)];

export const reactorNamed = (reactors: readonly WorkerReactor[], name: string): WorkerReactor => {
  const reactor = reactors.find((r) => r.name === name);
  if (!reactor) throw new DomainError('VALIDATION', `No reactor named "${name}"; reactors: ${reactors.map((r) => r.name).join(', ')}`);
  return reactor;
};
