/**
 * The append side of `bench:kafka`'s latency phase, run as its own process as the API is in
 * production: appends one event at a time at BENCH_RATE per second for BENCH_SECONDS over the
 * given streams, each stamped with the wall-clock time just before its append (occurredAt,
 * which its integration event carries), then prints the achieved rate as JSON. It warms up
 * first (connections, JIT) on a stream whose topic the benchmark does not read, so that a fresh
 * process's start-up is not counted as latency.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresEventStore } from '../src/eventstore/postgres/postgres-event-store.js';
import { createPool } from '../src/postgres/pool.js';
import { aRegistration } from './bench-events.js';

const [url, streamsArg] = process.argv.slice(2);
const rate = Number(process.env.BENCH_RATE ?? 1_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const streams = streamsArg!.split(',');

const POOL_SIZE = 16;
const pool = createPool(url!, POOL_SIZE, (error) => console.error(`idle connection lost: ${error.message}`));
const store = new PostgresEventStore({ pool, connectionString: url! });
const clients = await Promise.all(Array.from({ length: POOL_SIZE }, () => pool.connect()));
for (const client of clients) client.release();
const warmup = `warmup-${randomUUID()}`;
for (let i = 0; i < 500; i += POOL_SIZE) await Promise.all(Array.from({ length: POOL_SIZE }, (_, j) => store.append(warmup, [aRegistration(i + j)], 'any')));
// The forwarder publishes the warm-up too; the timed appends start once it has.
await sleep(1_000);

const total = rate * seconds;
const start = performance.now();
const appends: Promise<unknown>[] = [];
for (let i = 0; i < total; i++) {
  const wait = start + (i * 1000) / rate - performance.now();
  if (wait > 1) await sleep(wait);
  appends.push(store.append(streams[i % streams.length]!, [aRegistration(i)], 'any'));
}
await Promise.all(appends);
const achieved = total / ((performance.now() - start) / 1000);
await store.close();
await pool.end();
console.log(JSON.stringify({ appended: total, rate: Math.round(achieved) }));
