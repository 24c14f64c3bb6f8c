/**
 * One binary, several roles: `tsx src/main.ts <role>`. Roles so far: `api` (HTTP and
 * GraphQL) and `all` (every role in one process, on the embedded default for `npm start`).
 */
import path from 'node:path';
import type pg from 'pg';
import { CommandHandler } from './commands/command-handler.js';
import { ConfigError, type Config, loadConfig } from './config.js';
import type { EventStore } from './eventstore/event-store.js';
import { EventStoreDbEventStore } from './eventstore/eventstoredb/eventstoredb-event-store.js';
import { PostgresEventStore } from './eventstore/postgres/postgres-event-store.js';
import { createDatabase } from './postgres/database.js';
import { startEmbeddedPostgres } from './postgres/embedded.js';
import { migrate } from './postgres/migrate.js';
import { createPool } from './postgres/pool.js';
import { buildServer } from './read-api/server.js';

const ROLES = ['all', 'api'] as const;
type Role = (typeof ROLES)[number];

const say = (line: string) => process.stdout.write(`${line}\n`);

/** The database URL to use, starting the embedded server when none is configured. */
const openDatabase = async (config: Config): Promise<{ url: string; stop(): Promise<void> }> => {
  if (config.databaseUrl) return { url: config.databaseUrl, stop: async () => undefined };
  const dataDir = path.resolve(config.dataDir, 'postgres');
  const server = await startEmbeddedPostgres({ dataDir });
  say(`Embedded PostgreSQL started, data in ${dataDir}`);
  return { url: await createDatabase(server.url, 'rollcall', true), stop: () => server.stop() };
};

const openEventStore = (config: Config, pool: pg.Pool, databaseUrl: string): EventStore =>
  config.eventStoreUrl
    ? EventStoreDbEventStore.connect(config.eventStoreUrl)
    : new PostgresEventStore({ pool, connectionString: databaseUrl });

const run = async (role: Role, config: Config): Promise<void> => {
  const database = await openDatabase(config);
  const pool = createPool(database.url, config.pgPoolSize, (error) =>
    process.stderr.write(`PostgreSQL connection dropped: ${error.message}\n`),
  );
  const applied = await migrate(pool);
  if (applied.length > 0) say(`Applied migrations: ${applied.join(', ')}`);
  const store = openEventStore(config, pool, database.url);

  const commands = new CommandHandler(store);
  const app = await buildServer({ store, pool, commands }, { logger: { level: config.logLevel } });
  const address = await app.listen({ host: config.host, port: config.port });
  say(`Rollcall (${role}) listening on ${address}: GraphQL ${address}/graphql, GraphiQL ${address}/graphiql, health ${address}/healthz`);
  say(`Event store: ${store.kind}${config.eventStoreUrl ? '' : ' (PostgreSQL)'}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: shutting down`);
    await app.close();
    await store.close();
    await pool.end();
    await database.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
};

const main = async () => {
  const role = process.argv[2] ?? 'all';
  if (!(ROLES as readonly string[]).includes(role)) {
    process.stderr.write(`Unknown role "${role}". Roles: ${ROLES.join(', ')}\n`);
    process.exit(2);
  }
  try {
    await run(role as Role, loadConfig());
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? 'Configuration error' : 'Failed to start'}: ${(error as Error).message}\n`);
    process.exit(1);
  }
};

await main();
