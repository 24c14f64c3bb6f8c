import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import type { IntegrationEvent } from './contract.js';
import { listDeadLetters } from './delivery.js';
import { KafkaReactorConsumer } from './kafka-consumer.js';

const brokers = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim());
if (!brokers && !process.env.CI) process.stdout.write('Kafka consumer suite SKIPPED: set KAFKA_BROKERS\n');
const suite = brokers || process.env.CI ? describe : describe.skip;

const waitFor = async (condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const event = (i: number, streamId: string): IntegrationEvent => ({
  id: randomUUID(),
  type: 'CapacityChanged',
  version: 1,
  streamId,
  revision: String(i),
  position: String(i + 1),
  occurredAt: new Date().toISOString(),
  correlationId: 'c',
  causationId: 'c',
  data: { capacity: i },
});

suite('reactors as a Kafka consumer group', () => {
  let db: TestDatabase;
  let kafka: Kafka;
  const topic = `rollcall-test.${randomUUID().slice(0, 8)}`;
  beforeAll(async () => {
    if (!brokers) throw new Error('KAFKA_BROKERS is not set: CI must run the Kafka suite against a real broker (see .ci/run)');
    db = await createTestDatabase();
    kafka = new Kafka({ clientId: 'rollcall-test', brokers, logLevel: logLevel.WARN });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6, replicationFactor: 1 }, { topic: `${topic}.dead`, numPartitions: 1, replicationFactor: 1 }] });
    await admin.disconnect();
  });
  afterAll(async () => db?.close());

  const publish = async (events: IntegrationEvent[]) => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, messages: events.map((e) => ({ key: e.streamId, value: JSON.stringify(e) })) });
    await producer.disconnect();
  };

  it('shares the partitions between two members, handles every event once, and survives one member stopping', async () => {
    const group = `group-${randomUUID().slice(0, 8)}`;
    const handled = new Map<string, number>();
    const reactor = { name: group, handle: async (e: IntegrationEvent) => void handled.set(e.id, (handled.get(e.id) ?? 0) + 1) };
    const members = [0, 1].map(
      () => new KafkaReactorConsumer({ brokers: brokers!, topics: [topic], deadLetterTopic: `${topic}.dead`, pool: db.pool, reactor }),
    );
    await Promise.all(members.map((m) => m.start()));
    const first = Array.from({ length: 400 }, (_, i) => event(i, `event-${i % 40}`));
    await publish(first);
    await waitFor(() => first.every((e) => handled.has(e.id)), 'the first 400 events');
    expect(members.every((m) => m.seen.length > 0)).toBe(true);

    await members[0]!.stop();
    const second = Array.from({ length: 200 }, (_, i) => event(400 + i, `event-${i % 40}`));
    await publish(second);
    await waitFor(() => second.every((e) => handled.has(e.id)), 'the events after the rebalance');
    await waitFor(async () => (await members[1]!.lag()) === 0, 'a lag of 0');
    await members[1]!.report();
    await members[1]!.stop();
    expect([...handled.values()].every((n) => n === 1)).toBe(true);
    expect(handled.size).toBe(600);
  }, 120_000);

  it('sends a poison message to the dead letters, in the table and on the dead-letter topic', async () => {
    const group = `group-${randomUUID().slice(0, 8)}`;
    const poison = event(13, 'event-poison');
    const reactor = { name: group, handle: async (e: IntegrationEvent) => (e.id === poison.id ? Promise.reject(new Error('bad data')) : undefined) };
    const member = new KafkaReactorConsumer({ brokers: brokers!, topics: [topic], deadLetterTopic: `${topic}.dead`, pool: db.pool, reactor, retry: { attempts: 2, backoffMs: 1 } });
    await member.start();
    await publish([poison]);
    await waitFor(async () => (await listDeadLetters(db.pool, group)).length === 1, 'the dead letter');
    await member.stop();
    const dead: string[] = [];
    const reader = kafka.consumer({ groupId: `reader-${randomUUID().slice(0, 8)}` });
    await reader.connect();
    await reader.subscribe({ topics: [`${topic}.dead`], fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void dead.push(message.headers?.['event-id']?.toString() ?? '') });
    await waitFor(() => dead.includes(poison.id), 'the message on the dead-letter topic');
    await reader.disconnect();
  }, 120_000);
});
