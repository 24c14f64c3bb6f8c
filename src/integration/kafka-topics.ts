import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, ITopicConfig } from 'kafkajs';

const ATTEMPTS = 10;

const unknownTopic = (error: unknown): boolean => {
  const { type, originalError } = (error ?? {}) as { type?: unknown; originalError?: unknown };
  return type === 'UNKNOWN_TOPIC_OR_PARTITION' || (originalError !== undefined && unknownTopic(originalError));
};

/**
 * kafkajs's `createTopics` waiting for the leaders, asked again while the new topics' metadata
 * has not reached the broker that answers: kafkajs waits out LEADER_NOT_AVAILABLE but throws
 * UNKNOWN_TOPIC_OR_PARTITION ("This server does not host this topic-partition"), which a topic
 * created a moment ago can still get. Topics that exist already are left as they are.
 */
export const createTopics = async (admin: Admin, topics: ITopicConfig[]): Promise<void> => {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.createTopics({ waitForLeaders: true, topics });
      return;
    } catch (error) {
      if (!unknownTopic(error) || attempt >= ATTEMPTS) throw error;
      await sleep(100 * attempt);
    }
  }
};
