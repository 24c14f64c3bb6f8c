import type { GraphqlModule } from './graphql-module.js';
import { checkHealth } from './health.js';

export const healthModule: GraphqlModule = {
  typeDefs: /* GraphQL */ `
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
    }

    type Health {
      status: HealthStatus!
      database: ServiceState!
      eventStore: EventStoreKind!
    }
  `,
  resolvers: {
    Query: {
      health: (_root, _args, { app }) => checkHealth(app),
    },
  },
};
