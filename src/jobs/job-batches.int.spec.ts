import { setTimeout as sleep } from 'node:timers/promises';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { eachJobOnItsOwn } from './job-batches.js';
import { startJobWorkers } from './job-runner.js';
import { Jobs } from './jobs.js';
import { createQueue } from './queues.js';

let db: TestDatabase;
let jobs: Jobs;

beforeAll(async () => {
  db = await createTestDatabase();
  jobs = new Jobs(db.url);
  await jobs.boss();
});
afterAll(async () => {
  await jobs?.stop();
  await db?.close();
});

const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(200);
  }
};

describe('a queue worked in batches, each job on its own', () => {
  it('fails only the job that failed, which is retried alone, and completes the rest of its batch once each', async () => {
    const queue = 'test-batches';
    const boss = await jobs.boss();
    await createQueue(boss, queue, { retryLimit: 2, retryDelay: 1, retryBackoff: false, expireInSeconds: 30 });
    const ids = (await Promise.all(Array.from({ length: 10 }, (_, n) => boss.send(queue, { n })))).map((id) => id!);
    const runs = new Map<number, number>();
    const handle = eachJobOnItsOwn(jobs, queue, 3, async (job: PgBoss.JobWithMetadata<{ n: number }>) => {
      const { n } = job.data;
      runs.set(n, (runs.get(n) ?? 0) + 1);
      if (n === 4 && runs.get(n) === 1) throw new Error('the first try of job 4 fails');
      return { n };
    });
    const batches: number[] = [];
    await startJobWorkers(jobs, [
      {
        queue,
        batchSize: 10,
        pollingIntervalSeconds: 0.5,
        work: (batch) => {
          batches.push(batch.length);
          return handle(batch as PgBoss.JobWithMetadata<{ n: number }>[]);
        },
      },
    ]);

    const states = async () => Promise.all(ids.map(async (id) => (await boss.getJobById(queue, id))?.state));
    await until('every job completed', async () => (await states()).every((state) => state === 'completed'));
    expect(batches[0]).toBe(10);
    expect([...runs.entries()].sort(([a], [b]) => a - b)).toEqual(Array.from({ length: 10 }, (_, n) => [n, n === 4 ? 2 : 1]));
    // The retry ran alone, a batch of one: its output kept with the job, as without batches.
    expect((await boss.getJobById(queue, ids[4]!))?.output).toEqual({ n: 4 });
  });
});
