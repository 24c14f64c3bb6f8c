import { readReactorLag } from '../../integration/consumer-lag.js';
import { listDeadLetters, replayDeadLetters } from '../../integration/delivery.js';
import { createReactors, reactorNamed } from '../../ml/reactors.js';
import { MAX_PAGE } from '../../projections/pages.js';
import type { MutationResolvers, QueryResolvers } from '../generated/graphql.js';
import type { GraphqlModule } from '../graphql-module.js';
import { requireAdmin } from '../read-models.js';

/** A page without `first`; the schema declares it as the default, which the query cost rule prices. */
const DEAD_LETTERS_PAGE = 50;

const typeDefs = /* GraphQL */ `
  type ConsumerLag {
    consumer: String!
    "store (embedded default) or kafka"
    mode: String!
    "Events (store) or messages (Kafka) not yet handled, as last reported."
    lag: Int!
    reportedAt: String!
  }

  type DeadLetter {
    consumer: String!
    eventId: ID!
    type: String!
    error: String!
    attempts: Int!
    failedAt: String!
    event: JSON!
  }

  type DeadLetterReplay {
    "Dead letters the reactor handled this time; they left the list."
    replayed: Int!
    "Dead letters it failed on again, after its retries; they stay, with the new error."
    stillFailing: Int!
  }

  extend type Query {
    "Admins only: how far behind each reactor is."
    consumers: [ConsumerLag!]!
    "Admins only: events reactors kept failing on (replayDeadLetters hands them over again)."
    deadLetters(consumer: String, first: Int = ${DEAD_LETTERS_PAGE}): [DeadLetter!]!
  }

  extend type Mutation {
    "Admins only: hands a reactor's dead letters (or the one of eventId) to it again; VALIDATION for a consumer no reactor has."
    replayDeadLetters(consumer: String!, eventId: ID): DeadLetterReplay!
  }
`;

const Query: QueryResolvers = {
  consumers: (_root, _args, ctx) => {
    requireAdmin(ctx.actor);
    return readReactorLag(ctx.app.pool);
  },
  deadLetters: (_root, args, ctx) => {
    requireAdmin(ctx.actor);
    return listDeadLetters(ctx.app.pool, args.consumer, Math.min(Math.max(args.first ?? DEAD_LETTERS_PAGE, 1), MAX_PAGE));
  },
};

const Mutation: MutationResolvers = {
  // The reactor runs here, in the API process, on the API's own database and job queues.
  replayDeadLetters: (_root, args, ctx) => {
    requireAdmin(ctx.actor);
    const reactor = reactorNamed(createReactors({ jobs: ctx.app.jobs, pool: ctx.app.pool }), args.consumer);
    return replayDeadLetters(ctx.app.pool, reactor, args.eventId ?? undefined);
  },
};

/** The reactors: how far behind each is, and the events they kept failing on. */
export const reactors: GraphqlModule = { typeDefs, resolvers: { Query, Mutation } };
