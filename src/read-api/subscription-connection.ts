import type { FastifyRequest } from 'fastify';
import type { AccessTokenCheck } from '../commands/accounts/access-token-check.js';
import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/domain-error.js';

declare module 'mercurius' {
  interface MercuriusContext {
    /** Why the websocket's connection token was refused; such a connection may not subscribe. */
    tokenRefusal?: string;
    /** The token that authorised the websocket's actor, and when it expires. */
    accessToken?: string;
    tokenExpiresAt?: Date;
    /** Closes the websocket when `expiresAt` comes, or once the token's session has ended, unless it closes earlier. */
    closeConnectionAt?: (expiresAt: Date, accessToken: string) => void;
  }
}

const BEARER = /^Bearer +(\S+)$/i;

/**
 * What ends a connection whose token expired. graphql-ws clients retry after 4403 Forbidden
 * (not after 4401 Unauthorized) and ask their connectionParams again, so a client that
 * returns a fresh token there resumes its subscriptions by itself.
 */
const TOKEN_EXPIRED = { code: 4403, reason: 'The access token has expired' } as const;

/**
 * What ends a connection whose token's session ended (a logout, a password reset, a role
 * change, a disabled account): 4403 as well, so a client reconnects with a fresh token if it
 * has one, and is refused if it has none.
 */
const SESSION_ENDED = 4403;
/** A websocket asks about its sessions every check.cacheMs, but never more often than this. */
const MIN_SESSION_ROUND_MS = 1_000;

/** The members of mercurius' `ws` socket used here (`ws` ships without type declarations). */
interface Socket {
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * One timer per connection, at the earliest expiry of the tokens its subscriptions were
 * authorised by (a subscribe message may bring its own in a connectionInit extension), and
 * one round every `check.cacheMs` asking whether their sessions still live. Closing the
 * socket ends every subscription on it, as a closing client would.
 */
const closeWhenTokensEnd = (socket: Socket, check: AccessTokenCheck): ((expiresAt: Date, accessToken: string) => void) => {
  let deadline = Infinity;
  let timer: NodeJS.Timeout | undefined;
  let rounds: NodeJS.Timeout | undefined;
  const tokens = new Set<string>();
  const close = () => socket.close(TOKEN_EXPIRED.code, TOKEN_EXPIRED.reason);
  const checkSessions = async () => {
    for (const token of tokens)
      try {
        await check.verify(token);
      } catch (error) {
        // Anything else (the database briefly away) is no proof the session ended: the next round asks again.
        if (error instanceof DomainError) return socket.close(SESSION_ENDED, error.message);
      }
  };
  socket.once('close', () => {
    clearTimeout(timer);
    clearInterval(rounds);
  });
  return (expiresAt, accessToken) => {
    tokens.add(accessToken);
    rounds ??= setInterval(() => void checkSessions(), Math.max(check.cacheMs, MIN_SESSION_ROUND_MS));
    if (expiresAt.getTime() >= deadline) return;
    deadline = expiresAt.getTime();
    clearTimeout(timer);
    const left = deadline - Date.now();
    // Closed at once, not on the next tick, so a token that lapsed while subscribing never sees news.
    if (left <= 0) close();
    else timer = setTimeout(close, left);
  };
};

/**
 * Every key always present: mercurius spreads onConnect's result over the context's, and a
 * connection_init token must replace all of the upgrade's, a stale refusal included.
 */
interface ConnectionAuth {
  actor: Actor | undefined;
  accessToken: string | undefined;
  tokenExpiresAt: Date | undefined;
  tokenRefusal: string | undefined;
}

const anonymous: ConnectionAuth = { actor: undefined, accessToken: undefined, tokenExpiresAt: undefined, tokenRefusal: undefined };
const refused = (tokenRefusal: string): ConnectionAuth => ({ ...anonymous, tokenRefusal });

/** Who a websocket's `Authorization` value speaks for, and until when; anonymous without one. */
const authenticate = async (check: AccessTokenCheck, authorization: unknown): Promise<ConnectionAuth> => {
  if (authorization === undefined) return anonymous;
  const token = typeof authorization === 'string' ? BEARER.exec(authorization)?.[1] : undefined;
  if (!token) return refused('The authorization must be "Bearer <access token>"');
  try {
    const { actor, expiresAt } = await check.verify(token);
    return { actor, accessToken: token, tokenExpiresAt: expiresAt, tokenRefusal: undefined };
  } catch (error) {
    if (error instanceof DomainError) return refused(error.message);
    throw error;
  }
};

/** The authorization a client put in its connection_init payload, as graphql-ws clients send connectionParams. */
const authorizationIn = (payload: unknown): unknown => {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const params = payload as Record<string, unknown>;
  const headers = typeof params.headers === 'object' && params.headers !== null ? (params.headers as Record<string, unknown>) : {};
  return params.authorization ?? params.Authorization ?? headers.authorization ?? headers.Authorization;
};

/**
 * Who is on a websocket: the upgrade request's bearer token, unless the connection_init
 * payload carries one, as browsers must. A broken token is not an anonymous connection: its
 * subscriptions are refused as UNAUTHENTICATED. The connection lasts as long as the token
 * that authorised its subscriptions, then closes with TOKEN_EXPIRED, or with SESSION_ENDED
 * within seconds of its session ending.
 */
export const subscriptionConnection = (check: AccessTokenCheck) => ({
  // Called at connection_init rather than at the upgrade, so the upgrade's token is checked
  // again here: it may have expired in between.
  context: async (
    socket: Socket,
    request: FastifyRequest,
  ): Promise<ConnectionAuth & { closeConnectionAt: (expiresAt: Date, accessToken: string) => void }> => ({
    ...(await authenticate(check, request.headers.authorization)),
    closeConnectionAt: closeWhenTokensEnd(socket, check),
  }),
  onConnect: async ({ payload }: { payload: unknown }): Promise<true | ConnectionAuth> => {
    const authorization = authorizationIn(payload);
    return authorization === undefined ? true : authenticate(check, authorization);
  },
});
