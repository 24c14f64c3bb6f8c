import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type pg from 'pg';
import { Outbox } from './commands/accounts/outbox.js';
import { postgresSigningKeys } from './commands/accounts/postgres-signing-keys.js';
import type { SigningKeySource } from './commands/accounts/signing-keys.js';
import { TokenService } from './commands/accounts/token-service.js';
import { CheckInCommands } from './commands/check-in-commands.js';
import { CommandHandler } from './commands/command-handler.js';
import { EventCommands } from './commands/event-commands.js';
import { TicketCodes } from './commands/tickets/ticket-codes.js';
import type { EventStore } from './eventstore/event-store.js';
import { Jobs } from './jobs/jobs.js';
import { ProjectionPositions } from './read-api/projection-positions.js';
import { ReadModels } from './read-api/read-models.js';
import { LiveFeed } from './read-api/live-feed.js';
import { buildServer } from './read-api/server.js';

export interface AppDependencies {
  store: EventStore;
  pool: pg.Pool;
  /** Where mail goes while there is no SMTP (`<DATA_DIR>/outbox`). */
  outboxDir: string;
  /** Shared with the projector in the `all` role; by default one of its own, started on first use. */
  jobs?: Jobs;
  /** Where token and ticket keys come from; by default `rollcall.signing_keys` on `pool`, shared by every process. */
  signingKeys?: SigningKeySource;
  /** GraphiQL at /graphiql and schema introspection (GRAPHIQL=true); off by default. */
  graphiql?: boolean;
  /** How long a session found alive is not asked about again; specs shorten it. */
  sessionCheckCacheMs?: number;
}

/** The API process put together: command side, auth, tickets and the HTTP server. */
export const buildApp = async (deps: AppDependencies, options: FastifyServerOptions = {}): Promise<FastifyInstance> => {
  const commands = new CommandHandler(deps.store);
  const tokens = new TokenService(deps.signingKeys ?? postgresSigningKeys(deps.pool));
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
      auth: { tokens, outbox: new Outbox(deps.outboxDir), sessionCheckCacheMs: deps.sessionCheckCacheMs },
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
