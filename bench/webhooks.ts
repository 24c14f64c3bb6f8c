/**
 * bench:webhooks. Delivers BENCH_WEBHOOK_EVENTS published events (default 10,000) to a
 * webhook on a local receiver that checks every signature with the standardwebhooks library,
 * through the whole path: append to the PostgreSQL event store, the dispatcher (a log
 * follower), pg-boss jobs, the batched delivery workers, HTTP. Events are appended at
 * BENCH_WEBHOOK_RATE per second (default 1,200) across BENCH_WEBHOOK_STREAMS streams (default
 * 1,000, so each stream's deliveries also keep their order), one event per append. Reports
 * deliveries/s (from the first append to the last receipt) and the latency from an append's
 * commit to the receipt of its delivery. The receiver runs in a process of its own (this file,
 * started with the argument `receiver`), as it would on another machine: in this one it
 * would take the event loop from the workers it measures. Last line of output: one JSON
 * object with every figure.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventStream } from '../src/domain/streams.js';
import { PostgresEventStore } from '../src/eventstore/postgres/postgres-event-store.js';
import { mailJobs, startJobWorkers } from '../src/jobs/job-runner.js';
import { Jobs } from '../src/jobs/jobs.js';
import { personalDataStore } from '../src/personal-data/personal-data-store.js';
import { migrate } from '../src/postgres/migrate.js';
import { createPool } from '../src/postgres/pool.js';
import { MasterKey } from '../src/security/master-key.js';
import { webhookDeliveryWorker } from '../src/webhooks/delivery-worker.js';
import { WebhookDispatcher } from '../src/webhooks/dispatcher.js';
import { type Receipt, startReceiver } from '../src/webhooks/webhook-receiver.fixture.js';
import { WebhookSecrets } from '../src/webhooks/webhook-secrets.js';
import { WebhookSender } from '../src/webhooks/webhook-sender.js';
import { Webhooks } from '../src/webhooks/webhooks.js';
import { anEvent } from '../test/events.js';
import { openBenchDatabase } from './bench-database.js';

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 10_000);
const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 1_200);
const STREAMS = Number(process.env.BENCH_WEBHOOK_STREAMS ?? 1_000);
/** Appends are started in ticks of this many milliseconds, RATE / (1000 / TICK_MS) each. */
const TICK_MS = 10;
const WAIT_MS = 120_000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const out = (line: string) => process.stdout.write(`${line}\n`);

/** What the receiver process tells of each request. */
interface Received {
  eventId: string;
  streamId: string;
  capacity: number;
  verified: boolean;
  receivedAt: number;
}

/** The receiver process: tells its URL, trusts the secret it is sent, reports every request. */
const runReceiver = async () => {
  const receiver = await startReceiver((receipt: Receipt) => {
    const event = JSON.parse(receipt.body);
    process.send!({ eventId: event.id, streamId: event.streamId, capacity: event.data.capacity, verified: receipt.verified, receivedAt: receipt.receivedAt } satisfies Received);
    return { status: 204 };
  });
  process.on('message', (secret: string) => receiver.trust('/bench', secret));
  process.on('disconnect', () => void receiver.close());
  process.send!({ url: receiver.url('/bench') });
};

const runBench = async (): Promise<void> => {
  const { figures, seconds } = await measure();
  out(
    `Delivered ${figures.delivered}/${EVENTS} (${figures.unverified} failed signature checks, ${figures.streams_out_of_order} streams out of order) in ${round(seconds, 2)} s: ${figures.webhook_deliveries_per_s}/s; append to receipt p50 ${figures.webhook_p50_ms} ms, p99 ${figures.webhook_p99_ms} ms, max ${figures.webhook_max_ms} ms`,
  );
  out(JSON.stringify(figures));
};

/** Everything started, measured and stopped again; the figures. */
const measure = async () => {
  const receiverProcess = fork(fileURLToPath(import.meta.url), ['receiver'], { execArgv: process.execArgv });
  const receipts: Received[] = [];
  const [{ url }] = (await once(receiverProcess, 'message')) as [{ url: string }];
  receiverProcess.on('message', (message: Received) => void receipts.push(message));
  const database = await openBenchDatabase('webhooks');
  const pool = createPool(database.url, 40, (error) => process.stderr.write(`idle connection lost: ${error.message}\n`));
  const masterKey = MasterKey.generate();
  const { store, personalData } = personalDataStore(new PostgresEventStore({ pool, connectionString: database.url }), pool, masterKey);
  const jobs = new Jobs(database.url, { pollingIntervalSeconds: 0.5 });
  const secrets = new WebhookSecrets(masterKey);
  const sender = new WebhookSender({ allowHosts: ['127.0.0.1'] });
  const dispatcher = new WebhookDispatcher({ store, pool, jobs });
  try {
    await migrate(pool);
    await dispatcher.start();
    await startJobWorkers(jobs, [webhookDeliveryWorker({ pool, jobs, secrets, sender, mail: mailJobs(jobs, personalData) })]);
    const admin = { accountId: randomUUID(), roles: ['admin' as const] };
    const webhooks = new Webhooks({ pool, jobs, secrets, allowHosts: ['127.0.0.1'], organizerOf: async () => admin.accountId });
    const { secret } = await webhooks.create(admin, { url, eventTypes: ['CapacityChanged'] });
    receiverProcess.send(secret);

    const streams = Array.from({ length: STREAMS }, () => eventStream(randomUUID()));
    const appendedAt = new Map<string, number>();
    const appendMs: number[] = [];
    const perTick = Math.max(1, Math.round(RATE / (1_000 / TICK_MS)));
    out(`Appending ${EVENTS} events at ${RATE}/s across ${STREAMS} streams; a webhook on every CapacityChanged delivers each to a receiver on 127.0.0.1`);
    const started = performance.now();
    const appends: Promise<void>[] = [];
    for (let n = 0; n < EVENTS; n += perTick) {
      const due = started + (n / RATE) * 1_000;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      for (let i = n; i < Math.min(EVENTS, n + perTick); i++) {
        const event = anEvent('CapacityChanged', { capacity: 10 + i });
        const calledAt = performance.now();
        appends.push(
          store.append(streams[i % STREAMS]!, [event], 'any').then(() => {
            appendedAt.set(event.id, performance.now());
            appendMs.push(performance.now() - calledAt);
          }),
        );
      }
    }
    await Promise.all(appends);
    const appendSeconds = (performance.now() - started) / 1_000;
    const deadline = Date.now() + WAIT_MS;
    while (receipts.length < EVENTS && Date.now() < deadline) await sleep(50);
    // Receipts are stamped in Date.now(); the appends in performance.now(): one clock for both.
    const offset = Date.now() - performance.now();
    const latencies = receipts
      .map((receipt) => receipt.receivedAt - offset - (appendedAt.get(receipt.eventId) ?? Number.NaN))
      .filter((ms) => Number.isFinite(ms))
      .sort((a, b) => a - b);
    const lastReceipt = Math.max(...receipts.map((r) => r.receivedAt)) - offset;
    const seconds = (lastReceipt - started) / 1_000;
    const unverified = receipts.filter((r) => !r.verified).length;
    const outOfOrder = streams.filter((stream) => {
      const capacities = receipts.filter((r) => r.streamId === stream).map((r) => r.capacity);
      return capacities.some((capacity, i) => i > 0 && capacity < capacities[i - 1]!);
    }).length;
    // Where the time goes: append to the dispatcher's transaction, from there to the attempt, the attempt itself.
    const { rows: stages } = await pool.query<{ dispatch_ms: number; queued_ms: number; http_ms: number }>(
      `SELECT extract(epoch FROM d.created_at - (d.body::jsonb->>'occurredAt')::timestamptz) * 1000 AS dispatch_ms,
              extract(epoch FROM a.attempted_at - d.created_at) * 1000 AS queued_ms, a.latency_ms AS http_ms
         FROM rollcall.webhook_deliveries d JOIN rollcall.webhook_attempts a USING (delivery_id)`,
    );
    const stage = (key: keyof (typeof stages)[number]) => round(percentile(stages.map((row) => Number(row[key])).sort((a, b) => a - b), 99));
    const figures = {
      events: EVENTS,
      streams: STREAMS,
      offered_per_s: round(EVENTS / appendSeconds),
      delivered: receipts.length,
      unverified,
      streams_out_of_order: outOfOrder,
      webhook_deliveries_per_s: round(receipts.length / seconds),
      webhook_p50_ms: round(percentile(latencies, 50)),
      webhook_p99_ms: round(percentile(latencies, 99)),
      webhook_max_ms: round(latencies.at(-1) ?? 0),
      p99_append_ms: round(percentile(appendMs.sort((a, b) => a - b), 99)),
      p99_append_to_dispatch_ms: stage('dispatch_ms'),
      p99_dispatch_to_attempt_ms: stage('queued_ms'),
      p99_attempt_ms: stage('http_ms'),
    };
    return { figures, seconds };
  } finally {
    await dispatcher.stop();
    await jobs.stop();
    sender.close();
    receiverProcess.disconnect();
    await store.close();
    await pool.end();
    await database.close();
  }
};

await (process.argv[2] === 'receiver' ? runReceiver() : runBench());
