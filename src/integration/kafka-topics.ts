import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, ITopicConfig } from 'kafkajs';

const ATTEMPTS = 20;

/** What a topic made a moment ago can still get from the broker, for a while, before it settles. */
const NOT_SETTLED = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

const notSettled = (error: unknown): boolean => {
  const { type, originalError } = (error ?? {}) as { type?: unknown; originalError?: unknown };
  return NOT_SETTLED.has(type as string) || (originalError !== undefined && notSettled(originalError));
};

const untilSettled = async (step: () => Promise<unknown>): Promise<void> => {
  for (let attempt = 1; ; attempt++) {
    try {
      await step();
      return;
    } catch (error) {
      if (!notSettled(error) || attempt >= ATTEMPTS) throw error;
      await sleep(Math.min(100 * attempt, 1_000));
    }
  }
};

/**
 * kafkajs's `createTopics`, returning only once every topic's metadata answers without error.
 * kafkajs waits out LEADER_NOT_AVAILABLE but throws UNKNOWN_TOPIC_OR_PARTITION ("This server
 * does not host this topic-partition"), which a topic created a moment ago can still get; and
 * asked again, it finds the topics made and returns at once without waiting for them, so the
 * subscribe or send that follows met the same error. Topics that exist already are left as they are.
 */
export const createTopics = async (admin: Admin, topics: ITopicConfig[]): Promise<void> => {
  await untilSettled(() => admin.createTopics({ waitForLeaders: true, topics }));
  await untilSettled(() => admin.fetchTopicMetadata({ topics: topics.map(({ topic }) => topic) }));
};
