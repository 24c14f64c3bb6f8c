import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type pg from 'pg';
import type { KeySchedule } from './config.js';
import { EmailClaims } from './commands/accounts/email-claims.js';
import { LogInGuard } from './commands/accounts/login-guard.js';
import { Outbox } from './commands/accounts/outbox.js';
import { postgresSigningKeys } from './commands/accounts/postgres-signing-keys.js';
import type { SigningKeySource } from './commands/accounts/signing-keys.js';
import { TokenService } from './commands/accounts/token-service.js';
import { CheckInCommands } from './commands/check-in-commands.js';
import { CommandHandler } from './commands/command-handler.js';
import { FoldedStreams } from './commands/folded-streams.js';
import { EventCommands } from './commands/event-commands.js';
import { type EnrollmentModels, FaceEnrollments } from './commands/faces/face-enrollments.js';
import { TicketCodes } from './commands/tickets/ticket-codes.js';
import type { EventStore } from './eventstore/event-store.js';
import { DoorPhotos } from './personal-data/door-photos.js';
import { FaceEmbeddings } from './personal-data/face-embeddings.js';
import type { PersonalDataKeys } from './personal-data/personal-data-keys.js';
import { withoutPersonalData } from './personal-data/personal-data-store.js';
import { Jobs } from './jobs/jobs.js';
import { Metrics } from './observability/metrics.js';
import type { ReadinessCheck } from './observability/readiness.js';
import { databaseReachable, eventStoreReachable } from './observability/role-checks.js';
import { observeSharedState } from './observability/shared-state-metrics.js';
import { FaceVerdicts } from './read-api/check-in/face-verdicts.js';
import { ProjectionPositions } from './read-api/projection-positions.js';
import { ReadModels } from './read-api/read-models.js';
import { LiveFeed } from './read-api/live-feed.js';
import { buildServer } from './read-api/server.js';
import { webhooksPlugin } from './read-api/webhooks/webhooks-plugin.js';
import { RATE_LIMITS, type RateLimits } from './rate-limits/limits.js';
import { PostgresCounters } from './rate-limits/postgres-counters.js';
import type { Counters } from './rate-limits/throttle.js';
import type { MasterKey } from './security/master-key.js';

export interface AppDependencies {
  /** Seals personal data under `personalData`'s keys (see personalDataStore). */
  store: EventStore;
  personalData: PersonalDataKeys;
  pool: pg.Pool;
  /** Where mail goes while there is no SMTP (`<DATA_DIR>/outbox`). */
  outboxDir: string;
  /** Shared with the projector in the `all` role; by default one of its own, started on first use. */
  jobs?: Jobs;
  /** What everything encrypted at rest is sealed under (ROLLCALL_MASTER_KEY): the signing keys' private halves among them. */
  masterKey: MasterKey;
  /** Where token and ticket keys come from; by default `rollcall.signing_keys` on `pool`, shared by every process. */
  signingKeys?: SigningKeySource;
  /** When the keys in `rollcall.signing_keys` rotate; the default schedule unless configured. */
  keySchedule?: KeySchedule;
  /** GraphiQL at /graphiql and schema introspection (GRAPHIQL=true); off by default. */
  graphiql?: boolean;
  /** PUBLIC_BASE_URL, where links point; by default the address the API listens on. */
  publicBaseUrl?: string | undefined;
  /** CORS_ORIGINS; none by default (same-origin only). */
  corsOrigins?: readonly string[];
  /** MAIL_FROM, the sender of the mail the API writes to the outbox. */
  mailFrom?: string;
  /** How long a session found alive is not asked about again; specs shorten it. */
  sessionCheckCacheMs?: number;
  /** Where rate limits are counted; by default `rollcall.rate_limit_counters` on `pool`, shared by every process. */
  rateLimitCounters?: Counters;
  /** Limits to use instead of RATE_LIMITS' (specs make them small, or out of the way). */
  rateLimits?: Partial<RateLimits>;
  /** The time failed log-ins are counted and locked out by; specs move it past a lockout. */
  logInClock?: () => Date;
  /** The process's metrics, which /metrics serves; by default the API's own. */
  metrics?: Metrics;
  /** What else /readyz checks besides the database and the event store: the other parts of an `all` process. */
  readiness?: readonly ReadinessCheck[];
  /** The face models enrollment runs (enrollmentModels(engine), src/ml/face-models.ts); without them enrollFace is refused. */
  faceModels?: EnrollmentModels;
  /** WEBHOOK_ALLOW_HOSTS: hosts a webhook may point to over http and at any address; none by default. */
  webhookAllowHosts?: readonly string[];
}

/** Everything /metrics has always served, and more: the API is where operators look first. */
const EVERY_SHARED_STATE = new Set(['projections', 'forwarders', 'reactors', 'jobs'] as const);

/** The API process put together: command side, auth, tickets and the HTTP server. */
export const buildApp = async (deps: AppDependencies, options: FastifyServerOptions = {}): Promise<FastifyInstance> => {
  const metrics = deps.metrics ?? new Metrics();
  const { store } = deps;
  const commands = new CommandHandler(store, {
    handled: (command, outcome, seconds) => metrics.commands.observe({ command, outcome }, seconds),
    appended: (events) => events.forEach(({ type }) => metrics.eventsAppended.inc({ type })),
  });
  const tokens = new TokenService(
    deps.signingKeys ?? postgresSigningKeys(deps.pool, { masterKey: deps.masterKey, schedule: deps.keySchedule }),
  );
  const codes = new TicketCodes(() => tokens.ticketKeys());
  const events = new EventCommands(commands, codes);
  const jobs = deps.jobs ?? new Jobs((deps.pool.options as { connectionString: string }).connectionString);
  observeSharedState(metrics, { pool: deps.pool, storeKind: store.kind, headPosition: () => store.headPosition(), jobs }, EVERY_SHARED_STATE);
  const live = new LiveFeed({ pool: deps.pool, connection: deps.pool.options });
  const photos = new DoorPhotos(deps.pool, deps.personalData);
  const faces = new FaceEnrollments(commands, deps.faceModels, new FaceEmbeddings(deps.pool, deps.personalData), photos);
  const checkIns = new CheckInCommands(commands, events, codes, photos);
  const app = await buildServer(
    {
      store,
      pool: deps.pool,
      commands,
      jobs,
      personalData: deps.personalData,
      rateLimits: {
        counters: deps.rateLimitCounters ?? new PostgresCounters(deps.pool),
        hash: (subject) => deps.masterKey.hmac('throttle', subject),
        limits: { ...RATE_LIMITS, ...deps.rateLimits },
      },
      auth: {
        tokens,
        outbox: new Outbox(deps.outboxDir, deps.mailFrom),
        claims: new EmailClaims(store, deps.masterKey),
        sessionCheckCacheMs: deps.sessionCheckCacheMs,
        logInGuard: new LogInGuard(deps.pool, deps.masterKey, { clock: deps.logInClock }),
        // An erased person's face goes with them: their key is gone, and the rows are deleted too.
        forgetFace: (accountId, by) => faces.forget(accountId, by),
        scanners: checkIns.scanners,
        // Each request's first use of a token folds its account: without opening the person's key, which it does not need.
        sessionAccounts: new FoldedStreams(withoutPersonalData(store)),
      },
      attendance: { events, checkIns, codes, faces },
      reads: {
        models: new ReadModels(deps.pool),
        positions: new ProjectionPositions(deps.pool, live),
        faceVerdicts: new FaceVerdicts(deps.pool, live),
      },
      live,
      graphiql: deps.graphiql,
      publicBaseUrl: deps.publicBaseUrl,
      corsOrigins: deps.corsOrigins,
      probes: { metrics, checks: [databaseReachable(deps.pool), eventStoreReachable(store), ...(deps.readiness ?? [])] },
    },
    options,
  );
  await app.register(webhooksPlugin, { masterKey: deps.masterKey, allowHosts: deps.webhookAllowHosts ?? [] });
  if (!deps.jobs) app.addHook('onClose', () => jobs.stop());
  return app;
};
