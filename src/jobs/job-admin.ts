import type PgBoss from 'pg-boss';
import { DomainError } from '../domain/domain-error.js';
import { isUuid } from '../uuid.js';
import { QUEUES, deadLetterQueue } from './queues.js';

export interface JobQueueView {
  name: string;
  /** Waiting to run: new, or failed and waiting for a retry. */
  queued: number;
  active: number;
  /** Failed for good (retries spent); their copies wait in the dead letter queue. */
  failed: number;
  deadLetter: string | null;
}

export interface FailedJobView {
  id: string;
  queue: string;
  state: string;
  data: unknown;
  error: unknown;
  failedAt: string | null;
  retryCount: number;
}

const KNOWN_QUEUES = Object.keys(QUEUES).flatMap((name) => [name, deadLetterQueue(name)]);

const checkQueue = (queue: string): void => {
  if (!KNOWN_QUEUES.includes(queue)) throw new DomainError('VALIDATION', `No queue named "${queue}"; there are ${KNOWN_QUEUES.join(', ')}`);
};

/** Mail jobs carry live one-time tokens (in the token and the text): admins see who and what, not the secret. */
const redacted = (data: unknown): unknown => {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  const copy: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const secret of ['token', 'text']) if (secret in copy) copy[secret] = '[redacted]';
  if (Array.isArray(copy.attachments))
    copy.attachments = copy.attachments.map((a: { filename?: unknown }) => ({ filename: a.filename, content: '[omitted]' }));
  return copy;
};

/** Every queue with its counts of queued, active and failed jobs (dead letter queues included). */
export const jobQueues = async (boss: PgBoss): Promise<JobQueueView[]> => {
  const { rows } = await boss
    .getDb()
    .executeSql(
      `SELECT q.name, q.dead_letter,
              count(j.id) FILTER (WHERE j.state IN ('created', 'retry'))::int AS queued,
              count(j.id) FILTER (WHERE j.state = 'active')::int AS active,
              count(j.id) FILTER (WHERE j.state = 'failed')::int AS failed
         FROM pgboss.queue q LEFT JOIN pgboss.job j ON j.name = q.name
        GROUP BY q.name, q.dead_letter ORDER BY q.name`,
      [],
    );
  return rows.map((row: { name: string; dead_letter: string | null; queued: number; active: number; failed: number }) => ({
    name: row.name,
    queued: row.queued,
    active: row.active,
    failed: row.failed,
    deadLetter: row.dead_letter,
  }));
};

const view = (job: Record<string, unknown>): FailedJobView => ({
  id: job.id as string,
  queue: job.name as string,
  state: job.state as string,
  data: redacted(job.data),
  // pg-boss stores what the handler threw as the job's output ({ message, stack, ... }).
  error: job.output ?? null,
  failedAt: job.completed_on instanceof Date ? job.completed_on.toISOString() : null,
  retryCount: job.retry_count as number,
});

/** The queue's jobs that failed for good, most recent first (they stay until pg-boss archives them). */
export const failedJobs = async (boss: PgBoss, queue: string, first = 20): Promise<FailedJobView[]> => {
  checkQueue(queue);
  const limit = Math.min(Math.max(first, 1), 100);
  const { rows } = await boss
    .getDb()
    .executeSql(
      `SELECT id, name, state, data, output, completed_on, retry_count FROM pgboss.job
        WHERE name = $1 AND state = 'failed' ORDER BY completed_on DESC, id LIMIT $2`,
      [queue, limit],
    );
  return rows.map(view);
};

/** Puts a failed job back in its queue for one more attempt. */
export const retryJob = async (boss: PgBoss, queue: string, id: string): Promise<FailedJobView> => {
  checkQueue(queue);
  if (!isUuid(id)) throw new DomainError('VALIDATION', 'A job id is a UUID');
  const job = await boss.getJobById(queue, id);
  if (!job) throw new DomainError('NOT_FOUND', `No job ${id} in ${queue} (jobs finished long ago are archived)`);
  if (job.state !== 'failed') throw new DomainError('CONFLICT', `Job ${id} is ${job.state}; only failed jobs can be retried`);
  await boss.retry(queue, id);
  const { rows } = await boss
    .getDb()
    .executeSql('SELECT id, name, state, data, output, completed_on, retry_count FROM pgboss.job WHERE name = $1 AND id = $2', [queue, id]);
  return view(rows[0]);
};
