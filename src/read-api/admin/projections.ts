import { formatPosition } from '../../eventstore/position.js';
import { projections as allProjections } from '../../projections/projections.js';
import { readQuarantined } from '../../projections/quarantine.js';
import { readCheckpoint } from '../../projections/runner.js';
import type { MutationResolvers, QueryResolvers } from '../generated/graphql.js';
import type { GraphqlModule } from '../graphql-module.js';
import { requireAdmin } from '../read-models.js';

const typeDefs = /* GraphQL */ `
  type ProjectionStatus {
    name: String!
    "running, stopped or failed"
    status: String!
    position: String
    updatedAt: String!
    "The event, the error and the lag, when it failed."
    failure: JSON
    "Events operators told it to skip (rollcall admin projections quarantine), in the order decided."
    quarantined: [QuarantinedEvent!]!
  }

  type QuarantinedEvent {
    eventId: ID!
    reason: String!
    "Who decided, as the operator gave it."
    by: String!
    at: String!
  }

  type RebuildJob {
    id: ID!
    projection: String!
    "created, retry, active, completed, cancelled or failed"
    state: String!
    createdOn: String!
    completedOn: String
    "The rebuilt position and event count, or the error."
    output: JSON
  }

  extend type Query {
    "Admins only: each projection's checkpoint and health."
    projections: [ProjectionStatus!]!
    "Admins only: a rebuild job and how it went."
    rebuildJob(id: ID!): RebuildJob
  }

  extend type Mutation {
    "Admins only: rebuild a projection from the first event, in the background (pg-boss); the live tables keep serving until the swap."
    rebuildProjection(name: String!): RebuildJob!
  }
`;

const Query: QueryResolvers = {
  projections: async (_root, _args, ctx) => {
    requireAdmin(ctx.actor);
    return Promise.all(
      allProjections.map(async ({ name }) => {
        const checkpoint = await readCheckpoint(ctx.app.pool, name);
        return {
          name,
          status: checkpoint?.status ?? 'not started',
          position: checkpoint?.position ? formatPosition(checkpoint.position) : null,
          updatedAt: (checkpoint?.updatedAt ?? new Date(0)).toISOString(),
          failure: checkpoint?.failure ?? null,
          quarantined: await readQuarantined(ctx.app.store, name),
        };
      }),
    );
  },
  rebuildJob: (_root, args, ctx) => {
    requireAdmin(ctx.actor);
    return ctx.app.jobs.rebuildJob(args.id);
  },
};

const Mutation: MutationResolvers = {
  rebuildProjection: (_root, args, ctx) => ctx.app.jobs.requestRebuild(args.name, requireAdmin(ctx.actor).accountId),
};

/** The projections' health, and their rebuilds in the background. */
export const projections: GraphqlModule = { typeDefs, resolvers: { Query, Mutation } };
