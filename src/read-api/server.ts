import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import mercurius from 'mercurius';
import { admitArguments } from './admission.js';
import { type Attendance, attendancePlugin } from './attendance-plugin.js';
import { type AuthPluginOptions, authPlugin } from './auth-plugin.js';
import { type ReadSide, readSidePlugin } from './read-side-plugin.js';
import { formatGraphqlErrors } from './graphql-errors.js';
import { refuseNonDocumentQueries } from './graphql-request.js';
import { healthRoute } from './health.js';
import { metricsRoute } from './operations-module.js';
import { type Infrastructure, infrastructure } from './infrastructure.js';
import { type LiveFeed, liveFeedPlugin } from './live-feed.js';
import { queryCostRule } from './query-cost.js';
import { loaders, resolvers, typeDefs } from './schema.js';
import { subscriptionConnection } from './subscriptions-module.js';

export interface ServerDependencies extends Infrastructure {
  auth: AuthPluginOptions;
  attendance: Attendance;
  reads: ReadSide;
  /** Publishes what the projector commits to this process' GraphQL subscribers. */
  live: LiveFeed;
}

/** Composes Rollcall's HTTP API from its plugins; the caller listens and closes. */
export const buildServer = async (deps: ServerDependencies, options: FastifyServerOptions = {}): Promise<FastifyInstance> => {
  const app = Fastify({
    ...options,
    bodyLimit: 1_048_576,
    // A request fastify cannot even route (a URL that is not UTF-8, a bad content type header) is the client's mistake too.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) =>
      reply.code(400).send({ error: error.message, code: 'BAD_REQUEST', statusCode: 400 }),
  });

  // Client mistakes keep their message and status; server faults are logged and hidden.
  app.setErrorHandler<FastifyError>((error, request, reply) => {
    const statusCode = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (statusCode >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(statusCode).send({ error: 'Internal Server Error', code: 'INTERNAL', statusCode });
    }
    // Fastify's own codes (FST_ERR_…) name its internals, not anything a client can act on.
    const code = !error.code || error.code.startsWith('FST_') ? 'BAD_REQUEST' : error.code;
    return reply.code(statusCode).send({ error: error.message, code, statusCode });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `No route for ${request.method} ${request.url}`, code: 'NOT_FOUND', statusCode: 404 }),
  );

  refuseNonDocumentQueries(app, '/graphql');
  await app.register(infrastructure, deps);
  await app.register(healthRoute);
  await app.register(metricsRoute);
  await app.register(authPlugin, deps.auth);
  await app.register(attendancePlugin, deps.attendance);
  await app.register(readSidePlugin, deps.reads);
  await app.register(mercurius, {
    schema: typeDefs,
    resolvers,
    loaders,
    context: (request) => ({ actor: request.actor }),
    path: '/graphql',
    graphiql: true,
    queryDepth: 10,
    validationRules: [queryCostRule()],
    errorFormatter: formatGraphqlErrors(app.log),
    subscription: subscriptionConnection(deps.auth.tokens),
  });
  admitArguments(app.graphql.schema);
  await app.register(liveFeedPlugin, { feed: deps.live });
  return app;
};
