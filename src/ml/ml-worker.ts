import { Kafka, logLevel } from 'kafkajs';
import type pg from 'pg';
import type { EventStore } from '../eventstore/event-store.js';
import { DEAD_LETTER_TOPIC_SUFFIX, KafkaReactorConsumer } from '../integration/kafka-consumer.js';
import { DEFAULT_PARTITIONS } from '../integration/forwarder.js';
import { kafkaLogCreator } from '../integration/kafka-log.js';
import { StoreConsumer } from '../integration/store-consumer.js';
import type { FollowerLog } from '../log-follower/follower-log.js';
import type { WorkerReactor } from './reactors.js';
import { createTopics } from '../integration/kafka-topics.js';

export interface MlWorkerOptions {
  store: EventStore;
  pool: pg.Pool;
  reactors: readonly WorkerReactor[];
  /** Each reactor joins a consumer group on these brokers; without them it follows the store from its own checkpoint. */
  kafka?: { brokers: string[]; topicPrefix: string };
  /** Where consumers and kafkajs say what went wrong (default: stderr, and kafkajs's console). */
  log?: FollowerLog;
}

export interface MlWorker {
  mode: 'kafka' | 'store';
  /** The names of the reactors it runs. */
  reactors: string[];
  /** Each reactor's consumer, for its readiness. */
  consumers: ReadonlyArray<{ reactor: string; lagProblem(maxLag: number): string | undefined }>;
  stop(): Promise<void>;
}

interface Consumer {
  start(): Promise<void>;
  stop(): Promise<void>;
  lagProblem(maxLag: number): string | undefined;
}

/**
 * How long a member's fetch waits at the broker for messages that do not come. Stopping waits
 * for the fetch in flight: at kafkajs' 5 s, reactor after reactor, an idle ml-worker with three
 * reactors took 13 s to stop, past the 10 s an orchestrator (docker stop) gives before SIGKILL.
 * An idle member now asks once a second; messages that arrive are still fetched at once.
 */
const FETCH_WAIT_MS = 1_000;

/**
 * Subscribing to a topic that does not exist fails where brokers do not create topics on
 * their own, and the ml-worker may well start before the forwarder has published anything.
 */
const createMissingTopics = async (brokers: string[], topics: readonly string[]): Promise<void> => {
  // Silent: kafkajs logs an ERROR for every topic that exists already, which is the usual case;
  // what really fails is thrown, and stops the start.
  const admin = new Kafka({ clientId: 'rollcall-ml-worker', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await createTopics(admin, topics.map((topic) => ({ topic, numPartitions: DEFAULT_PARTITIONS, replicationFactor: 1 })));
  } finally {
    await admin.disconnect();
  }
};

/** Starts every reactor: a Kafka consumer group member each when `kafka` is given, else a store consumer each. */
export const startMlWorker = async (options: MlWorkerOptions): Promise<MlWorker> => {
  const { kafka, store, pool, log } = options;
  let stopping = false;
  const kafkaLog = log && kafkaLogCreator(log, () => stopping);
  const lines = (reactor: WorkerReactor) => log && { log: (line: string) => log.warn({ reactor: reactor.name }, line) };
  let consumers: Consumer[];
  if (kafka) {
    const topicsOf = (reactor: WorkerReactor) => reactor.categories.map((category) => `${kafka.topicPrefix}${category}`);
    const deadLetterTopic = `${kafka.topicPrefix}${DEAD_LETTER_TOPIC_SUFFIX}`;
    await createMissingTopics(kafka.brokers, [...new Set(options.reactors.flatMap(topicsOf)), deadLetterTopic]);
    consumers = options.reactors.map(
      (reactor) =>
        new KafkaReactorConsumer({ brokers: kafka.brokers, topicPrefix: kafka.topicPrefix, topics: topicsOf(reactor), deadLetterTopic, fetchWaitMs: FETCH_WAIT_MS, pool, reactor, ...lines(reactor), ...(kafkaLog ? { kafkaLog } : {}) }),
    );
  } else consumers = options.reactors.map((reactor) => new StoreConsumer({ store, pool, reactor, ...lines(reactor) }));

  const started: Consumer[] = [];
  // Side by side: each consumer's stop waits for its own fetch and hand-over, and none for another's.
  const stop = async () => {
    stopping = true;
    const stopped = await Promise.allSettled(started.splice(0).map((consumer) => consumer.stop()));
    const failed = stopped.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  };
  try {
    for (const consumer of consumers) {
      // Listed before it starts: one that fails half way still has connections to close.
      started.push(consumer);
      await consumer.start();
    }
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return {
    mode: kafka ? 'kafka' : 'store',
    reactors: options.reactors.map((r) => r.name),
    consumers: consumers.map((consumer, i) => ({ reactor: options.reactors[i]!.name, lagProblem: (maxLag: number) => consumer.lagProblem(maxLag) })),
    stop,
  };
};
