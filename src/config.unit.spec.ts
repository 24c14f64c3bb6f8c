import { readFileSync } from 'node:fs';
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
      graphiql: false,
    });
  });

  it('turns GraphiQL and introspection on only for GRAPHIQL=true', () => {
    expect(loadConfig({ GRAPHIQL: 'true' }).graphiql).toBe(true);
    expect(loadConfig({ GRAPHIQL: 'false' }).graphiql).toBe(false);
    expect(loadConfig({ GRAPHIQL: '' }).graphiql).toBe(false);
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
    [{ GRAPHIQL: 'yes' }, /GRAPHIQL must be true or false, got "yes"/],
    [{ GRAPHIQL: '1' }, /GRAPHIQL must be true or false/],
  ])('refuses %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('GRAPHIQL where Rollcall runs', () => {
  const file = (name: string) => readFileSync(new URL(`../${name}`, import.meta.url), 'utf8');

  it('is on in npm start', () => {
    const { scripts } = JSON.parse(file('package.json')) as { scripts: Record<string, string> };
    expect(scripts.start).toMatch(/^GRAPHIQL=true /);
  });

  it('is off in the image and the compose stack, which leave it unset', () => {
    expect(file('infra/Dockerfile')).not.toMatch(/GRAPHIQL/);
    expect(file('compose.yml')).not.toMatch(/GRAPHIQL/);
  });
});
