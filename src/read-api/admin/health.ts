import type { FastifyInstance } from 'fastify';
import type { Health, QueryResolvers } from '../generated/graphql.js';
import type { GraphqlModule } from '../graphql-module.js';

const typeDefs = /* GraphQL */ `
  extend type Query {
    "Whether the API can reach its database, and which event store it writes to."
    health: Health!
  }

  enum HealthStatus {
    ok
    degraded
  }

  enum ServiceState {
    up
    down
  }

  enum EventStoreKind {
    postgres
    eventstoredb
    memory
  }

  type Health {
    status: HealthStatus!
    database: ServiceState!
    eventStore: EventStoreKind!
  }
`;

const checkHealth = async (app: FastifyInstance): Promise<Health> => {
  const database = await app.pool.query('SELECT 1').then(
    () => 'up' as const,
    () => 'down' as const,
  );
  return { status: database === 'up' ? 'ok' : 'degraded', database, eventStore: app.store.kind };
};

const Query: QueryResolvers = {
  health: (_root, _args, { app }) => checkHealth(app),
};

/** The health query, open to all as /healthz and /readyz are (src/observability/probe-routes.ts). */
export const health: GraphqlModule = { typeDefs, resolvers: { Query } };
