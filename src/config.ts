import { isIP } from 'node:net';
import { ConfigError } from './config-error.js';
import { parseEventStoreUrl } from './eventstore/eventstoredb/connection-string.js';
import { MasterKey } from './security/master-key.js';

/** When signing keys rotate (see src/commands/accounts/key-schedule.ts), as configured. */
export interface KeySchedule {
  /** A purpose's newest key is replaced once it is this many days old. */
  rotationDays: { access: number; ticket: number };
  /** How long a retired ticket key still verifies the tickets it signed. */
  ticketRetentionDays: number;
}

export const DEFAULT_KEY_SCHEDULE: KeySchedule = { rotationDays: { access: 30, ticket: 90 }, ticketRetentionDays: 365 };

/** Everything Rollcall reads from its environment, read and checked once at start. */
export interface Config {
  host: string;
  port: number;
  /** External PostgreSQL, as the role every process works as; without it an embedded server keeps its data under dataDir. */
  databaseUrl: string | undefined;
  /** The same database as the role that owns the schema and runs the migrations; without it, `databaseUrl`'s role does. */
  databaseOwnerUrl: string | undefined;
  /** The key everything Rollcall encrypts at rest is sealed under; without it see src/security/load-master-key.ts. */
  masterKey: MasterKey | undefined;
  /** When token and ticket signing keys rotate, and how long retired ticket keys still verify. */
  keySchedule: KeySchedule;
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
  /** Every rate limit (src/rate-limits/limits.ts) applies; off only for load tests on a closed network (RATE_LIMITS=off). */
  rateLimits: boolean;
  /** Whose X-Forwarded-For names the client (fastify's `trustProxy`): the proxies' addresses; nobody's by default. */
  trustProxy: string | false;
  /** Where the roles without an API (projector, forwarder, ml-worker) serve /metrics, /healthz and /readyz; the api and `all` use `port`. */
  metricsPort: number;
  /** How many events or messages behind its log a follower or reactor may be while its role still answers /readyz with 200. */
  readyMaxLagEvents: number;
  /** How long a start waits for an unreachable DATABASE_URL (retrying with backoff) before it gives up. */
  databaseWaitSeconds: number;
  /** The sender of every mail (`Name <address>`). */
  mailFrom: string;
  /** Where absolute links (the tickets' QR URLs) point; unset, the API's own address on 127.0.0.1. */
  publicBaseUrl: string | undefined;
  /** Origins whose browsers may call the API from another origin (CORS); none by default: same-origin only. */
  corsOrigins: string[];
  /** Hosts webhooks may reach over plain http and at any address (a receiver on the operator's network); none by default. */
  webhookAllowHosts: string[];
}

export const DEFAULT_MAIL_FROM = 'Rollcall <no-reply@rollcall.invalid>';

export { ConfigError };

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

const onOff = (env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'on' && raw !== 'off') throw new ConfigError(`${name} must be on or off, got "${raw}"`);
  return raw === 'on';
};

/**
 * `url` with its password replaced by `***`, for messages and logs: configuration errors end
 * up in terminals, CI logs and log shippers, where a database or SMTP password must not. Works
 * on text that is not a valid URL too, since that is exactly what a refusal repeats.
 */
export const maskUrl = (url: string): string => {
  // From the first `:` of the authority to its last `@`: a password holding an unescaped `@`,
  // or text a URL parser refuses, is still masked whole.
  const at = url.lastIndexOf('@');
  const authority = url.indexOf('//');
  const colon = url.indexOf(':', authority < 0 ? 0 : authority + 2);
  const masked = colon >= 0 && colon < at ? `${url.slice(0, colon + 1)}***${url.slice(at)}` : url;
  // node-postgres also takes the password as a parameter.
  return masked.replace(/([?&](?:password|sslpassword)=)[^&#]*/gi, '$1***');
};

const url = (env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | undefined => {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL: "${maskUrl(raw)}"`);
  }
  if (!protocols.includes(parsed.protocol))
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${maskUrl(raw)}"`);
  return raw;
};

/**
 * EVENTSTORE_URL, read by the EventStoreDB client's own parser: what it refuses could never
 * connect (`kurrentdb://`), and what `new URL()` refuses can (a cluster, `esdb://a:2113,b:2113`).
 */
const eventStoreUrl = (raw: string | undefined): string | undefined => {
  if (raw === undefined || raw === '') return undefined;
  try {
    parseEventStoreUrl(raw);
  } catch (error) {
    throw new ConfigError(`EVENTSTORE_URL ${(error as Error).message}; got "${maskUrl(raw)}"`);
  }
  return raw;
};

/** MAIL_FROM: an address, with a display name or without; never a line break, which would let it add headers. */
const mailFrom = (raw: string | undefined): string => {
  if (raw === undefined || raw === '') return DEFAULT_MAIL_FROM;
  if (/[\r\n]/.test(raw) || !/^(?:[^<>]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/.test(raw.trim()))
    throw new ConfigError(`MAIL_FROM must be an address, as "Name <name@example.org>" or "name@example.org", got "${raw}"`);
  return raw.trim();
};

/** PUBLIC_BASE_URL: the scheme, host and optional path prefix people reach the API at, without a trailing slash. */
const publicBaseUrl = (raw: string | undefined): string | undefined => {
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`PUBLIC_BASE_URL is not a URL: "${maskUrl(raw)}"`);
  }
  if (!['http:', 'https:'].includes(parsed.protocol) || parsed.username || parsed.password || parsed.search || parsed.hash)
    throw new ConfigError(`PUBLIC_BASE_URL must be an http:// or https:// URL without credentials, query or fragment, got "${maskUrl(raw)}"`);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
};

/**
 * CORS_ORIGINS: exact origins (`https://app.example.org`), comma-separated. No wildcard: the
 * API takes bearer tokens, and a page on any origin that may call it could be any page.
 */
const corsOrigins = (raw: string | undefined): string[] => {
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((part) => {
    const origin = part.trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin || parsed.hostname.includes('*'))
      throw new ConfigError(`CORS_ORIGINS must be origins such as https://app.example.org (scheme, host and port only), comma-separated; "${origin}" is not one`);
    return origin;
  });
};

/**
 * WEBHOOK_ALLOW_HOSTS: host names or IP addresses, comma-separated, spelt as a URL's host is
 * compared (lower case, IPv6 without brackets and compressed). Exact hosts only: a wildcard
 * or a network would open every address webhooks are otherwise kept out of.
 */
const webhookAllowHosts = (raw: string | undefined): string[] => {
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((part) => {
    const host = part.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) === 6) return new URL(`http://[${host}]/`).hostname.slice(1, -1);
    if (isIP(host) === 4 || /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/.test(host)) return host;
    throw new ConfigError(`WEBHOOK_ALLOW_HOSTS must be host names or IP addresses (no scheme, port, path or wildcard), comma-separated; "${part.trim()}" is not one`);
  });
};

const brokers = (raw: string | undefined): string[] | undefined => {
  if (raw === undefined || raw === '') return undefined;
  const list = raw.split(',').map((b) => b.trim());
  for (const broker of list)
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(broker))
      throw new ConfigError(`KAFKA_BROKERS must be host:port[,host:port...], got "${raw}"`);
  return list;
};

const masterKey = (raw: string | undefined): MasterKey | undefined => {
  if (raw === undefined || raw === '') return undefined;
  try {
    return MasterKey.fromText(raw);
  } catch {
    // The value itself is a secret: the message says what is wrong with it, never what it is.
    throw new ConfigError(`ROLLCALL_MASTER_KEY must be ${MasterKey.BYTES} bytes in base64 (openssl rand -base64 ${MasterKey.BYTES}); the value given is not`);
  }
};

/**
 * TRUST_PROXY: the addresses of the proxies in front of Rollcall (IPs or CIDRs, comma-separated).
 * Log-ins and rate limits are counted by the client's address, which behind a load balancer is
 * the balancer's unless its X-Forwarded-For is believed. Never "true", nor a hop count (which
 * fastify refuses to trust): either would believe a header any client can write, letting it
 * choose the address it is counted by.
 */
const trustProxy = (raw: string | undefined): string | false => {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw.split(',').every((part) => isIP(part.trim().replace(/\/\d{1,3}$/, '')) !== 0)) return raw;
  throw new ConfigError(`TRUST_PROXY must be the addresses of the proxies in front of Rollcall (IPs or CIDRs, comma-separated), got "${raw}"`);
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
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const databaseOwnerUrl = url(env, 'DATABASE_OWNER_URL', ['postgres:', 'postgresql:']);
  if (databaseOwnerUrl && !databaseUrl)
    throw new ConfigError('DATABASE_OWNER_URL needs DATABASE_URL (the embedded default sets up both roles itself)');
  return {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 4000, 0, 65535),
    databaseUrl,
    databaseOwnerUrl,
    masterKey: masterKey(env.ROLLCALL_MASTER_KEY),
    keySchedule: {
      rotationDays: {
        access: integer(env, 'ACCESS_KEY_ROTATION_DAYS', DEFAULT_KEY_SCHEDULE.rotationDays.access, 1, 3650),
        ticket: integer(env, 'TICKET_KEY_ROTATION_DAYS', DEFAULT_KEY_SCHEDULE.rotationDays.ticket, 1, 3650),
      },
      ticketRetentionDays: integer(env, 'TICKET_KEY_RETENTION_DAYS', DEFAULT_KEY_SCHEDULE.ticketRetentionDays, 1, 3650),
    },
    dataDir: env.DATA_DIR || '.rollcall',
    eventStoreUrl: eventStoreUrl(env.EVENTSTORE_URL),
    kafkaBrokers: brokers(env.KAFKA_BROKERS),
    kafkaTopicPrefix: topicPrefix(env.KAFKA_TOPIC_PREFIX),
    pgPoolSize: integer(env, 'PG_POOL_SIZE', 10, 1, 500),
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    logLevel: logLevel as Config['logLevel'],
    graphiql: flag(env, 'GRAPHIQL'),
    rateLimits: onOff(env, 'RATE_LIMITS', true),
    trustProxy: trustProxy(env.TRUST_PROXY),
    // 9464 is the port Prometheus exporters of OpenTelemetry use: one role per container needs no setting.
    metricsPort: integer(env, 'METRICS_PORT', 9464, 0, 65535),
    readyMaxLagEvents: integer(env, 'READY_MAX_LAG_EVENTS', 10_000, 1, 1_000_000_000),
    databaseWaitSeconds: integer(env, 'DATABASE_WAIT_SECONDS', 30, 0, 3600),
    mailFrom: mailFrom(env.MAIL_FROM),
    publicBaseUrl: publicBaseUrl(env.PUBLIC_BASE_URL),
    corsOrigins: corsOrigins(env.CORS_ORIGINS),
    webhookAllowHosts: webhookAllowHosts(env.WEBHOOK_ALLOW_HOSTS),
  };
};
