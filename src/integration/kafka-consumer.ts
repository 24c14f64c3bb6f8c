import { type Admin, type Batch, type Consumer, type IHeaders, Kafka, type KafkaMessage, Partitioners, type Producer, logLevel, type logCreator } from 'kafkajs';
import type pg from 'pg';
import { isUuid } from '../uuid.js';
import { LAG_REPORT_MS, LastLag } from './consumer-lag.js';
import type { IntegrationEvent } from './contract.js';
import { DEFAULT_RETRY, type Reactor, type RetryPolicy, handleAll, markProcessed, reportLag } from './delivery.js';

const PARTITIONS_AT_ONCE = 8;
/** Messages looked up, handled and marked together; small, so a stopping member hands over soon. */
const CHUNK = 20;
export const DEAD_LETTER_TOPIC_SUFFIX = 'dead-letters';

export interface KafkaConsumerOptions {
  brokers: string[];
  /** The deployment's KAFKA_TOPIC_PREFIX, which names its consumer group with the reactor ({@link reactorGroupId}). */
  topicPrefix: string;
  /** The topics the forwarder writes (e.g. rollcall.event, rollcall.checkin, rollcall.account). */
  topics: string[];
  /**
   * Dead letters are published here too, besides rollcall.dead_letters; malformed messages, which
   * have no event id, only here (default `rollcall.dead-letters`).
   */
  deadLetterTopic?: string;
  pool: pg.Pool;
  reactor: Reactor;
  retry?: RetryPolicy;
  log?: (line: string) => void;
  /** Where kafkajs's own warnings and errors go (default: its console JSON). */
  kafkaLog?: logCreator;
  /** How long a fetch waits at the broker for messages (kafkajs' 5 s by default); stopping waits for the fetch in flight. */
  fetchWaitMs?: number;
}

/**
 * A reactor's consumer group in one deployment: `<topic prefix><reactor>`, such as
 * `rollcall.forecast-trigger`. Named by the reactor alone, deployments sharing a cluster under
 * other prefixes (staging beside production, two test runs) shared a group, whose leader hands
 * out only the topics it reads itself: the other deployment's members were given partitions they
 * drop, and its own topics were read by nobody. A deployment that used those names reads its
 * topics again from the start under the new ones, and consumer_processed drops what it handled.
 */
export const reactorGroupId = (topicPrefix: string, reactor: string): string => `${topicPrefix}${reactor}`;

/** Messages on `topics` that consumer group `groupId` has not committed yet (all of a partition it never committed on). */
export const groupLag = async (admin: Admin, groupId: string, topics: string[]): Promise<number> => {
  let lag = 0;
  const committed = await admin.fetchOffsets({ groupId, topics });
  for (const { topic, partitions } of committed) {
    const ends = await admin.fetchTopicOffsets(topic);
    for (const end of ends) {
      const done = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
      lag += Number(end.high) - Math.max(Number(done), Number(end.low));
    }
  }
  return lag;
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks the envelope fields delivery relies on: `id` keys consumer_processed (a uuid column),
 * and reactors read `type`, `streamId` and `data`. The rest of the contract is the forwarder's
 * to keep, and is trusted here.
 */
function assertEnvelope(value: unknown): asserts value is IntegrationEvent {
  if (!isObject(value)) throw new Error('the message is not a JSON object');
  if (typeof value.id !== 'string' || !isUuid(value.id)) throw new Error('the message has no UUID id');
  if (typeof value.type !== 'string') throw new Error('the message has no type');
  if (typeof value.streamId !== 'string') throw new Error('the message has no streamId');
  if (!isObject(value.data)) throw new Error('the message has no data object');
}

const parseEnvelope = (value: Buffer): IntegrationEvent => {
  const event: unknown = JSON.parse(value.toString());
  assertEnvelope(event);
  return event;
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * A reactor on Kafka: a consumer group per reactor and deployment ({@link reactorGroupId}), so
 * several workers share the partitions and a stopped one's partitions go to the others. Offsets are committed
 * after the handler (or the dead-letter step) finished, so nothing is lost; a redelivery
 * after a rebalance is dropped by event id.
 */
export class KafkaReactorConsumer {
  private readonly kafka: Kafka;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private marking: Promise<void> = Promise.resolve();
  private readonly log: (line: string) => void;
  private readonly lastLag = new LastLag();

  constructor(private readonly options: KafkaConsumerOptions) {
    this.kafka = new Kafka({
      clientId: `rollcall-${options.reactor.name}`,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      ...(options.kafkaLog ? { logCreator: options.kafkaLog } : {}),
    });
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  private get groupId(): string {
    return reactorGroupId(this.options.topicPrefix, this.options.reactor.name);
  }

  private get deadLetterTopic(): string {
    return this.options.deadLetterTopic ?? `rollcall.${DEAD_LETTER_TOPIC_SUFFIX}`;
  }

  async start(): Promise<void> {
    // Keyed by stream like the forwarder's messages, with the Java client's partitioner as it has.
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
    const consumer = this.kafka.consumer({ groupId: this.groupId, ...(this.options.fetchWaitMs === undefined ? {} : { maxWaitTimeInMs: this.options.fetchWaitMs }) });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    await consumer.run({
      // Partitions are independent (a stream stays on one): handling them side by side keeps
      // each stream in order while one slow handler does not hold up the others.
      partitionsConsumedConcurrently: PARTITIONS_AT_ONCE,
      // A fetched batch is handled a chunk at a time, each chunk's offsets resolved once it is
      // through: a member that stops, or loses the partition, leaves the rest to the group, and
      // a crash repeats at most one chunk (deliverAll skips what it marked handled).
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (let start = 0; start < batch.messages.length && isRunning() && !isStale(); start += CHUNK) {
          const chunk = batch.messages.slice(start, start + CHUNK);
          await this.handleChunk(batch, chunk);
          resolveOffset(chunk[chunk.length - 1]!.offset);
          await heartbeat();
        }
      },
    });
    this.timer = setInterval(() => void this.report().catch(() => undefined), LAG_REPORT_MS);
  }

  private async handleChunk(batch: Batch, messages: KafkaMessage[]): Promise<void> {
    const { pool, reactor } = this.options;
    const events: { event: IntegrationEvent; message: KafkaMessage }[] = [];
    for (const message of messages) {
      if (!message.value) continue;
      try {
        events.push({ event: parseEnvelope(message.value), message });
      } catch (error) {
        // Left in the batch, a malformed message would be retried at its offset forever and
        // hold up the partition. It has no event id, so it stays out of rollcall.dead_letters
        // (keyed by one, and replayed through the reactor, which could never take it): the
        // topic keeps the raw bytes and where they came from.
        await this.setAside(batch, message, messageOf(error), {});
      }
    }
    const { outcomes, handled } = await handleAll(pool, reactor, events.map(({ event }) => event), this.options.retry ?? DEFAULT_RETRY, this.log);
    this.mark(handled);
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome !== 'dead_letter') continue;
      const { event, message } = events[i]!;
      await this.setAside(batch, message, await this.deadLetterError(event.id), { 'event-id': event.id });
    }
  }

  /**
   * Marks handled events without holding up the partition: one mark in flight at a time,
   * while the next chunk is handled. A mark only matters to a redelivery, which comes after a
   * crash or a rebalance; a mark not written by then costs a repeat of those events' handlers,
   * as a crash between handling and marking always could (delivery is at least once).
   */
  private mark(eventIds: string[]): void {
    const { pool, reactor } = this.options;
    this.marking = this.marking
      .then(() => markProcessed(pool, reactor.name, eventIds))
      .catch((error: unknown) => this.log(`reactor ${reactor.name}: could not mark ${eventIds.length} events handled: ${messageOf(error)}`));
  }

  /** Publishes a message the reactor could not take to the dead-letter topic, as it came. */
  private async setAside({ topic, partition }: Batch, message: KafkaMessage, error: string, headers: IHeaders): Promise<void> {
    const { name } = this.options.reactor;
    await this.producer!.send({
      topic: this.deadLetterTopic,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: { ...headers, consumer: name, error, 'source-topic': topic, 'source-partition': String(partition), 'source-offset': message.offset },
        },
      ],
    });
    this.log(`reactor ${name}: ${topic}/${partition}@${message.offset} set aside on ${this.deadLetterTopic}: ${error}`);
  }

  /** The reason deliver recorded; it returns only the outcome. */
  private async deadLetterError(eventId: string): Promise<string> {
    const { rows } = await this.options.pool.query<{ error: string }>('SELECT error FROM rollcall.dead_letters WHERE consumer = $1 AND event_id = $2', [
      this.options.reactor.name,
      eventId,
    ]);
    return rows[0]?.error ?? 'unknown';
  }

  /** Messages on the topics the group has not committed yet. */
  async lag(): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await groupLag(admin, this.groupId, this.options.topics);
    } finally {
      await admin.disconnect();
    }
  }

  async report(): Promise<void> {
    const lag = await this.lag();
    this.lastLag.record(lag);
    await reportLag(this.options.pool, this.options.reactor.name, 'kafka', lag);
  }

  /** Why this member is not within `maxLag` messages, or cannot tell (the broker out of reach). */
  lagProblem(maxLag: number): string | undefined {
    return this.lastLag.problem(maxLag);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.consumer?.disconnect();
    await this.marking;
    await this.producer?.disconnect();
  }
}
