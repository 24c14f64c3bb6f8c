import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createTopics } from './kafka-topics.js';

const adminFailing = (...errors: Error[]) => {
  let calls = 0;
  const admin = { createTopics: async () => (calls++ < errors.length ? Promise.reject(errors[calls - 1]) : true) } as unknown as Admin;
  return { admin, calls: () => calls };
};
const protocolError = (type: string) => Object.assign(new Error(type), { type });

describe('createTopics', () => {
  it('asks again while the new topic is unknown to the broker that answers, then succeeds', async () => {
    const { admin, calls } = adminFailing(protocolError('UNKNOWN_TOPIC_OR_PARTITION'), Object.assign(new Error('retries'), { originalError: protocolError('UNKNOWN_TOPIC_OR_PARTITION') }));
    await createTopics(admin, [{ topic: 't', numPartitions: 1 }]);
    expect(calls()).toBe(3);
  });

  it('throws any other failure at once', async () => {
    const { admin, calls } = adminFailing(protocolError('TOPIC_AUTHORIZATION_FAILED'));
    await expect(createTopics(admin, [{ topic: 't', numPartitions: 1 }])).rejects.toThrow('TOPIC_AUTHORIZATION_FAILED');
    expect(calls()).toBe(1);
  });
});
