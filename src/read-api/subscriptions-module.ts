import type { FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import type { TokenService } from '../commands/accounts/token-service.js';
import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/domain-error.js';
import { isUuid } from '../uuid.js';
import type { GraphqlModule } from './graphql-module.js';
import { liveTopics } from './live-feed.js';

declare module 'mercurius' {
  interface MercuriusContext {
    /** Why the websocket's connection token was refused; such a connection may not subscribe. */
    tokenRefusal?: string;
  }
}

type Ctx = MercuriusContext;

const typeDefs = /* GraphQL */ `
  type SessionCheckedIn {
    sessionId: ID!
    checkedIn: Int!
  }

  type AttendanceCounts {
    eventId: ID!
    "The read side's position these counts hold at; a query with this atPosition sees them or later ones."
    position: String!
    confirmed: Int!
    pending: Int!
    waitlisted: Int!
    sessions: [SessionCheckedIn!]!
  }

  # Live door dashboards, over GraphQL on websockets (graphql-transport-ws or graphql-ws) at
  # /graphql. Authenticate with "Authorization: Bearer <access token>" on the upgrade request
  # or as the connection_init payload's authorization. The event's organizer, its staff and
  # admins only, checked when subscribing.
  extend type Subscription {
    "Each new row of the event's check-in log, refused scans and undos included."
    checkInRecorded(eventId: ID!): CheckInEntry!
    "The event's counts, after its registrations or check-ins changed them."
    attendanceChanged(eventId: ID!): AttendanceCounts!
  }
`;

/**
 * Refusals as GraphQL errors with their code: an error thrown while subscribing is sent as
 * it is, past the error formatter, so the code must already be in its extensions.
 */
const refusal = (error: unknown, ctx: Ctx): GraphQLError => {
  if (error instanceof DomainError) return new GraphQLError(error.message, { originalError: error, extensions: { code: error.code } });
  ctx.app.log.error({ err: error }, 'GraphQL subscription failed');
  return new GraphQLError('Internal error', { extensions: { code: 'INTERNAL' } });
};

const mayWatch = async (ctx: Ctx, eventId: string): Promise<void> => {
  if (ctx.tokenRefusal !== undefined) throw new DomainError('UNAUTHENTICATED', ctx.tokenRefusal);
  if (!isUuid(eventId)) throw new DomainError('VALIDATION', 'eventId must be a UUID');
  await ctx.app.reads.models.requireEventTeam(ctx.actor, eventId);
};

const live = (topicOf: (eventId: string) => string) => ({
  subscribe: async (_root: unknown, args: { eventId: string }, ctx: Ctx) => {
    try {
      await mayWatch(ctx, args.eventId);
    } catch (error) {
      throw refusal(error, ctx);
    }
    return ctx.pubsub.subscribe(topicOf(args.eventId));
  },
  // The live feed publishes the field's value itself.
  resolve: (payload: unknown) => payload,
});

export const subscriptionsModule: GraphqlModule = {
  typeDefs,
  resolvers: {
    Subscription: {
      checkInRecorded: live(liveTopics.checkInRecorded),
      attendanceChanged: live(liveTopics.attendanceChanged),
    },
  },
};

const BEARER = /^Bearer +(\S+)$/i;

/** The authorization a client put in its connection_init payload, as graphql-ws clients send connectionParams. */
const authorizationIn = (payload: unknown): unknown => {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const params = payload as Record<string, unknown>;
  const headers = typeof params.headers === 'object' && params.headers !== null ? (params.headers as Record<string, unknown>) : {};
  return params.authorization ?? params.Authorization ?? headers.authorization ?? headers.Authorization;
};

/**
 * Who is on a websocket: the upgrade request's bearer token (checked by the auth plugin like
 * any request), unless the connection_init payload carries one, as browsers must. A broken
 * token is not an anonymous connection: its subscriptions are refused as UNAUTHENTICATED.
 */
export const subscriptionConnection = (tokens: TokenService) => ({
  context: (_socket: unknown, request: FastifyRequest): { actor: Actor | undefined } => ({ actor: request.actor }),
  onConnect: async ({ payload }: { payload: unknown }): Promise<true | { actor: Actor | undefined; tokenRefusal?: string }> => {
    const authorization = authorizationIn(payload);
    if (authorization === undefined) return true;
    const token = typeof authorization === 'string' ? BEARER.exec(authorization)?.[1] : undefined;
    if (!token) return { actor: undefined, tokenRefusal: 'The authorization must be "Bearer <access token>"' };
    try {
      return { actor: await tokens.verifyAccessToken(token) };
    } catch (error) {
      if (error instanceof DomainError) return { actor: undefined, tokenRefusal: error.message };
      throw error;
    }
  },
});
