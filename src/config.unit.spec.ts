import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { MasterKey } from './security/master-key.js';

describe('loadConfig', () => {
  it('defaults to the embedded setup on 127.0.0.1:4000', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      port: 4000,
      databaseUrl: undefined,
      databaseOwnerUrl: undefined,
      masterKey: undefined,
      keySchedule: { rotationDays: { access: 30, ticket: 90 }, ticketRetentionDays: 365 },
      dataDir: '.rollcall',
      eventStoreUrl: undefined,
      kafkaBrokers: undefined,
      kafkaTopicPrefix: 'rollcall.',
      pgPoolSize: 10,
      rateLimits: true,
      logLevel: 'info',
      graphiql: false,
      trustProxy: false,
      metricsPort: 9464,
      readyMaxLagEvents: 10_000,
      databaseWaitSeconds: 30,
      mailFrom: 'Rollcall <no-reply@rollcall.invalid>',
      publicBaseUrl: undefined,
      corsOrigins: [],
      webhookAllowHosts: [],
    });
  });

  it('lets webhooks reach the exact hosts of WEBHOOK_ALLOW_HOSTS over http and at any address, spelt as URLs spell them', () => {
    expect(loadConfig({ WEBHOOK_ALLOW_HOSTS: '127.0.0.1, Hooks.Internal.example, [0:0::1]' }).webhookAllowHosts).toEqual(['127.0.0.1', 'hooks.internal.example', '::1']);
    for (const value of ['*', '*.example.org', 'http://127.0.0.1', '127.0.0.1:8080', '10.0.0.0/8', 'hooks.example.org/path', 'a,,b'])
      expect(() => loadConfig({ WEBHOOK_ALLOW_HOSTS: value }), value).toThrow(/WEBHOOK_ALLOW_HOSTS must be host names or IP addresses/);
  });

  it('serves the probes of roles without an API on METRICS_PORT, and bounds their lag by READY_MAX_LAG_EVENTS', () => {
    expect(loadConfig({ METRICS_PORT: '0', READY_MAX_LAG_EVENTS: '500' })).toMatchObject({ metricsPort: 0, readyMaxLagEvents: 500 });
    expect(() => loadConfig({ METRICS_PORT: '65536' })).toThrow('METRICS_PORT must be an integer from 0 to 65535, got "65536"');
    expect(() => loadConfig({ READY_MAX_LAG_EVENTS: '0' })).toThrow(/READY_MAX_LAG_EVENTS must be an integer from 1/);
  });

  it('sends mail from MAIL_FROM, with or without a display name, and refuses one that could add headers', () => {
    expect(loadConfig({ MAIL_FROM: 'Tickets <tickets@example.org>' }).mailFrom).toBe('Tickets <tickets@example.org>');
    expect(loadConfig({ MAIL_FROM: 'tickets@example.org' }).mailFrom).toBe('tickets@example.org');
    for (const value of ['tickets', 'Tickets <tickets>', 'a@b.org\r\nBcc: c@d.org'])
      expect(() => loadConfig({ MAIL_FROM: value }), value).toThrow(/MAIL_FROM must be an address/);
  });

  it('points links at PUBLIC_BASE_URL, kept without its trailing slash', () => {
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://tickets.example.org/' }).publicBaseUrl).toBe('https://tickets.example.org');
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://example.org/rollcall/' }).publicBaseUrl).toBe('https://example.org/rollcall');
    for (const value of ['tickets.example.org', 'ftp://example.org', 'https://u:p@example.org', 'https://example.org/?a=1'])
      expect(() => loadConfig({ PUBLIC_BASE_URL: value }), value).toThrow(/PUBLIC_BASE_URL/);
  });

  it('lets only the exact origins of CORS_ORIGINS call the API from a browser', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example.org, http://localhost:5173' }).corsOrigins).toEqual([
      'https://app.example.org',
      'http://localhost:5173',
    ]);
    for (const value of ['*', 'https://app.example.org/', 'app.example.org', 'https://*.example.org'])
      expect(() => loadConfig({ CORS_ORIGINS: value }), value).toThrow(/CORS_ORIGINS must be origins/);
  });

  it.each([
    ['DATABASE_URL', 'mysql://rollcall:s3cret-pw@db/rollcall', 'mysql://rollcall:***@db/rollcall'],
    ['DATABASE_URL', 'mysql://rollcall@db/rollcall?sslmode=require&password=s3cret-pw', 'mysql://rollcall@db/rollcall?sslmode=require&password=***'],
    ['DATABASE_OWNER_URL', 'postgres//owner:s3cret-pw@db/rollcall', 'postgres//owner:***@db/rollcall'],
    ['SMTP_URL', 'http://mailer:s3cret@pw@smtp.example.org', 'http://mailer:***@smtp.example.org'],
  ])('never repeats the password of a refused %s', (name, value, shown) => {
    const env: NodeJS.ProcessEnv = { DATABASE_URL: 'postgres://app:p@db/rollcall', [name]: value };
    let message = '';
    try {
      loadConfig(env);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(new RegExp(`^${name}`));
    expect(message).not.toContain('s3cret');
    expect(message).toContain(shown);
  });

  it('believes X-Forwarded-For only from the proxies TRUST_PROXY names', () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.7, 2001:db8::/32' }).trustProxy).toBe('10.0.0.0/8, 192.0.2.7, 2001:db8::/32');
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    for (const value of ['true', '1', 'proxy.internal', '10.0.0.0/8,nope'])
      expect(() => loadConfig({ TRUST_PROXY: value }), value).toThrow(/TRUST_PROXY must be/);
  });

  it('turns GraphiQL and introspection on only for GRAPHIQL=true', () => {
    expect(loadConfig({ GRAPHIQL: 'true' }).graphiql).toBe(true);
    expect(loadConfig({ GRAPHIQL: 'false' }).graphiql).toBe(false);
    expect(loadConfig({ GRAPHIQL: '' }).graphiql).toBe(false);
  });

  it('applies rate limits unless RATE_LIMITS=off, and refuses anything but on or off', () => {
    expect(loadConfig({}).rateLimits).toBe(true);
    expect(loadConfig({ RATE_LIMITS: 'off' }).rateLimits).toBe(false);
    expect(() => loadConfig({ RATE_LIMITS: 'no' })).toThrow(/RATE_LIMITS must be on or off/);
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

  it('reads the master key, the owner’s database URL and the key schedule', () => {
    const key = MasterKey.generate();
    const config = loadConfig({
      ROLLCALL_MASTER_KEY: key.toText(),
      DATABASE_URL: 'postgres://app:p@db:5432/rollcall',
      DATABASE_OWNER_URL: 'postgres://owner:p@db:5432/rollcall',
      ACCESS_KEY_ROTATION_DAYS: '7',
      TICKET_KEY_ROTATION_DAYS: '30',
      TICKET_KEY_RETENTION_DAYS: '120',
    });
    expect(config.masterKey?.toText()).toBe(key.toText());
    expect(config).toMatchObject({
      databaseOwnerUrl: 'postgres://owner:p@db:5432/rollcall',
      keySchedule: { rotationDays: { access: 7, ticket: 30 }, ticketRetentionDays: 120 },
    });
  });

  it('never repeats a malformed master key in its refusal', () => {
    const secretish = Buffer.alloc(31, 7).toString('base64');
    expect(() => loadConfig({ ROLLCALL_MASTER_KEY: secretish })).toThrow(/^ROLLCALL_MASTER_KEY must be 32 bytes in base64/);
    expect(() => loadConfig({ ROLLCALL_MASTER_KEY: secretish })).not.toThrow(secretish);
  });

  it.each([
    [{ DATABASE_OWNER_URL: 'postgres://owner@db/rollcall' }, /DATABASE_OWNER_URL needs DATABASE_URL/],
    [{ ACCESS_KEY_ROTATION_DAYS: '0' }, /ACCESS_KEY_ROTATION_DAYS must be an integer from 1/],
    [{ PORT: '70000' }, /PORT must be an integer/],
    [{ PORT: '4000.5' }, /PORT must be an integer/],
    [{ PG_POOL_SIZE: '0' }, /PG_POOL_SIZE must be an integer/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres:/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL is not a URL/],
    [{ EVENTSTORE_URL: 'http://es:2113' }, /EVENTSTORE_URL is not a connection string .* \(esdb:\/\/ or esdb\+discover:\/\/\)/],
    [{ KAFKA_BROKERS: 'kafka' }, /KAFKA_BROKERS must be host:port/],
    [{ KAFKA_TOPIC_PREFIX: 'a b' }, /KAFKA_TOPIC_PREFIX may hold only/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ GRAPHIQL: 'yes' }, /GRAPHIQL must be true or false, got "yes"/],
    [{ GRAPHIQL: '1' }, /GRAPHIQL must be true or false/],
    [{ DATABASE_WAIT_SECONDS: 'long' }, /DATABASE_WAIT_SECONDS must be an integer from 0 to 3600/],
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
