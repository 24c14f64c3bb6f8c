import fp from 'fastify-plugin';
import { AccessTokenCheck } from '../commands/accounts/access-token-check.js';
import { AccountCommands } from '../commands/accounts/account-commands.js';
import type { StreamLoader } from '../commands/folded-streams.js';
import { mailJobs } from '../jobs/job-runner.js';
import type { EmailClaims } from '../commands/accounts/email-claims.js';
import { type LogInGuard, forgetFailedLogins } from '../commands/accounts/login-guard.js';
import type { Outbox } from '../commands/accounts/outbox.js';
import { type ScannerDevices, type ScannerSession, isScannerToken } from '../commands/scanners/scanner-devices.js';
import type { TokenService } from '../commands/accounts/token-service.js';
import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/domain-error.js';
import { sendRefusal } from './error-map.js';

declare module 'fastify' {
  interface FastifyInstance {
    tokens: TokenService;
    /** Access tokens verified, and their sessions checked alive: for requests and websockets alike. */
    accessTokens: AccessTokenCheck;
    accounts: AccountCommands;
  }
  interface FastifyRequest {
    /** The log-in (refresh family) the access token belongs to: one device. Undefined for anonymous requests and tokens minted without one. */
    logInSession: string | undefined;
    /**
     * The scanner device whose token the request carried, instead of an access token. Such a
     * request has no `actor`: everything but the door operations of the device's own event
     * (which read this) sees it as anonymous.
     */
    scannerDevice: ScannerSession | undefined;
  }
}

export interface AuthPluginOptions {
  tokens: TokenService;
  /** Where verification and password reset mail is written (`<DATA_DIR>/outbox`). */
  outbox: Outbox;
  claims: EmailClaims;
  /** Counts failed log-ins and locks them out (Keycloak's brute-force detection). */
  logInGuard: LogInGuard;
  /** Where GraphQL is served; refusals there are answered as GraphQL errors. */
  graphqlPath?: string;
  /** How long a session found alive is not asked about again (SESSION_CHECK_CACHE_MS by default). */
  sessionCheckCacheMs?: number;
  /** Erases the face data of an account being erased (FaceEnrollments.forget). */
  forgetFace?: (accountId: string, by: Actor) => Promise<void>;
  /** Checks scanner device tokens (`Bearer rcsd_…`). */
  scanners: ScannerDevices;
  /** Folds accounts for the session check; app.commands unless one reading no personal data is given. */
  sessionAccounts?: StreamLoader;
}

const BEARER = /^Bearer +(\S+)$/i;

/**
 * Authentication: reads `Authorization: Bearer <access token>` into `request.actor`, or a
 * scanner device's token into `request.scannerDevice`, serves the public keys at
 * `/.well-known/jwks.json`, and shares the token service and the account commands with the
 * GraphQL resolvers. A request without the header is anonymous; one whose
 * token is malformed, expired, not ours or of a session that has ended is refused before any
 * resolver runs, so a client never mistakes a broken token for being logged out.
 */
export const authPlugin = fp<AuthPluginOptions>(
  async (app, { tokens, outbox, claims, logInGuard, graphqlPath = '/graphql', sessionCheckCacheMs, forgetFace, scanners, sessionAccounts }) => {
    app.decorate('tokens', tokens);
    const accessTokens = new AccessTokenCheck(tokens, sessionAccounts ?? app.commands, { cacheMs: sessionCheckCacheMs });
    app.decorate('accessTokens', accessTokens);
    app.decorateRequest('logInSession', undefined);
    app.decorateRequest('scannerDevice', undefined);
    // Mail leaves through the `mail` job queue (retried, dead-lettered), sent by the job workers.
    app.decorate(
      'accounts',
      new AccountCommands({ commands: app.commands, store: app.store, tokens, outbox, mail: mailJobs(app.jobs, app.personalData), personalData: app.personalData, claims, logInGuard, forgetPerson: async (accountId, by) => {
          await forgetFailedLogins(app.pool, accountId);
          await forgetFace?.(accountId, by);
        } }),
    );

    app.addHook('onRequest', async (request, reply) => {
      const header = request.headers.authorization;
      if (header === undefined) return;
      const refuse = (message: string) =>
        sendRefusal(reply.header('www-authenticate', 'Bearer error="invalid_token"'), request, graphqlPath, new DomainError('UNAUTHENTICATED', message));
      const token = BEARER.exec(header)?.[1];
      if (!token) return refuse('The Authorization header must be "Bearer <access token>"');
      try {
        if (isScannerToken(token)) {
          request.scannerDevice = await scanners.verify(token);
          return;
        }
        const access = await accessTokens.verify(token);
        request.actor = access.actor;
        request.logInSession = access.sessionId;
      } catch (error) {
        if (error instanceof DomainError) return refuse(error.message);
        throw error;
      }
    });

    app.get('/.well-known/jwks.json', async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=300').send(await tokens.jwks()),
    );
  },
  { name: 'rollcall-auth', dependencies: ['rollcall-infrastructure'] },
);
