/** Everything Rollcall reads from its environment, read and checked once at start. */
export interface Config {
  host: string;
  port: number;
  /** External PostgreSQL; without it an embedded server keeps its data under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** EventStoreDB as the event store; without it events are kept in PostgreSQL. */
  eventStoreUrl: string | undefined;
  /** Kafka bootstrap brokers: the forwarder publishes there, reactors consume in groups. */
  kafkaBrokers: string[] | undefined;
  /** Prepended to each topic's category (`rollcall.event`, …), e.g. one per environment. */
  kafkaTopicPrefix: string;
  pgPoolSize: number;
  /** SMTP server for mail (smtp:// or smtps://user:pass@host:port); without it mail goes to `<dataDir>/outbox`. */
  smtpUrl: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** GraphiQL at /graphiql and schema introspection, for development (`npm start`); off unless GRAPHIQL=true. */
  graphiql: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const integer = (env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
};

/** A switch that is off unless set to `true`; anything but `true` or `false` is a typo, not a choice. */
const flag = (env: NodeJS.ProcessEnv, name: string): boolean => {
  const raw = env[name];
  if (raw === undefined || raw === '') return false;
  if (raw !== 'true' && raw !== 'false') throw new ConfigError(`${name} must be true or false, got "${raw}"`);
  return raw === 'true';
};

const url = (env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | undefined => {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL: "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol))
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${raw}"`);
  return raw;
};

const brokers = (raw: string | undefined): string[] | undefined => {
  if (raw === undefined || raw === '') return undefined;
  const list = raw.split(',').map((b) => b.trim());
  for (const broker of list)
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(broker))
      throw new ConfigError(`KAFKA_BROKERS must be host:port[,host:port...], got "${raw}"`);
  return list;
};

const topicPrefix = (raw: string | undefined): string => {
  if (raw === undefined || raw === '') return 'rollcall.';
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(raw)) throw new ConfigError(`KAFKA_TOPIC_PREFIX may hold only letters, digits, '.', '_' and '-', got "${raw}"`);
  return raw;
};

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const logLevel = env.LOG_LEVEL || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  return {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 4000, 0, 65535),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: env.DATA_DIR || '.rollcall',
    eventStoreUrl: url(env, 'EVENTSTORE_URL', ['esdb:', 'esdb+discover:', 'kurrentdb:', 'kurrentdb+discover:']),
    kafkaBrokers: brokers(env.KAFKA_BROKERS),
    kafkaTopicPrefix: topicPrefix(env.KAFKA_TOPIC_PREFIX),
    pgPoolSize: integer(env, 'PG_POOL_SIZE', 10, 1, 500),
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    logLevel: logLevel as Config['logLevel'],
    graphiql: flag(env, 'GRAPHIQL'),
  };
};
