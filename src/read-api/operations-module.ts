import type { FastifyInstance } from 'fastify';
import type { MercuriusContext } from 'mercurius';
import { readReactorLag } from '../integration/consumer-lag.js';
import { listDeadLetters, replayDeadLetters } from '../integration/delivery.js';
import { createReactors, reactorNamed } from '../ml/reactors.js';
import type { GraphqlModule } from './graphql-module.js';
import { requireAdmin } from './read-models.js';

export const operationsModule: GraphqlModule = {
  typeDefs: /* GraphQL */ `
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
      deadLetters(consumer: String, first: Int): [DeadLetter!]!
    }

    extend type Mutation {
      "Admins only: hands a reactor's dead letters (or the one of eventId) to it again; VALIDATION for a consumer no reactor has."
      replayDeadLetters(consumer: String!, eventId: ID): DeadLetterReplay!
    }
  `,
  resolvers: {
    Query: {
      consumers: (_root, _args, ctx: MercuriusContext) => {
        requireAdmin(ctx.actor);
        return readReactorLag(ctx.app.pool);
      },
      deadLetters: (_root, args: { consumer?: string | null; first?: number | null }, ctx: MercuriusContext) => {
        requireAdmin(ctx.actor);
        return listDeadLetters(ctx.app.pool, args.consumer, Math.min(Math.max(args.first ?? 50, 1), 500));
      },
    },
    Mutation: {
      // The reactor runs here, in the API process, on the API's own database and job queues.
      replayDeadLetters: (_root, args: { consumer: string; eventId?: string | null }, ctx: MercuriusContext) => {
        requireAdmin(ctx.actor);
        const reactor = reactorNamed(createReactors({ jobs: ctx.app.jobs }), args.consumer);
        return replayDeadLetters(ctx.app.pool, reactor, args.eventId ?? undefined);
      },
    },
  },
};

/**
 * GET /metrics in the Prometheus text format: consumer lag and projection checkpoints. Lag
 * and positions are operational, not personal, so the endpoint is open like /healthz.
 */
export const metricsRoute = async (app: FastifyInstance): Promise<void> => {
  app.get('/metrics', async (_request, reply) => {
    const lines = ['# HELP rollcall_consumer_lag Events or messages a reactor has not handled yet.', '# TYPE rollcall_consumer_lag gauge'];
    for (const row of await readReactorLag(app.pool)) lines.push(`rollcall_consumer_lag{consumer="${row.consumer}",mode="${row.mode}"} ${row.lag}`);
    const { rows } = await app.pool.query<{ name: string; commit_position: string }>(
      'SELECT name, commit_position FROM rollcall.projection_checkpoints ORDER BY name',
    );
    const head = (await app.pool.query<{ head: string | null }>('SELECT max(position) AS head FROM rollcall.events')).rows[0]?.head ?? '0';
    lines.push('# HELP rollcall_projection_position Global position a projection has applied.', '# TYPE rollcall_projection_position gauge');
    for (const row of rows) lines.push(`rollcall_projection_position{projection="${row.name}"} ${Math.max(Number(row.commit_position), 0)}`);
    const forwarders = await app.pool.query<{ name: string; commit_position: string }>(
      'SELECT name, commit_position FROM rollcall.forwarder_checkpoints ORDER BY name',
    );
    lines.push('# HELP rollcall_forwarder_position Global position Kafka acknowledged for a forwarder.', '# TYPE rollcall_forwarder_position gauge');
    for (const row of forwarders.rows) lines.push(`rollcall_forwarder_position{forwarder="${row.name}"} ${Math.max(Number(row.commit_position), 0)}`);
    lines.push('# HELP rollcall_event_store_head Last global position stored.', '# TYPE rollcall_event_store_head gauge', `rollcall_event_store_head ${head}`);
    return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
  });
};
