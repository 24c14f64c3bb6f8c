import type PgBoss from 'pg-boss';
import { inParallel } from '../imports/in-parallel.js';
import type { Jobs } from './jobs.js';

/**
 * The work of a queue fetched in batches (`JobWorker.batchSize`), each job settled on its
 * own: `handle` runs on the jobs `atOnce` side by side; a job whose handling throws is failed
 * alone (pg-boss retries it, and dead-letters it in the end) and the rest complete with the
 * batch. A batch of one is a single job, its output kept with it and its failure thrown, as
 * without batches. A larger batch's output, which is logged and which pg-boss keeps with none
 * of its jobs, is each job's output (or why it failed) by job id.
 */
export const eachJobOnItsOwn =
  <T>(jobs: Jobs, queue: string, atOnce: number, handle: (job: PgBoss.JobWithMetadata<T>) => Promise<unknown>) =>
  async (batch: PgBoss.JobWithMetadata<T>[]): Promise<unknown> => {
    if (batch.length === 1) return handle(batch[0]!);
    const settled = await inParallel(batch, atOnce, (job) =>
      handle(job).then(
        (output) => ({ output }),
        (error: unknown) => ({ failed: error instanceof Error ? error.message : String(error) }),
      ),
    );
    const boss = await jobs.boss();
    for (const [i, job] of batch.entries()) {
      const outcome = settled[i]!;
      if ('failed' in outcome) await boss.fail(queue, job.id, { message: outcome.failed });
    }
    return Object.fromEntries(batch.map((job, i) => [job.id, settled[i]!]));
  };
