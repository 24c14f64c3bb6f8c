import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { type PostgresSigningKeysOptions, postgresSigningKeys } from '../commands/accounts/postgres-signing-keys.js';
import { TokenService } from '../commands/accounts/token-service.js';
import { TicketCodes } from '../commands/tickets/ticket-codes.js';
import type { EmailClaims } from '../commands/accounts/email-claims.js';
import type { EventStore } from '../eventstore/event-store.js';
import type { Logger } from 'pino';
import { traceOf } from '../eventstore/trace.js';
import type { PersonalDataKeys } from '../personal-data/personal-data-keys.js';
import type { Jobs } from './jobs.js';
import { MailJobs, type MailStillDue, type Mailer, deliverMail, openMailer } from './mailer.js';
import { MAIL_QUEUE, SESSION_REMINDER_QUEUE, TICKET_DELIVERY_QUEUE } from './queues.js';
import { SESSION_REMINDER_CRON, reminderStillDue, sweepSessionReminders } from './session-reminders.js';
import { TICKET_DELIVERY_WORK, type TicketDeliveryData, deliverTicket } from './ticket-delivery.js';
import { eachJobOnItsOwn } from './job-batches.js';
import { tokenMailDue } from './token-mail.js';

/** A queue's handler, and its schedule when pg-boss is to queue its jobs by itself. */
export interface JobWorker {
  readonly queue: string;
  /** Takes the batch pg-boss hands over: one job, with its metadata (a method, so that each handler names its queue's data). */
  work(jobs: PgBoss.JobWithMetadata<unknown>[]): Promise<unknown>;
  /** A cron expression in UTC. Schedules live in pg-boss's tables; one instance a minute turns them into jobs. */
  readonly cron?: string;
  /** Jobs per fetch (default 1), for a queue whose jobs are many and short; `work` then takes them all, and a throw fails them all. */
  readonly batchSize?: number;
  /** Fetches in flight at once in this process (default 1). */
  readonly concurrency?: number;
  /** How long a worker that found nothing waits before it asks again (pg-boss's default 2 s; 0.5 at least). */
  readonly pollingIntervalSeconds?: number;
}

/** Where job workers tell what they did: a line per job with its trace, and each job's outcome and seconds (the job metrics). */
export interface JobObservers {
  log?: Logger;
  done?: (queue: string, outcome: 'ok' | 'failed', seconds: number) => void;
}

/**
 * A worker's handler, timed and logged: each job's line carries its queue, id and the
 * correlation and causation ids its data carries (the request it goes out for), and says what
 * it came to or why it failed (pg-boss then retries it, and dead-letters it in the end).
 */
const observed =
  ({ queue, work }: JobWorker, { log, done }: JobObservers): JobWorker['work'] =>
  async (batch) => {
    const job = batch[0]!;
    const jobLog = log?.child({ queue, jobId: job.id, ...traceOf(job.data) });
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1_000;
    try {
      const output = await work(batch);
      done?.(queue, 'ok', seconds());
      jobLog?.info({ output }, `job ${queue} done`);
      return output;
    } catch (error) {
      done?.(queue, 'failed', seconds());
      jobLog?.warn({ err: error, retryCount: job.retryCount }, `job ${queue} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  };

/**
 * Works the given queues in this process (the projector's) and keeps their schedules. One job
 * at a time per queue, so a failure fails only its own job, unless a worker asks for batches
 * (`batchSize`, and `concurrency` fetches side by side). Which handler works which queue is
 * wired where the process is put together (src/main.ts).
 */
export const startJobWorkers = async (jobs: Jobs, workers: readonly JobWorker[], observers: JobObservers = {}): Promise<void> => {
  const boss = await jobs.boss();
  for (const worker of workers) {
    const work = observed(worker, observers);
    // pg-boss waits out its polling interval (2 s) after every fetch, one that found a job too:
    // a queue drained at one job per 2 s per process, and 200 sign-ups waited minutes for their
    // verification mail. Woken after each job, the worker asks for the next at once; only a poll
    // that finds nothing waits. A failed job is not fetched again before its retry delay.
    const options = { batchSize: worker.batchSize ?? 1, includeMetadata: true as const, ...(worker.pollingIntervalSeconds ? { pollingIntervalSeconds: worker.pollingIntervalSeconds } : {}) };
    for (let i = 0; i < (worker.concurrency ?? 1); i++) {
      let workerId: string | undefined;
      workerId = await boss.work(worker.queue, options, async (batch) => {
        try {
          return await work(batch);
        } finally {
          if (workerId) boss.notifyWorker(workerId);
        }
      });
    }
    if (worker.cron) await boss.schedule(worker.queue, worker.cron, {}, { tz: 'UTC' });
  }
};

export interface MailWorkerDependencies {
  jobs: Jobs;
  pool: pg.Pool;
  /** Read by token mail, to send a one-time token only once its append happened. */
  store: EventStore;
  mailer: Mailer;
  codes: TicketCodes;
  /** Opens the mail queued sealed under its recipient's key. */
  keys: PersonalDataKeys;
  /** Tells whether an account still holds its address, for token mail. */
  claims: EmailClaims;
}

/** The mail this folder sends: account mail, tickets, and the session reminder sweep. */
export const mailWorkers = (deps: MailWorkerDependencies): JobWorker[] => [
  { queue: MAIL_QUEUE, work: deliverMail(deps.mailer, deps.keys, mailStillDue(deps)) },
  {
    queue: TICKET_DELIVERY_QUEUE,
    batchSize: TICKET_DELIVERY_WORK.batchSize,
    concurrency: TICKET_DELIVERY_WORK.concurrency,
    work: eachJobOnItsOwn(deps.jobs, TICKET_DELIVERY_QUEUE, TICKET_DELIVERY_WORK.atOnce, (job: PgBoss.JobWithMetadata<TicketDeliveryData>) => deliverTicket(deps, job.data)),
  },
  { queue: SESSION_REMINDER_QUEUE, cron: SESSION_REMINDER_CRON, work: () => sweepSessionReminders({ pool: deps.pool, mail: mailJobs(deps.jobs, deps.keys) }) },
];

/** {@link mailWorkers} as a process runs them: by SMTP when configured, tickets signed with the shared ticket key. */
export const mailWorkersOn = (
  { jobs, pool, store, keys, claims }: Pick<MailWorkerDependencies, 'jobs' | 'pool' | 'store' | 'keys' | 'claims'>,
  mail: { smtpUrl: string | undefined; outboxDir: string; from?: string },
  signing: PostgresSigningKeysOptions,
): JobWorker[] => {
  const tokens = new TokenService(postgresSigningKeys(pool, signing));
  return mailWorkers({ jobs, pool, store, keys, claims, mailer: openMailer(mail), codes: new TicketCodes(() => tokens.ticketKeys()) });
};

/** Reminders and token mail are checked again as they go out; other mail always goes. */
const mailStillDue = ({ pool, store, claims }: MailWorkerDependencies): MailStillDue => {
  const reminder = reminderStillDue(pool);
  const token = tokenMailDue(store, claims);
  return async (data, queuedAt) => {
    if (data.reminder) return reminder(data.reminder);
    if (data.oneTimeToken) return token(data.oneTimeToken, queuedAt);
    return true;
  };
};

/** Account mail as `mail` jobs, for AccountCommands. */
export const mailJobs = (jobs: Jobs, keys: PersonalDataKeys): MailJobs => new MailJobs(() => jobs.boss(), keys);
