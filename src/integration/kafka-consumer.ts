import { type Consumer, Kafka, Partitioners, type Producer, logLevel } from 'kafkajs';
import type pg from 'pg';
import type { IntegrationEvent } from './contract.js';
import { DEFAULT_RETRY, type Reactor, type RetryPolicy, deliver, reportLag } from './delivery.js';

const LAG_REPORT_MS = 5_000;
export const DEAD_LETTER_TOPIC_SUFFIX = 'dead-letters';

export interface KafkaConsumerOptions {
  brokers: string[];
  /** The topics the forwarder writes (e.g. rollcall.event, rollcall.checkin, rollcall.account). */
  topics: string[];
  /** Dead letters are published here too, besides rollcall.dead_letters (default `rollcall.dead-letters`). */
  deadLetterTopic?: string;
  pool: pg.Pool;
  reactor: Reactor;
  retry?: RetryPolicy;
}

/**
 * A reactor on Kafka: a consumer group named after the reactor, so several workers share
 * the partitions and a stopped one's partitions go to the others. Offsets are committed
 * after the handler (or the dead-letter step) finished, so nothing is lost; a redelivery
 * after a rebalance is dropped by event id.
 */
export class KafkaReactorConsumer {
  private readonly kafka: Kafka;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Event ids this member handled, in order, for tests and lag checks. */
  readonly seen: string[] = [];

  constructor(private readonly options: KafkaConsumerOptions) {
    this.kafka = new Kafka({ clientId: `rollcall-${options.reactor.name}`, brokers: options.brokers, logLevel: logLevel.WARN });
  }

  private get deadLetterTopic(): string {
    return this.options.deadLetterTopic ?? `rollcall.${DEAD_LETTER_TOPIC_SUFFIX}`;
  }

  async start(): Promise<void> {
    const { reactor, pool } = this.options;
    // Keyed by stream like the forwarder's messages, with the Java client's partitioner as it has.
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
    const consumer = this.kafka.consumer({ groupId: reactor.name });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.value) return;
        const event = JSON.parse(message.value.toString()) as IntegrationEvent;
        const outcome = await deliver(pool, reactor, event, this.options.retry ?? DEFAULT_RETRY);
        if (outcome === 'dead_letter')
          await this.producer!.send({
            topic: this.deadLetterTopic,
            messages: [{ key: message.key, value: message.value, headers: { consumer: reactor.name, 'event-id': event.id } }],
          });
        if (outcome === 'handled') this.seen.push(event.id);
      },
    });
    this.timer = setInterval(() => void this.report().catch(() => undefined), LAG_REPORT_MS);
  }

  /** Messages on the topics the group has not committed yet. */
  async lag(): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      let lag = 0;
      const committed = await admin.fetchOffsets({ groupId: this.options.reactor.name, topics: this.options.topics });
      for (const { topic, partitions } of committed) {
        const ends = await admin.fetchTopicOffsets(topic);
        for (const end of ends) {
          const done = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
          lag += Number(end.high) - Math.max(Number(done), Number(end.low));
        }
      }
      return lag;
    } finally {
      await admin.disconnect();
    }
  }

  async report(): Promise<void> {
    await reportLag(this.options.pool, this.options.reactor.name, 'kafka', await this.lag());
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }
}
