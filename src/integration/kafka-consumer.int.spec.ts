import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Admin, Kafka, type KafkaMessage, type Message, Partitioners, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import type { IntegrationEvent } from './contract.js';
import { type Reactor, type RetryPolicy, listDeadLetters } from './delivery.js';
import { KafkaReactorConsumer, reactorGroupId } from './kafka-consumer.js';
import { createTopics } from './kafka-topics.js';

const brokers = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim());
if (!brokers && !process.env.CI) process.stdout.write('Kafka consumer suite SKIPPED: set KAFKA_BROKERS\n');
/** Short fetches, so that a consumer stops at once rather than after kafkajs' 5 s wait at the broker. */
const FETCH_WAIT_MS = 100;
const suite = brokers || process.env.CI ? describe : describe.skip;

const waitFor = async (condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(100);
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

const toMessage = (e: IntegrationEvent): Message => ({ key: e.streamId, value: JSON.stringify(e) });

const headersOf = (message: KafkaMessage): Record<string, string> =>
  Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));

suite('reactors as a Kafka consumer group', () => {
  let db: TestDatabase;
  let kafka: Kafka;
  let admin: Admin;
  beforeAll(async () => {
    if (!brokers) throw new Error('KAFKA_BROKERS is not set: CI must run the Kafka suite against a real broker (see .ci/run)');
    db = await createTestDatabase();
    kafka = new Kafka({ clientId: 'rollcall-test', brokers, logLevel: logLevel.WARN });
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
    await db?.close();
  });

  /** A deployment's prefix, a topic of six partitions under it and its dead-letter topic, new for each test so that no test reads another's messages. */
  const newTopics = async () => {
    const topicPrefix = `rollcall-test.${randomUUID().slice(0, 8)}.`;
    const topic = `${topicPrefix}event`;
    const deadLetterTopic = `${topicPrefix}dead-letters`;
    await createTopics(admin, [
      { topic, numPartitions: 6, replicationFactor: 1 },
      { topic: deadLetterTopic, numPartitions: 1, replicationFactor: 1 },
    ]);
    return { topicPrefix, topic, deadLetterTopic };
  };

  /** A member of `reactor`'s group in the deployment `newTopics` made, reading its one topic. */
  const memberOf = (
    { topicPrefix, topic, deadLetterTopic }: Awaited<ReturnType<typeof newTopics>>,
    reactor: Reactor,
    options: { retry?: RetryPolicy; log?: (line: string) => void } = {},
  ) => new KafkaReactorConsumer({ brokers: brokers!, fetchWaitMs: FETCH_WAIT_MS, topicPrefix, topics: [topic], deadLetterTopic, pool: db.pool, reactor, ...options });

  const publish = async (topic: string, messages: Message[]) => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, messages });
    await producer.disconnect();
  };

  /** The first `count` messages of a topic. */
  const readAll = async (topic: string, count: number): Promise<KafkaMessage[]> => {
    const messages: KafkaMessage[] = [];
    const reader = kafka.consumer({ groupId: `reader-${randomUUID().slice(0, 8)}`, maxWaitTimeInMs: FETCH_WAIT_MS });
    await reader.connect();
    try {
      await reader.subscribe({ topics: [topic], fromBeginning: true });
      await reader.run({ eachMessage: async ({ message }) => void messages.push(message) });
      await waitFor(() => messages.length >= count, `${count} messages on ${topic}`);
    } finally {
      await reader.disconnect();
    }
    return messages.slice(0, count);
  };

  it('shares the partitions between two members and, when one stops mid-stream, the other handles the rest: every event once', async () => {
    const deployment = await newTopics();
    const { topicPrefix, topic } = deployment;
    const group = `group-${randomUUID().slice(0, 8)}`;
    // Event ids each member's handler finished, in order. The pause keeps the stream going long
    // enough to stop a member in the middle of it.
    const handledBy: [string[], string[]] = [[], []];
    const members = handledBy.map((handled) =>
      memberOf(deployment, {
        name: group,
        handle: async (e: IntegrationEvent) => {
          await sleep(5);
          handled.push(e.id);
        },
      }),
    );
    await Promise.all(members.map((m) => m.start()));
    await waitFor(async () => {
      const [described] = (await admin.describeGroups([reactorGroupId(topicPrefix, group)])).groups;
      return described?.state === 'Stable' && described.members.length === 2;
    }, 'both members to join the group');

    const events = Array.from({ length: 1_000 }, (_, i) => event(i, `event-${i % 100}`));
    await publish(topic, events.map(toMessage));
    await waitFor(() => handledBy[0].length >= 50 && handledBy[1].length > 0, 'both members to handle events');
    await members[0]!.stop();
    const atStop = handledBy.map((handled) => handled.length);
    expect(atStop[0]! + atStop[1]!, 'events handled when member 0 stopped').toBeLessThan(events.length / 2);

    await waitFor(async () => (await members[1]!.lag()) === 0, 'a lag of 0');
    await members[1]!.report();
    await members[1]!.stop();
    const handledTimes = new Map<string, number>();
    for (const id of handledBy.flat()) handledTimes.set(id, (handledTimes.get(id) ?? 0) + 1);
    expect(events.filter((e) => handledTimes.get(e.id) !== 1).map((e) => e.id), 'events not handled exactly once').toEqual([]);
    expect(handledBy[0], 'member 0 after it stopped').toHaveLength(atStop[0]!);
    expect(handledBy[1].length, 'member 1 after member 0 stopped').toBeGreaterThan(atStop[1]!);
    const processed = await db.pool.query<{ event_id: string }>('SELECT event_id FROM rollcall.consumer_processed WHERE consumer = $1', [group]);
    expect(processed.rows.map((row) => row.event_id).sort()).toEqual(events.map((e) => e.id).sort());
    const lag = await db.pool.query<{ lag: string }>('SELECT lag FROM rollcall.consumer_lag WHERE consumer = $1', [group]);
    expect(lag.rows).toEqual([{ lag: '0' }]);
  }, 120_000);

  it('sends a poison message to the dead letters, in the table and on the dead-letter topic with the error', async () => {
    const deployment = await newTopics();
    const { topic, deadLetterTopic } = deployment;
    const group = `group-${randomUUID().slice(0, 8)}`;
    const poison = event(13, 'event-poison');
    const reactor = { name: group, handle: async (e: IntegrationEvent) => (e.id === poison.id ? Promise.reject(new Error('bad data')) : undefined) };
    const member = memberOf(deployment, reactor, { retry: { attempts: 2, backoffMs: 1 } });
    await member.start();
    await publish(topic, [{ ...toMessage(poison), partition: 4 }]);
    await waitFor(async () => (await listDeadLetters(db.pool, group)).length === 1, 'the dead letter');
    await member.stop();
    expect((await listDeadLetters(db.pool, group))[0]).toMatchObject({ eventId: poison.id, error: 'bad data', attempts: 2 });
    const [dead] = await readAll(deadLetterTopic, 1);
    expect(dead!.value?.toString()).toBe(JSON.stringify(poison));
    expect(headersOf(dead!)).toEqual({
      consumer: group,
      'event-id': poison.id,
      error: 'bad data',
      'source-topic': topic,
      'source-partition': '4',
      'source-offset': '0',
    });
  }, 120_000);

  it('sets malformed messages aside on the dead-letter topic with the error, and handles the events after them', async () => {
    const deployment = await newTopics();
    const { topic, deadLetterTopic } = deployment;
    const group = `group-${randomUUID().slice(0, 8)}`;
    const handled: string[] = [];
    const logged: string[] = [];
    const reactor = { name: group, handle: async (e: IntegrationEvent) => void handled.push(e.id) };
    const member = memberOf(deployment, reactor, { log: (line) => void logged.push(line) });
    await member.start();
    const before = [event(0, 'event-1'), event(1, 'event-1')];
    const after = [event(2, 'event-1'), event(3, 'event-1')];
    const notJson = 'not json';
    const noUuid = JSON.stringify({ ...event(4, 'event-1'), id: 'event-1-4' });
    // One partition, so that the malformed messages sit in front of the later events.
    const messages = [...before.map(toMessage), { value: notJson }, { value: noUuid }, ...after.map(toMessage)];
    await publish(topic, messages.map((m) => ({ ...m, partition: 2 })));
    await waitFor(() => handled.length === before.length + after.length, 'the events after the malformed messages');
    await member.stop();
    expect(handled).toEqual([...before, ...after].map((e) => e.id));
    const dead = await readAll(deadLetterTopic, 2);
    expect(dead.map((m) => m.value?.toString())).toEqual([notJson, noUuid]);
    const source = { consumer: group, 'source-topic': topic, 'source-partition': '2' };
    expect(dead.map(headersOf)).toEqual([
      { ...source, 'source-offset': '2', error: expect.stringContaining('JSON') },
      { ...source, 'source-offset': '3', error: 'the message has no UUID id' },
    ]);
    expect(logged).toHaveLength(2);
  }, 120_000);

  it('keeps two deployments on one cluster apart: under their own topic prefixes, a reactor of one name handles each one’s events, and only those', async () => {
    const deployments = [await newTopics(), await newTopics()];
    const reactorName = `group-${randomUUID().slice(0, 8)}`;
    const handledBy: [string[], string[]] = [[], []];
    const members = deployments.map((deployment, i) => memberOf(deployment, { name: reactorName, handle: async (e: IntegrationEvent) => void handledBy[i]!.push(e.id) }));
    try {
      await Promise.all(members.map((m) => m.start()));
      const published = deployments.map(() => Array.from({ length: 30 }, (_, i) => event(i, `event-${i % 10}`)));
      await Promise.all(deployments.map(({ topic }, i) => publish(topic, published[i]!.map(toMessage))));
      // Sharing one group, one deployment's members were handed the other's partitions, and its own were read by nobody.
      await waitFor(() => handledBy.every((handled, i) => handled.length >= published[i]!.length), 'each deployment to handle its own events', 30_000);
      for (const [i, handled] of handledBy.entries()) expect(new Set(handled), `deployment ${i}`).toEqual(new Set(published[i]!.map((e) => e.id)));
    } finally {
      for (const member of members) await member.stop();
    }
  }, 120_000);
});
