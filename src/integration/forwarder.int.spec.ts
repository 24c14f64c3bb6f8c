import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../eventstore/event-store.js';
import { positionAt } from '../eventstore/position.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { readCheckpoint } from '../log-follower/checkpoints.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { anEvent, uniqueStream } from '../../test/events.js';
import { type RunningRollcall, spawnRollcall } from '../../test/spawn-rollcall.js';
import type { IntegrationEvent } from './contract.js';
import { Forwarder, topicFor } from './forwarder.js';

const brokers = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim());
const kafkaSh = path.resolve('infra/kafka/kafka.sh');
const kafkaDir = process.env.KAFKA_DIR ?? path.resolve('.rollcall/kafka');
/** The broker restart test stops and starts the broker, which only works on one kafka.sh runs. */
const kafkaPidFile = path.join(kafkaDir, 'kafka.pid');
const brokerIsOurs = existsSync(kafkaPidFile);
/** CI runs kafka.sh's broker (.ci/run), so there a missing pid file fails the test rather than skipping it. */
const skipBrokerRestart = !brokerIsOurs && !process.env.CI;

if (!brokers && !process.env.CI) process.stdout.write('Kafka suite SKIPPED: set KAFKA_BROKERS\n');
else if (skipBrokerRestart) process.stdout.write(`Kafka broker restart test SKIPPED: no ${kafkaPidFile}, so infra/kafka/kafka.sh did not start this broker\n`);

interface Received {
  event: IntegrationEvent;
  headers: Record<string, string>;
  key: string | undefined;
  /** Topic and partition. */
  partition: string;
}

/** Reads the given topics from the beginning until every id of `wanted` arrived. */
const consumeAll = async (kafkaBrokers: string[], topics: string[], wanted: Set<string>, timeoutMs = 120_000): Promise<Received[]> => {
  const kafka = new Kafka({ clientId: 'forwarder-test', brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
  // Short fetches: a disconnect waits for the one in flight, 5 s by default.
  const consumer = kafka.consumer({ groupId: `test-${randomBytes(6).toString('hex')}`, maxWaitTimeInMs: 100 });
  const received: Received[] = [];
  const missing = new Set(wanted);
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          const event = JSON.parse(message.value!.toString()) as IntegrationEvent;
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
          received.push({ event, headers, key: message.key?.toString(), partition: `${topic}/${partition}` });
          missing.delete(event.id);
          if (missing.size === 0) resolve();
        },
      });
    });
    await Promise.race([
      done,
      sleep(timeoutMs).then(() => {
        throw new Error(`${missing.size} of ${wanted.size} events did not arrive in ${timeoutMs} ms`);
      }),
    ]);
    // Duplicates published after the last new id would arrive now; they must not break the checks.
    await sleep(500);
  } finally {
    await consumer.disconnect();
  }
  return received;
};

/** Per stream, after dropping repeated event ids: the store's ids in revision order, none missing. */
const expectEveryStreamInOrder = async (store: EventStore, streams: string[], received: Received[]): Promise<void> => {
  const byStream = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const { event } of received) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    const list = byStream.get(event.streamId) ?? [];
    list.push(event.id);
    byStream.set(event.streamId, list);
  }
  for (const stream of streams) {
    const stored = (await store.readStream(stream)).map((e) => e.id);
    expect(byStream.get(stream) ?? [], `stream ${stream}`).toEqual(stored);
  }
};

/** Every message keyed by its stream id, and so each stream on one partition: what keeps a stream's order on Kafka. */
const expectKeyedByStream = (received: Received[]): void => {
  expect(received.filter((r) => r.key !== r.event.streamId).map((r) => r.event.id), 'messages not keyed by their stream').toEqual([]);
  const partitions = new Map<string, Set<string>>();
  for (const { event, partition } of received) partitions.set(event.streamId, (partitions.get(event.streamId) ?? new Set()).add(partition));
  expect([...partitions].filter(([, used]) => used.size > 1).map(([stream]) => stream), 'streams on more than one partition').toEqual([]);
};

const kafkaShell = (command: 'start' | 'stop') => promisify(execFile)('bash', [kafkaSh, command], { timeout: 90_000 });

const forwardedPosition = async (db: TestDatabase): Promise<bigint> =>
  (await readCheckpoint(db.pool, { kind: 'forwarder', name: 'kafka' }))?.position?.commit ?? -1n;

/** The last stored position (0 before the first append), once every append has returned. */
const headOf = async (db: TestDatabase): Promise<bigint> => {
  const { rows } = await db.pool.query<{ head: string }>('SELECT coalesce(max(position), 0)::text AS head FROM rollcall.events');
  return BigInt(rows[0]!.head);
};

const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
};

/** Appends `total` single events round-robin over `streams`, `writers` at a time, `pauseMs` between a writer's appends. */
const appendMany = async (store: EventStore, streams: string[], total: number, writers = 8, pauseMs = 0): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < total) {
        const n = next++;
        await store.append(streams[n % streams.length]!, [anEvent('CapacityChanged', { capacity: n })], 'any');
        if (pauseMs) await sleep(pauseMs);
      }
    }),
  );
};

/** Warnings show in the test output: why a forwarder retried is what a failure needs explained. */
const log = {
  info: () => undefined,
  warn: (_: object, line: string) => process.stderr.write(`forwarder: ${line}\n`),
  error: (_: object, line: string) => process.stderr.write(`forwarder: ${line}\n`),
};

const suite = brokers || process.env.CI ? describe : describe.skip;

suite('the Kafka forwarder', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    if (!brokers) throw new Error('KAFKA_BROKERS is not set: CI must run the Kafka suite against a real broker (see .ci/run)');
    db = await createTestDatabase();
    store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  });
  afterAll(async () => {
    await store?.close();
    await db?.close();
  });

  it('publishes every event once per stream, in revision order, keyed by stream, with the envelope in headers', async () => {
    const prefix = `test${randomBytes(4).toString('hex')}.`;
    const streams = [uniqueStream('event'), uniqueStream('checkin'), uniqueStream('account'), uniqueStream('newcategory')];
    for (const stream of streams) await store.append(stream, Array.from({ length: 5 }, (_, n) => anEvent('CapacityChanged', { capacity: n })), 'no_stream');
    const forwarder = new Forwarder({ store, pool: db.pool, brokers: brokers!, topicPrefix: prefix, log });
    await forwarder.start();
    try {
      await appendMany(store, streams, 200, 4);
      await forwarder.caughtUp(positionAt(await headOf(db)), { timeoutMs: 60_000 });
    } finally {
      await forwarder.stop();
    }
    const topics = streams.map((s) => topicFor(prefix, s));
    expect(topics).toEqual([`${prefix}event`, `${prefix}checkin`, `${prefix}account`, `${prefix}newcategory`]);
    const ids = new Set((await Promise.all(streams.map((s) => store.readStream(s)))).flat().map((e) => e.id));
    expect(ids.size).toBe(220);
    const received = await consumeAll(brokers!, topics, ids);
    // Nothing crashed, so nothing is published twice.
    expect(received).toHaveLength(220);
    expectKeyedByStream(received);
    await expectEveryStreamInOrder(store, streams, received);
    const first = (await store.readStream(streams[1]!))[0]!;
    const message = received.find((r) => r.event.id === first.id)!;
    expect(message.event).toMatchObject({
      id: first.id,
      type: 'CapacityChanged',
      version: 1,
      streamId: streams[1],
      revision: '0',
      data: first.data,
      correlationId: first.metadata.correlationId,
    });
    expect(message.headers).toEqual({
      'event-id': first.id,
      type: 'CapacityChanged',
      position: `${first.position.commit}/${first.position.prepare}`,
      'correlation-id': first.metadata.correlationId,
      'causation-id': first.metadata.causationId,
      'schema-version': '1',
    });
  });

  it('hands its lock connection back to the pool with synchronous commits restored', async () => {
    // One connection, so the lock's (where checkpoints commit without a flush) is the one handed back.
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    const forwarder = new Forwarder({ store, pool, brokers: brokers!, topicPrefix: `test${randomBytes(4).toString('hex')}.`, log });
    try {
      await forwarder.start();
      await store.append(uniqueStream('event'), [anEvent('CapacityChanged', { capacity: 1 })], 'no_stream');
      await forwarder.caughtUp(positionAt(await headOf(db)), { timeoutMs: 60_000 });
      await forwarder.stop();
      const { rows } = await pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
      expect(rows[0]!.synchronous_commit).toBe('on');
    } finally {
      await forwarder.stop();
      await pool.end();
    }
  });

  it('loses nothing when the forwarder process is killed with SIGKILL mid-stream and restarted', { timeout: 300_000 }, async () => {
    const prefix = `test${randomBytes(4).toString('hex')}.`;
    const streams = Array.from({ length: 40 }, (_, i) => uniqueStream(i % 2 ? 'event' : 'checkin'));
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url, KAFKA_BROKERS: brokers!.join(','), KAFKA_TOPIC_PREFIX: prefix, LOG_LEVEL: 'warn' };
    delete env.EVENTSTORE_URL;
    const ready = /Forwarding events to Kafka/;
    let child: RunningRollcall | undefined = await spawnRollcall('forwarder', env, ready);
    try {
      const appending = appendMany(store, streams, 10_000, 8);
      await waitFor('the forwarder to publish 2,000 events', async () => (await forwardedPosition(db)) >= 2_000n);
      child.child.kill('SIGKILL');
      await new Promise((resolve) => child!.child.once('exit', resolve));
      const killedAt = await forwardedPosition(db);
      child = await spawnRollcall('forwarder', env, ready);
      await appending;
      const head = await headOf(db);
      expect(killedAt).toBeLessThan(head);
      await waitFor('the restarted forwarder to catch up', async () => (await forwardedPosition(db)) >= head);
      expect(await child.stop()).toBe(0);
      child = undefined;
    } finally {
      child?.child.kill('SIGKILL');
    }
    const ids = new Set((await Promise.all(streams.map((s) => store.readStream(s)))).flat().map((e) => e.id));
    expect(ids.size).toBe(10_000);
    // The forwarder publishes the whole log, the earlier test's streams too.
    const received = await consumeAll(brokers!, [`${prefix}event`, `${prefix}checkin`], ids);
    expectKeyedByStream(received);
    await expectEveryStreamInOrder(store, streams, received);
  });

  it.skipIf(skipBrokerRestart)('loses nothing when the broker stops and starts in the middle of a stream of 10,000 events', { timeout: 300_000 }, async () => {
    if (!brokerIsOurs) throw new Error(`No ${kafkaPidFile}: CI must run the broker restart test on a broker infra/kafka/kafka.sh started (see .ci/run)`);
    const prefix = `test${randomBytes(4).toString('hex')}.`;
    const streams = Array.from({ length: 20 }, () => uniqueStream('event'));
    const forwarder = new Forwarder({ store, pool: db.pool, brokers: brokers!, topicPrefix: prefix, log, backoff: { initialMs: 100, maxMs: 1_000 } });
    await forwarder.start();
    try {
      // Paced (~30 s), so that appends go on while the broker is away.
      const before = await headOf(db);
      let appended = false;
      const appending = appendMany(store, streams, 10_000, 4, 10).then(() => {
        appended = true;
      });
      await waitFor('the forwarder to publish 2,000 of the events', async () => (forwarder.status().position?.commit ?? 0n) >= before + 2_000n);
      await kafkaShell('stop');
      expect(appended, 'all appended before the broker stopped').toBe(false);
      const duringOutage = forwarder.status().position;
      await sleep(2_000);
      expect(forwarder.status().position).toEqual(duringOutage);
      await kafkaShell('start');
      await appending;
      await forwarder.caughtUp(positionAt(await headOf(db)), { timeoutMs: 120_000 });
    } finally {
      await forwarder.stop();
      // Leaves the broker running for whatever runs next, even when this test failed.
      await kafkaShell('start').catch(() => undefined);
    }
    const ids = new Set((await Promise.all(streams.map((s) => store.readStream(s)))).flat().map((e) => e.id));
    expect(ids.size).toBe(10_000);
    // The forwarder publishes the whole log, the earlier tests' event streams too.
    const received = await consumeAll(brokers!, [`${prefix}event`], ids);
    expectKeyedByStream(received);
    await expectEveryStreamInOrder(store, streams, received);
  });
});
