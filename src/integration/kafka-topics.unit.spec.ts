import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createTopics } from './kafka-topics.js';

const protocolError = (type: string) => Object.assign(new Error(type), { type });
const wrapped = (type: string) => Object.assign(new Error('retries'), { originalError: protocolError(type) });

/** An admin whose calls fail with the given errors, in order, then succeed. */
const adminFailing = (created: Error[], described: Error[] = []) => {
  const calls = { createTopics: 0, fetchTopicMetadata: 0 };
  const failing = (name: keyof typeof calls, errors: Error[]) => async () => (calls[name]++ < errors.length ? Promise.reject(errors[calls[name] - 1]) : { topics: [] });
  const admin = { createTopics: failing('createTopics', created), fetchTopicMetadata: failing('fetchTopicMetadata', described) } as unknown as Admin;
  return { admin, calls };
};

describe('createTopics', () => {
  it('asks again while the new topic is unknown to the broker that answers, then succeeds', async () => {
    const { admin, calls } = adminFailing([protocolError('UNKNOWN_TOPIC_OR_PARTITION'), wrapped('UNKNOWN_TOPIC_OR_PARTITION')]);
    await createTopics(admin, [{ topic: 't', numPartitions: 1 }]);
    expect(calls).toEqual({ createTopics: 3, fetchTopicMetadata: 1 });
  });

  it('returns only once the topics’ metadata answers, which a repeated create does not wait for', async () => {
    const { admin, calls } = adminFailing([wrapped('UNKNOWN_TOPIC_OR_PARTITION')], [protocolError('UNKNOWN_TOPIC_OR_PARTITION'), protocolError('LEADER_NOT_AVAILABLE')]);
    await createTopics(admin, [{ topic: 't', numPartitions: 1 }]);
    expect(calls).toEqual({ createTopics: 2, fetchTopicMetadata: 3 });
  });

  it('throws any other failure at once', async () => {
    const { admin, calls } = adminFailing([protocolError('TOPIC_AUTHORIZATION_FAILED')]);
    await expect(createTopics(admin, [{ topic: 't', numPartitions: 1 }])).rejects.toThrow('TOPIC_AUTHORIZATION_FAILED');
    expect(calls).toEqual({ createTopics: 1, fetchTopicMetadata: 0 });
  });
});
