import type { FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import type { TokenService } from '../commands/accounts/token-service.js';
import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/domain-error.js';

declare module 'mercurius' {
  interface MercuriusContext {
    /** Why the websocket's connection token was refused; such a connection may not subscribe. */
    tokenRefusal?: string;
    /** When the token that authorised the websocket's actor expires. */
    tokenExpiresAt?: Date;
    /** Closes the websocket when `expiresAt` comes, unless it closes earlier. */
    closeConnectionAt?: (expiresAt: Date) => void;
  }
}

const BEARER = /^Bearer +(\S+)$/i;

/**
 * What ends a connection whose token expired. graphql-ws clients retry after 4403 Forbidden
 * (not after 4401 Unauthorized) and ask their connectionParams again, so a client that
 * returns a fresh token there resumes its subscriptions by itself.
 */
const TOKEN_EXPIRED = { code: 4403, reason: 'The access token has expired' } as const;

/** The members of mercurius' `ws` socket used here (`ws` ships without type declarations). */
interface Socket {
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * One timer per connection, at the earliest expiry of the tokens its subscriptions were
 * authorised by (a subscribe message may bring its own in a connectionInit extension).
 * Closing the socket ends every subscription on it, as a closing client would.
 */
const closeAtExpiry = (socket: Socket): ((expiresAt: Date) => void) => {
  let deadline = Infinity;
  let timer: NodeJS.Timeout | undefined;
  const close = () => socket.close(TOKEN_EXPIRED.code, TOKEN_EXPIRED.reason);
  socket.once('close', () => clearTimeout(timer));
  return (expiresAt) => {
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
  tokenExpiresAt: Date | undefined;
  tokenRefusal: string | undefined;
}

const anonymous: ConnectionAuth = { actor: undefined, tokenExpiresAt: undefined, tokenRefusal: undefined };
const refused = (tokenRefusal: string): ConnectionAuth => ({ ...anonymous, tokenRefusal });

/** Who a websocket's `Authorization` value speaks for, and until when; anonymous without one. */
const authenticate = async (tokens: TokenService, authorization: unknown): Promise<ConnectionAuth> => {
  if (authorization === undefined) return anonymous;
  const token = typeof authorization === 'string' ? BEARER.exec(authorization)?.[1] : undefined;
  if (!token) return refused('The authorization must be "Bearer <access token>"');
  try {
    const actor = await tokens.verifyAccessToken(token);
    // Verified, and `exp` is a required claim: reading it back trusts nothing unchecked.
    return { actor, tokenExpiresAt: new Date(decodeJwt(token).exp! * 1000), tokenRefusal: undefined };
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
 * that authorised its subscriptions, then closes with TOKEN_EXPIRED.
 */
export const subscriptionConnection = (tokens: TokenService) => ({
  // Called at connection_init rather than at the upgrade, so the upgrade's token is checked
  // again here: it may have expired in between.
  context: async (socket: Socket, request: FastifyRequest): Promise<ConnectionAuth & { closeConnectionAt: (expiresAt: Date) => void }> => ({
    ...(await authenticate(tokens, request.headers.authorization)),
    closeConnectionAt: closeAtExpiry(socket),
  }),
  onConnect: async ({ payload }: { payload: unknown }): Promise<true | ConnectionAuth> => {
    const authorization = authorizationIn(payload);
    return authorization === undefined ? true : authenticate(tokens, authorization);
  },
});
