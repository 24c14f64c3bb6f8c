/**
 * A worker process for jobs.int.spec.ts: takes one job of the queue, says so, and never
 * finishes it, until the test kills it with SIGKILL. Not a test file and not shipped.
 */
import PgBoss from 'pg-boss';

const [url, queue] = process.argv.slice(2);
const boss = new PgBoss({ connectionString: url!, schema: 'pgboss', supervise: false, schedule: false, max: 2 });
await boss.start();
await boss.work(queue!, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
  process.stdout.write(`started ${job!.id}\n`);
  await new Promise(() => undefined);
});
process.stdout.write('working\n');
