import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { startJobWorkers } from './job-runner.js';
import { Jobs } from './jobs.js';
import { createQueue, deadLetterQueue } from './queues.js';

let db: TestDatabase;
let jobs: Jobs;

beforeAll(async () => {
  db = await createTestDatabase();
  jobs = new Jobs(db.url, { maintenanceIntervalSeconds: 1 });
  await jobs.boss();
});
afterAll(async () => {
  await jobs?.stop();
  await db?.close();
});

const until = async <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(200);
  }
};

const stateOf = async (queue: string, id: string) => (await (await jobs.boss()).getJobById(queue, id))?.state;

describe('retries', () => {
  it('runs a job that fails twice and then succeeds exactly three times, with backoff between', async () => {
    const boss = await jobs.boss();
    await createQueue(boss, 'test-flaky', { retryLimit: 2, retryDelay: 1, retryBackoff: true, expireInSeconds: 30 });
    const attempts: number[] = [];
    await boss.work('test-flaky', { batchSize: 1, pollingIntervalSeconds: 0.5 }, async () => {
      attempts.push(Date.now());
      if (attempts.length <= 2) throw new Error(`attempt ${attempts.length} fails`);
      return { ok: true };
    });
    const id = (await boss.send('test-flaky', { n: 1 }))!;
    await until('completion', async () => ((await stateOf('test-flaky', id)) === 'completed' ? true : undefined));
    await sleep(4_000); // long enough for a wrongly scheduled fourth attempt
    expect(attempts).toHaveLength(3);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(900);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(900);
    expect(await boss.getQueueSize(deadLetterQueue('test-flaky'))).toBe(0);
  });

  it('moves a job whose retries are spent to the dead letter queue', async () => {
    const boss = await jobs.boss();
    await createQueue(boss, 'test-doomed', { retryLimit: 1, retryDelay: 1, retryBackoff: false, expireInSeconds: 30 });
    let attempts = 0;
    await boss.work('test-doomed', { batchSize: 1, pollingIntervalSeconds: 0.5 }, async () => {
      attempts += 1;
      throw new Error('always broken');
    });
    const id = (await boss.send('test-doomed', { n: 2 }))!;
    await until('failure', async () => ((await stateOf('test-doomed', id)) === 'failed' ? true : undefined));
    expect(attempts).toBe(2);
    const [dead] = await boss.fetch<{ n: number }>(deadLetterQueue('test-doomed'));
    expect(dead?.data).toEqual({ n: 2 });
  });
});

describe('a job worker', () => {
  it('works waiting jobs back to back, not one per polling interval', async () => {
    const boss = await jobs.boss();
    const queue = 'test-burst';
    await createQueue(boss, queue, { retryLimit: 0, retryDelay: 1, retryBackoff: false, expireInSeconds: 30 });
    const ids = await Promise.all(Array.from({ length: 10 }, (_, n) => boss.send(queue, { n })));
    const done: number[] = [];
    await startJobWorkers(jobs, [{ queue, work: async () => void done.push(Date.now()) }]);
    await until('every job done', async () => (done.length === ids.length ? true : undefined), 30_000);
    // At pg-boss's default polling interval of 2 s a job, ten jobs took 18 s or more. Timed from
    // the first job, not from the start: how soon the first poll comes is not in question, and on
    // a busy machine starting the worker can take a good part of the bound.
    expect(Math.max(...done) - Math.min(...done)).toBeLessThan(5_000);
  });
});

describe('a worker killed mid-job', () => {
  it('loses no job: another worker takes it after it expires and completes it once', async () => {
    const boss = await jobs.boss();
    const queue = 'test-crash';
    await createQueue(boss, queue, { retryLimit: 2, retryDelay: 1, retryBackoff: false, expireInSeconds: 3 });
    const id = (await boss.send(queue, { n: 3 }))!;

    const child = spawn(process.execPath, ['--import', 'tsx/esm', 'src/jobs/hanging-worker.fixture.ts', db.url, queue], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await until(`the child to take the job (${output})`, async () => (output.includes(`started ${id}`) ? true : undefined));
    expect(await stateOf(queue, id)).toBe('active');
    child.kill('SIGKILL');
    await exited;

    // The second worker: this process, whose pg-boss maintenance expires the abandoned attempt.
    const completions: string[] = [];
    await boss.work(queue, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
      completions.push(job!.id);
    });
    await until('completion by the second worker', async () => ((await stateOf(queue, id)) === 'completed' ? true : undefined));
    await sleep(2_000);
    expect(completions).toEqual([id]);
    const job = await boss.getJobById(queue, id);
    expect(job?.retryCount).toBe(1);
  });
});

describe('the job queues connection', () => {
  it('tries again on the next call when the database was unreachable at the first', async () => {
    const name = `late_${Date.now().toString(36)}`;
    const url = new URL(db.url);
    url.pathname = `/${name}`;
    const late = new Jobs(url.toString());
    try {
      await expect(late.boss()).rejects.toThrow(name);
      // By the owner, for the app role: Rollcall's processes cannot create databases.
      const owner = new pg.Client({ connectionString: db.ownerUrl });
      await owner.connect();
      await owner.query(`CREATE DATABASE ${name} OWNER ${url.username}`).finally(() => owner.end());
      await expect(late.boss()).resolves.toBeDefined();
    } finally {
      await late.stop();
    }
  });
});
