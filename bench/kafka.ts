/**
 * The Kafka forwarder against a real broker (KAFKA_BROKERS; `npm run kafka:start` runs one):
 *  1. throughput: seeds BENCH_EVENTS events (default 100,000) over 1,000 streams through the
 *     PostgreSQL store, then times a fresh forwarder from start until Kafka acknowledged the
 *     last of them (events/s from store to broker acknowledgement);
 *  2. latency: with the forwarder now in its own process (the `forwarder` role), a separate
 *     process (bench/kafka-load.ts, as the API is in production) appends
 *     BENCH_RATE events per second (default 1,000) for BENCH_SECONDS (default 10) while the
 *     forwarder runs and a reactor reads the topic through KafkaReactorConsumer (the ml-worker's
 *     consumer group, with its de-duplication); each is timed from its occurredAt, stamped just
 *     before its append, to the reactor's handler receiving it (wall clock, millisecond precision).
 * Last line of output: one JSON object with every figure.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../src/config.js';
import { positionAt } from '../src/eventstore/position.js';
import { PostgresEventStore } from '../src/eventstore/postgres/postgres-event-store.js';
import type { IntegrationEvent } from '../src/integration/contract.js';
import { Forwarder } from '../src/integration/forwarder.js';
import { KafkaReactorConsumer, reactorGroupId } from '../src/integration/kafka-consumer.js';
import { migrate } from '../src/postgres/migrate.js';
import { openBenchDatabase } from './bench-database.js';
import { aRegistration } from './bench-events.js';
import { createPool } from '../src/postgres/pool.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const STREAMS = 1_000;
const WRITERS = 16;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

interface Child {
  /** Resolves once the process printed `ready`. */
  ready: Promise<void>;
  /** Resolves with the process's exit code and what it printed. */
  exited: Promise<{ code: number | null; output: string }>;
  stop(): Promise<void>;
}

/** Runs a TypeScript entry point of this repository as its own Node process. */
const runNode = (script: string, args: string[], env: NodeJS.ProcessEnv = process.env, ready = /$/): Child => {
  const child = spawn(process.execPath, ['--import', 'tsx/esm', new URL(script, import.meta.url).pathname, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  let markReady!: () => void;
  const isReady = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (ready.test(output)) markReady();
  });
  const exited = new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
  return {
    ready: Promise.race([isReady, exited.then(({ code, output: printed }) => Promise.reject(new Error(`${script} exited with ${code}: ${printed}`)))]),
    exited,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
};

const main = async () => {
  const brokers = loadConfig().kafkaBrokers;
  if (!brokers) {
    console.error('bench:kafka needs a broker: set KAFKA_BROKERS (e.g. `npm run kafka:start` and KAFKA_BROKERS=127.0.0.1:9092)');
    process.exit(1);
  }
  const database = await openBenchDatabase('kafka');
  const { url } = database;
  const pool = createPool(url, 24, (error) => console.error(`idle connection lost: ${error.message}`));
  await migrate(pool);
  const store = new PostgresEventStore({ pool, connectionString: url });
  const topicPrefix = `bench${randomBytes(4).toString('hex')}.`;
  const streams = Array.from({ length: STREAMS }, () => `event-${randomUUID()}`);

  // Seed, in appends of 10 so seeding is quick; the forwarder reads them one by one from the log.
  const seedStart = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < EVENTS) {
        const n = next;
        next += 10;
        await store.append(streams[(n / 10) % STREAMS]!, Array.from({ length: Math.min(10, EVENTS - n) }, (_, i) => aRegistration(n + i)), 'any');
      }
    }),
  );
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const { rows } = await pool.query<{ head: string }>('SELECT max(position)::text AS head FROM rollcall.events');
  const head = positionAt(BigInt(rows[0]!.head));
  console.log(`seeded ${EVENTS} events in ${seedSeconds.toFixed(1)} s`);

  // 1. Throughput: from start (connect, create topics) to the last seeded event acknowledged.
  const forwarder = new Forwarder({ store, pool, brokers, topicPrefix });
  const forwardStart = performance.now();
  await forwarder.start();
  await forwarder.caughtUp(head, { timeoutMs: 600_000 });
  const forwardSeconds = (performance.now() - forwardStart) / 1000;
  const forwardPerS = EVENTS / forwardSeconds;
  console.log(`forwarded ${EVENTS} events in ${forwardSeconds.toFixed(1)} s: ${Math.round(forwardPerS)} events/s`);

  // 2. Latency at a steady rate, from an append in another process to a reactor's handler,
  // through the consumer the ml-worker runs (a consumer group, de-duplication by event id).
  const latencies: number[] = [];
  const reactor = {
    name: `bench-${randomBytes(4).toString('hex')}`,
    handle: async (event: IntegrationEvent) => void latencies.push(Date.now() - Date.parse(event.occurredAt)),
  };
  const topic = `${topicPrefix}event`;
  // The group starts at the end of the topic: the seeded events are not part of this measurement.
  const admin = new Kafka({ clientId: 'bench-kafka', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.setOffsets({ groupId: reactorGroupId(topicPrefix, reactor.name), topic, partitions: ends.map(({ partition, high }) => ({ partition, offset: high })) });
  await admin.disconnect();
  // The forwarder goes on in a process of its own, as the `forwarder` role runs in production.
  await forwarder.stop();
  const forwarding = runNode('../src/main.ts', ['forwarder'], {
    ...process.env,
    DATABASE_URL: url,
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC_PREFIX: topicPrefix,
    LOG_LEVEL: 'warn',
    METRICS_PORT: '0',
    // One client machine sending thousands of commands a minute: the limits a real door would never reach.
    RATE_LIMITS: 'off',
  }, /Forwarding events to Kafka/);
  await forwarding.ready;
  const consumer = new KafkaReactorConsumer({ brokers, topicPrefix, topics: [topic], deadLetterTopic: `${topicPrefix}dead-letters`, pool, reactor });
  await consumer.start();
  await sleep(1_000);
  const total = RATE * SECONDS;
  const appended = await runNode('./kafka-load.ts', [url, streams.join(',')]).exited;
  if (appended.code !== 0) throw new Error(`kafka-load exited with ${appended.code}: ${appended.output}`);
  const load = JSON.parse(appended.output.trim().split('\n').pop()!) as { appended: number; rate: number };
  const until = performance.now() + 30_000;
  while (latencies.length < total && performance.now() < until) await sleep(50);
  await consumer.stop();
  await forwarding.stop();
  await store.close();
  await pool.end();
  await database.close();

  latencies.sort((a, b) => a - b);
  const median = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  console.log(`latency at ${RATE} events/s over ${latencies.length} of ${total} events: median ${median.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
  console.log(
    JSON.stringify({
      events_seeded: EVENTS,
      seed_events_per_s: Math.round(EVENTS / seedSeconds),
      forward_events_per_s: Math.round(forwardPerS),
      forward_seconds: round(forwardSeconds),
      e2e_rate: RATE,
      e2e_events: latencies.length,
      e2e_missing: total - latencies.length,
      e2e_median_ms: round(median),
      e2e_p99_ms: round(p99),
      append_rate_achieved: load.rate,
    }),
  );
  if (latencies.length < total) process.exitCode = 1;
};

await main();
