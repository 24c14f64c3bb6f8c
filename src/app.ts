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
import { EventCommands } from './commands/event-commands.js';
import { TicketCodes } from './commands/tickets/ticket-codes.js';
import type { EventStore } from './eventstore/event-store.js';
import type { PersonalDataKeys } from './personal-data/personal-data-keys.js';
import { Jobs } from './jobs/jobs.js';
import { ProjectionPositions } from './read-api/projection-positions.js';
import { ReadModels } from './read-api/read-models.js';
import { LiveFeed } from './read-api/live-feed.js';
import { buildServer } from './read-api/server.js';
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
  /** How long a session found alive is not asked about again; specs shorten it. */
  sessionCheckCacheMs?: number;
  /** Where rate limits are counted; by default `rollcall.rate_limit_counters` on `pool`, shared by every process. */
  rateLimitCounters?: Counters;
  /** Limits to use instead of RATE_LIMITS' (specs make them small, or out of the way). */
  rateLimits?: Partial<RateLimits>;
  /** The time failed log-ins are counted and locked out by; specs move it past a lockout. */
  logInClock?: () => Date;
}

/** The API process put together: command side, auth, tickets and the HTTP server. */
export const buildApp = async (deps: AppDependencies, options: FastifyServerOptions = {}): Promise<FastifyInstance> => {
  const commands = new CommandHandler(deps.store);
  const tokens = new TokenService(
    deps.signingKeys ?? postgresSigningKeys(deps.pool, { masterKey: deps.masterKey, schedule: deps.keySchedule }),
  );
  const codes = new TicketCodes(() => tokens.ticketKeys());
  const events = new EventCommands(commands, codes);
  const jobs = deps.jobs ?? new Jobs((deps.pool.options as { connectionString: string }).connectionString);
  const live = new LiveFeed({ pool: deps.pool, connection: deps.pool.options });
  const app = await buildServer(
    {
      store: deps.store,
      pool: deps.pool,
      commands,
      jobs,
      personalData: deps.personalData,
      rateLimits: {
        counters: deps.rateLimitCounters ?? new PostgresCounters(deps.pool),
        hash: (subject) => deps.masterKey.hmac('throttle', subject),
        limits: { ...RATE_LIMITS, ...deps.rateLimits },
      },
      auth: { tokens, outbox: new Outbox(deps.outboxDir), claims: new EmailClaims(deps.store, deps.masterKey), sessionCheckCacheMs: deps.sessionCheckCacheMs, logInGuard: new LogInGuard(deps.pool, deps.masterKey, { clock: deps.logInClock }) },
      attendance: { events, checkIns: new CheckInCommands(commands, events, codes), codes },
      reads: {
        models: new ReadModels(deps.pool),
        positions: new ProjectionPositions(deps.pool, live),
      },
      live,
      graphiql: deps.graphiql,
    },
    options,
  );
  if (!deps.jobs) app.addHook('onClose', () => jobs.stop());
  return app;
};
