import type PgBoss from 'pg-boss';
import { DomainError } from '../domain/domain-error.js';
import { MAX_PAGE } from '../projections/pages.js';
import { isUuid } from '../uuid.js';
import { QUEUES, deadLetterQueue, isDeadLetterQueue } from './queues.js';

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
  // pg-boss stores what the handler threw as the job's output ({ message, stack, ... }); a
  // dead letter copy carries it over.
  error: job.output ?? null,
  failedAt: (job.completed_on ?? job.created_on) instanceof Date ? ((job.completed_on ?? job.created_on) as Date).toISOString() : null,
  retryCount: job.retry_count as number,
});

const COLUMNS = 'id, name, state, data, output, created_on, completed_on, retry_count';

/** The queue whose failures a dead letter queue keeps. */
const workQueueOf = (deadQueue: string): string => deadQueue.slice(0, -'-dead'.length);

/** A page without `first`; the schema declares it as the default, which the query cost rule prices. */
export const FAILED_JOBS_PAGE = 20;

/**
 * A queue's jobs that failed for good, most recent first. On a dead letter queue, the copies
 * pg-boss made of them: those outlive the failed originals, which are archived after two days.
 */
export const failedJobs = async (boss: PgBoss, queue: string, first: number): Promise<FailedJobView[]> => {
  checkQueue(queue);
  const limit = Math.min(Math.max(first, 1), MAX_PAGE);
  const state = isDeadLetterQueue(queue) ? 'created' : 'failed';
  const { rows } = await boss
    .getDb()
    .executeSql(
      `SELECT ${COLUMNS} FROM pgboss.job WHERE name = $1 AND state = $2 ORDER BY coalesce(completed_on, created_on) DESC, id LIMIT $3`,
      [queue, state, limit],
    );
  return rows.map(view);
};

const jobRow = async (boss: PgBoss, queue: string, id: string): Promise<Record<string, unknown>> => {
  const { rows } = await boss.getDb().executeSql(`SELECT ${COLUMNS} FROM pgboss.job WHERE name = $1 AND id = $2`, [queue, id]);
  return rows[0];
};

/** The dead letter copies of a failure: pg-boss links them to the original only by its data. */
const deleteDeadCopies = async (boss: PgBoss, queue: string, data: unknown): Promise<void> => {
  await boss
    .getDb()
    .executeSql(`DELETE FROM pgboss.job WHERE name = $1 AND state = 'created' AND data = $2::jsonb`, [deadLetterQueue(queue), JSON.stringify(data)]);
};

/**
 * Puts a failed job back in its queue for one more attempt, and clears its dead letter copy.
 * Given a dead letter (a job of `<queue>-dead`), queues its data as a new job of `<queue>`
 * and removes the copy; the new job is returned.
 */
export const retryJob = async (boss: PgBoss, queue: string, id: string): Promise<FailedJobView> => {
  checkQueue(queue);
  if (!isUuid(id)) throw new DomainError('VALIDATION', 'A job id is a UUID');
  const job = await boss.getJobById(queue, id);
  if (!job) throw new DomainError('NOT_FOUND', `No job ${id} in ${queue} (jobs finished long ago are archived)`);
  if (isDeadLetterQueue(queue)) {
    const work = workQueueOf(queue);
    const retried = await boss.send(work, job.data as object);
    if (!retried) throw new DomainError('CONFLICT', `${work} refused the job (one like it is queued already)`);
    await boss.deleteJob(queue, id);
    return view(await jobRow(boss, work, retried));
  }
  if (job.state !== 'failed') throw new DomainError('CONFLICT', `Job ${id} is ${job.state}; only failed jobs can be retried`);
  await boss.retry(queue, id);
  await deleteDeadCopies(boss, queue, job.data);
  return view(await jobRow(boss, queue, id));
};
