import type pg from 'pg';
import { DomainError } from '../domain/domain-error.js';
import type { Reactor } from '../integration/delivery.js';
import type { FollowerLog } from '../log-follower/follower-log.js';
import { TicketMail } from '../jobs/ticket-mail-reactor.js';
import type { Jobs } from '../jobs/jobs.js';
import { FaceVerification, type FaceVerificationDependencies } from './face-verification.js';
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
  /**
   * What face verification needs (the models among it), where it runs: the ml-worker. The
   * admin tools, which build this list to replay dead letters, run no face models and leave
   * it out: a face-verification dead letter is a scan left face_pending, its photo gone within
   * 10 minutes, which the door settles by scanning again or checking in by hand.
   */
  faces?: Omit<FaceVerificationDependencies, 'log'>;
}

/**
 * Every reactor the ml-worker runs. The admin tools build the same list to find the reactor
 * behind a dead letter's consumer name, so a replay runs the very handler that failed.
 */
export const createReactors = (deps: ReactorDependencies): WorkerReactor[] => [
  new ForecastTrigger(deps.jobs, deps.log),
  new TicketMail(deps),
  ...(deps.faces ? [new FaceVerification({ ...deps.faces, log: deps.log })] : []),
];

export const reactorNamed = (reactors: readonly WorkerReactor[], name: string): WorkerReactor => {
  const reactor = reactors.find((r) => r.name === name);
  if (!reactor) throw new DomainError('VALIDATION', `No reactor named "${name}"; reactors: ${reactors.map((r) => r.name).join(', ')}`);
  return reactor;
};
