/**
 * One binary, several roles: `tsx src/main.ts <role>`. Roles so far: `api` (HTTP and
 * GraphQL), `projector` (keeps the read models and works the jobs; extra ones wait as hot
 * standbys), `forwarder` (publishes the log to Kafka; needs KAFKA_BROKERS, which makes `all`
 * forward too; standbys wait), `ml-worker` (runs the reactors, forecast trigger, ticket
 * mail and face verification: a Kafka consumer group each with KAFKA_BROKERS, else the store's
 * subscription from their own checkpoints; and the webhook dispatcher, on the store always), `all` (everything in one process, on the embedded default for
 * `npm start`), and `migrate` (applies the migrations as DATABASE_OWNER_URL and exits, so that
 * the long-running roles can be started with the app role's login alone). Every long-running
 * role serves /metrics, /healthz and /readyz (src/observability/): the api and `all` on PORT,
 * the others on METRICS_PORT; each logs pino's JSON lines on stdout.
 */
import path from 'node:path';
import { buildApp } from './app.js';
import { postgresSigningKeys } from './commands/accounts/postgres-signing-keys.js';
import { ConfigError, type Config, loadConfig } from './config.js';
import { EmailClaims } from './commands/accounts/email-claims.js';
import { openEventStore } from './eventstore/open-event-store.js';
import { DoorPhotos } from './personal-data/door-photos.js';
import { FaceEmbeddings } from './personal-data/face-embeddings.js';
import { personalDataStore } from './personal-data/personal-data-store.js';
import { mailJobs, mailWorkersOn, startJobWorkers } from './jobs/job-runner.js';
import { Forwarder } from './integration/forwarder.js';
import { CommandHandler } from './commands/command-handler.js';
import { enrollmentModels } from './ml/enrollment-models.js';
import { createFaceEngine } from './ml/face/create-face-engine.js';
import { faceWorkers } from './ml/face-jobs.js';
import { forecastWorkers } from './ml/forecast/forecast-jobs.js';
import { lazyFaceEngine } from './ml/lazy-face-engine.js';
import { startMlWorker } from './ml/ml-worker.js';
import { createReactors } from './ml/reactors.js';
import { type Logger, createLogger, lifecycleLog } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { startProbeServer } from './observability/probe-routes.js';
import type { ReadinessCheck } from './observability/readiness.js';
import { databaseReachable, eventStoreReachable, forwarderReady, projectionsReady, reactorsReady, startingUp } from './observability/role-checks.js';
import { type SharedState, observeSharedState } from './observability/shared-state-metrics.js';
import { startProjector } from './projections/projector.js';
import { Jobs } from './jobs/jobs.js';
import { migrateAsOwner } from './postgres/migrate.js';
import { openDatabase } from './postgres/open-database.js';
import { createPool } from './postgres/pool.js';
import { loadMasterKey } from './security/load-master-key.js';
import { NO_LIMITS } from './rate-limits/limits.js';
import { oneLine } from './cli/one-line.js';
import { type Started, shutdown } from './shutdown.js';
import { webhookDeliveryWorker } from './webhooks/delivery-worker.js';
import { webhookLaneSweeper } from './webhooks/lane-sweep.js';
import { webhookRetention } from './webhooks/retention.js';
import { WebhookDispatcher } from './webhooks/dispatcher.js';
import { WebhookSecrets } from './webhooks/webhook-secrets.js';
import { WebhookSender } from './webhooks/webhook-sender.js';

const ROLES = ['all', 'api', 'projector', 'forwarder', 'ml-worker', 'migrate'] as const;
/**
 * Connections waiting to be accepted. Node's default (511) is less than an on-sale's crowd
 * connecting in the same instant: the kernel drops the SYNs beyond it, and those clients wait
 * for their retransmission, 1, 3 and 7 seconds later. The kernel caps it at somaxconn.
 */
const LISTEN_BACKLOG = 4_096;
type Role = (typeof ROLES)[number];

/** What the shared state gauges of a role cover; the api (and so `all`) serves every one, as /metrics always did. */
const SHARED_STATE: Record<Exclude<Role, 'api' | 'all' | 'migrate'>, SharedState[]> = {
  projector: ['projections', 'jobs'],
  forwarder: ['forwarders'],
  'ml-worker': ['reactors'],
};

/** The process as `run` puts it together: what to stop, where to log, and whether it is stopping (and so expects its connections to drop). */
interface Process {
  started: Started;
  log: Logger;
  stopping(): boolean;
}

const run = async (role: Role, config: Config, { started, log, stopping }: Process): Promise<void> => {
  const lifecycle = lifecycleLog(log);
  const line = (text: string) => lifecycle.info(text);
  if (role === 'forwarder' && !config.kafkaBrokers) throw new ConfigError('the forwarder role needs KAFKA_BROKERS');
  const masterKey = await loadMasterKey(config);
  const signing = { masterKey, schedule: config.keySchedule };
  const database = await openDatabase(config, line);
  started.push(() => database.stop());
  const pool = createPool(
    database.url,
    config.pgPoolSize,
    // Ending the pool and the database drops connections on purpose: only others' drops are news.
    (error) => {
      if (!stopping()) log.warn({ err: error }, `PostgreSQL connection dropped: ${error.message}`);
    },
    (notice) => log.info({ postgres: { severity: notice.severity, code: notice.code } }, `PostgreSQL: ${notice.message ?? ''}`),
  );
  started.push(() => pool.end());
  const applied = await migrateAsOwner(pool, database.ownerUrl);
  if (applied.length > 0) line(`Applied migrations: ${applied.join(', ')}`);
  // Before anything signs: seals private keys an older version stored in plaintext, makes the first keys, rotates what is due.
  await postgresSigningKeys(pool, signing).load();
  if (role === 'migrate') {
    for (const close of started.reverse()) await close();
    line('Rollcall (migrate) done');
    return;
  }
  const { store, personalData } = personalDataStore(openEventStore(config, pool, database.url), pool, masterKey);
  started.push(() => store.close());
  // The system's own commands (face verdicts, forecasts), one command side per process besides the API's.
  const commands = new CommandHandler(store);
  // One registry and one list of readiness checks for the process, served by the API's server or on METRICS_PORT.
  const metrics = new Metrics();
  // One per process, shared by enrollment (api) and verification (ml-worker), its models loaded on first use.
  const faceEngine = lazyFaceEngine(() => createFaceEngine(), (model) => metrics.timeInference(model));
  started.push(() => faceEngine.close());
  const doorPhotos = new DoorPhotos(pool, personalData);
  // The API checks the database and the store itself; the other roles' probe server does it here.
  const checks: ReadinessCheck[] = [];
  let running = false;
  const bound = { pool, storeKind: store.kind, maxLagEvents: config.readyMaxLagEvents };
  // pg-boss's tables, before anything that queues or works jobs: the projector's workers, the reactors, the API.
  const jobs = new Jobs(database.url, {}, (error) => {
    if (!stopping()) log.warn({ err: error }, `pg-boss: ${error.message}`);
  });
  started.push(() => jobs.stop());
  await jobs.boss();
  if (role !== 'api' && role !== 'all') {
    observeSharedState(metrics, { pool, storeKind: store.kind, headPosition: () => store.headPosition(), jobs }, new Set(SHARED_STATE[role]));
    // Not ready before every part has started: until then there are no checks of theirs to fail.
    checks.push(startingUp(() => running), databaseReachable(pool), eventStoreReachable(store));
    // First among the parts, so that /healthz answers (and /readyz says what is missing) while the rest starts.
    const probes = await startProbeServer({ host: config.host, port: config.metricsPort, log, metrics, checks });
    started.push(() => probes.close());
    line(`Metrics, /healthz and /readyz on ${probes.address}`);
  }
  if (role === 'projector' || role === 'all') {
    const projectionLog = log.child({ part: 'projector' });
    const projector = await startProjector({
      store,
      pool,
      // A failed projection stops and says why (until its event is quarantined); the others and the API carry on.
      onFailure: (failure) => projectionLog.error({ failure }, `Projection stopped: ${failure.projection}: ${failure.error}`),
      log: projectionLog,
    });
    started.push(() => projector.stop());
    checks.push(...projectionsReady(projector.runners, bound));
    // Projectors also run the rebuilds admins queue, mail, tickets, forecasts and schedules; the API and the reactors only queue them.
    await jobs.work({ store, pool });
    const mail = { smtpUrl: config.smtpUrl, outboxDir: path.resolve(config.dataDir, 'outbox'), from: config.mailFrom };
    const jobLog = log.child({ part: 'jobs' });
    const forecasts = forecastWorkers({ pool, commands, log: (text) => jobLog.info(text), timeInference: (model) => metrics.timeInference(model) });
    const mailWorkers = mailWorkersOn({ jobs, pool, store, keys: personalData, claims: new EmailClaims(store, masterKey) }, mail, signing);
    const sender = new WebhookSender({ allowHosts: config.webhookAllowHosts });
    started.push(async () => sender.close());
    const webhooks = webhookDeliveryWorker({ pool, jobs, secrets: new WebhookSecrets(masterKey), sender, mail: mailJobs(jobs, personalData) });
    await startJobWorkers(jobs, [...mailWorkers, ...forecasts, ...faceWorkers(doorPhotos), webhooks, webhookLaneSweeper(pool, jobs), webhookRetention(pool)], { log: jobLog, done: (queue, outcome, seconds) => metrics.jobDone(queue, outcome, seconds) });
    line(`Projecting read models: ${projector.runners.map((r) => r.status().name).join(', ')}`);
  }
  if (config.kafkaBrokers && (role === 'forwarder' || role === 'all')) {
    const forwarder = new Forwarder({ store, pool, brokers: config.kafkaBrokers, topicPrefix: config.kafkaTopicPrefix, log: log.child({ part: 'forwarder' }) });
    started.push(() => forwarder.stop());
    await forwarder.start();
    checks.push(forwarderReady(forwarder, bound));
    line(`Forwarding events to Kafka at ${config.kafkaBrokers.join(',')}`);
  }
  if (role === 'ml-worker' || role === 'all') {
    const kafka = config.kafkaBrokers ? { kafka: { brokers: config.kafkaBrokers, topicPrefix: config.kafkaTopicPrefix } } : {};
    const reactorLog = log.child({ part: 'reactors' });
    const faces = { commands, engine: faceEngine, embeddings: new FaceEmbeddings(pool, personalData), photos: doorPhotos };
    const mlWorker = await startMlWorker({ store, pool, reactors: createReactors({ jobs, pool, log: reactorLog, faces }), log: reactorLog, ...kafka });
    started.push(() => mlWorker.stop());
    checks.push(...reactorsReady(mlWorker, config.readyMaxLagEvents));
    line(`Running reactors on ${mlWorker.mode === 'kafka' ? 'Kafka' : 'the event store'}: ${mlWorker.reactors.join(', ')}`);
    // On the store whatever the reactors run on: see WebhookDispatcher.
    const dispatcher = new WebhookDispatcher({ store, pool, jobs, log: reactorLog });
    started.push(() => dispatcher.stop());
    await dispatcher.start();
    checks.push({ name: `reactor ${WebhookDispatcher.NAME}`, check: async () => dispatcher.lagReport.problem(config.readyMaxLagEvents) });
    line('Dispatching webhooks from the event store');
  }
  line(`Event store: ${store.kind}${config.eventStoreUrl ? '' : ' (PostgreSQL)'}`);
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
        mailFrom: config.mailFrom,
        publicBaseUrl: config.publicBaseUrl,
        corsOrigins: config.corsOrigins,
        masterKey,
        keySchedule: config.keySchedule,
        ...(config.rateLimits ? {} : { rateLimits: NO_LIMITS }),
        metrics,
        // Besides the API's own, this process's other parts (`all`).
        readiness: checks,
        faceModels: enrollmentModels(faceEngine),
        webhookAllowHosts: config.webhookAllowHosts,
      },
      { loggerInstance: log, trustProxy: config.trustProxy },
    );
    started.push(() => app.close());
    const address = await app.listen({ host: config.host, port: config.port, backlog: LISTEN_BACKLOG });
    const graphiql = config.graphiql ? `, GraphiQL ${address}/graphiql` : '';
    line(`Rollcall (${role}) listening on ${address}: GraphQL ${address}/graphql${graphiql}, health ${address}/healthz, readiness ${address}/readyz, metrics ${address}/metrics`);
  } else {
    running = true;
    line(`Rollcall (${role}) running`);
  }
};

/** Stops what has started (see shutdown.ts), then exits with `code`. */
type Exit = (code: number, why?: string) => Promise<never>;

/** Where the way in and out is told: plain lines until the configuration says how to log (a bad LOG_LEVEL is itself a configuration error), then the log. */
interface Voice {
  info(text: string): void;
  error(text: string): void;
}

const plainVoice: Voice = { info: (text) => process.stdout.write(`${text}\n`), error: (text) => process.stderr.write(`${text}\n`) };

const voiceOf = (log: Logger): Voice => {
  const lifecycle = lifecycleLog(log);
  return { info: (text) => lifecycle.info(text), error: (text) => lifecycle.error(text) };
};

/** `stopping.now` turns true as the way out begins: from then on, connections dropping are our own doing, and not news. */
const exitAfter = (started: Started, voice: () => Voice, stopping: { now: boolean }): Exit => {
  const stopAll = shutdown(started, (error) => voice().error(`Shutdown: ${oneLine((error as Error)?.message ?? String(error))}`));
  return async (code, why) => {
    stopping.now = true;
    if (why) voice().error(oneLine(why));
    const clean = await stopAll();
    process.exit(clean ? code : Math.max(code, 1));
  };
};

const handleSignals = (exit: Exit, voice: () => Voice): void => {
  const stop = (signal: string) => {
    voice().info(`${signal}: shutting down`);
    void exit(0);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
};

/** Why a start failed, in one line; a port in use says which. */
const startFailure = (error: unknown): string => {
  if (error instanceof ConfigError) return `Configuration error: ${error.message}`;
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  const hint = code === 'EADDRINUSE' ? ' (another process listens there: stop it, or choose another PORT)' : '';
  return `Failed to start: ${message || String(error)}${hint}`;
};

const main = async () => {
  const role = process.argv[2] ?? 'all';
  if (!(ROLES as readonly string[]).includes(role)) {
    process.stderr.write(`Unknown role "${role}". Roles: ${ROLES.join(', ')}\n`);
    process.exit(2);
  }
  // What has started, stopped newest first on every way out: a signal during start-up stops what runs so far.
  const started: Started = [];
  const stopping = { now: false };
  let voice = plainVoice;
  const exit = exitAfter(started, () => voice, stopping);
  handleSignals(exit, () => voice);
  const crashed = (error: unknown) => void exit(1, `Failed: ${(error as Error | undefined)?.message ?? String(error)}`);
  process.on('uncaughtException', crashed);
  process.on('unhandledRejection', crashed);
  try {
    const config = loadConfig();
    const log = createLogger(config.logLevel).child({ role });
    voice = voiceOf(log);
    await run(role as Role, config, { started, log, stopping: () => stopping.now });
  } catch (error) {
    await exit(1, startFailure(error));
  }
};

await main();
