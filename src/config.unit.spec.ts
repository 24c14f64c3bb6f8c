import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to the embedded setup on 127.0.0.1:4000', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      port: 4000,
      databaseUrl: undefined,
      dataDir: '.rollcall',
      eventStoreUrl: undefined,
      kafkaBrokers: undefined,
      kafkaTopicPrefix: 'rollcall.',
      pgPoolSize: 10,
      logLevel: 'info',
    });
  });

  it('reads external services', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/rollcall',
      EVENTSTORE_URL: 'esdb://eventstore:2113?tls=false',
      KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092',
      PORT: '8080',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://u:p@db:5432/rollcall',
      eventStoreUrl: 'esdb://eventstore:2113?tls=false',
      kafkaBrokers: ['kafka-1:9092', 'kafka-2:9092'],
      port: 8080,
    });
  });

  it.each([
    [{ PORT: '70000' }, /PORT must be an integer/],
    [{ PORT: '4000.5' }, /PORT must be an integer/],
    [{ PG_POOL_SIZE: '0' }, /PG_POOL_SIZE must be an integer/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres:/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL is not a URL/],
    [{ EVENTSTORE_URL: 'http://es:2113' }, /EVENTSTORE_URL must start with esdb:/],
    [{ KAFKA_BROKERS: 'kafka' }, /KAFKA_BROKERS must be host:port/],
    [{ KAFKA_TOPIC_PREFIX: 'a b' }, /KAFKA_TOPIC_PREFIX may hold only/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
  ])('refuses %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
