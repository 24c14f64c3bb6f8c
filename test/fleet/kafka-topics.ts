import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Admin, AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import type { IntegrationEvent } from '../../src/integration/contract.js';
import { DEAD_LETTER_TOPIC_SUFFIX, groupLag } from '../../src/integration/kafka-consumer.js';

/** How long reading the topics may take: a few thousand messages take a second or two. */
const READ_WAIT_MS = 60_000;

/** What the forwarder published: how many times each event id, and as which type. */
export interface Published {
  times: Map<string, number>;
  types: Map<string, string>;
}

/**
 * The run's side of the broker, read as any consumer of Rollcall's topics would read it: what
 * the forwarder published under the run's topic prefix, and the reactors' consumer groups.
 */
export class FleetTopics {
  private readonly kafka: Kafka;

  constructor(
    brokers: string[],
    readonly topicPrefix: string,
  ) {
    this.kafka = new Kafka({ clientId: 'rollcall-fleet-proof', brokers, logLevel: logLevel.NOTHING });
  }

  private async withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await use(admin);
    } finally {
      await admin.disconnect();
    }
  }

  /** The event topics under the prefix (its dead-letter topic is the reactors', not the forwarder's), and the messages they hold. */
  private eventTopics(): Promise<{ topics: string[]; messages: number }> {
    return this.withAdmin(async (admin) => {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(this.topicPrefix) && t !== `${this.topicPrefix}${DEAD_LETTER_TOPIC_SUFFIX}`);
      let messages = 0;
      for (const topic of topics) for (const { high, low } of await admin.fetchTopicOffsets(topic)) messages += Number(high) - Number(low);
      return { topics, messages };
    });
  }

  /** Every message on the event topics, from the first, read by a group of its own (named outside the prefix) until it has read them all. */
  async published(): Promise<Published> {
    const { topics, messages } = await this.eventTopics();
    const consumer = this.kafka.consumer({ groupId: `proof-${randomBytes(4).toString('hex')}-${this.topicPrefix}`, maxWaitTimeInMs: 100 });
    const published: Published = { times: new Map(), types: new Map() };
    let read = 0;
    await consumer.connect();
    try {
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          read++;
          const { id, type } = JSON.parse(message.value!.toString()) as IntegrationEvent;
          published.times.set(id, (published.times.get(id) ?? 0) + 1);
          published.types.set(id, type);
        },
      });
      const deadline = Date.now() + READ_WAIT_MS;
      while (read < messages && Date.now() < deadline) await sleep(100);
    } finally {
      await consumer.disconnect();
    }
    if (read < messages) throw new Error(`Read ${read} of the ${messages} messages on ${topics.join(', ')} within ${READ_WAIT_MS / 1000} s`);
    return published;
  }

  /**
   * The run's consumer groups (named with its prefix) and the topics their members subscribe
   * to, as the broker knows them: only while the members run.
   */
  subscriptions(): Promise<Map<string, string[]>> {
    return this.withAdmin(async (admin) => {
      const ids = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(this.topicPrefix));
      const { groups } = await admin.describeGroups(ids);
      return new Map(
        groups.map((group) => [group.groupId, [...new Set(group.members.flatMap((m) => AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics ?? []))].sort()]),
      );
    });
  }

  /** Messages on each group's topics that it has not committed, as the ml-worker measures its own. */
  lags(subscriptions: Map<string, string[]>): Promise<number[]> {
    return this.withAdmin((admin) => Promise.all([...subscriptions].map(([groupId, topics]) => groupLag(admin, groupId, topics))));
  }
}
