import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import mercurius from 'mercurius';
import { admitArguments } from './admission.js';
import { type ProbeRoutesOptions, probeRoutes } from '../observability/probe-routes.js';
import { type Attendance, attendancePlugin } from './attendance-plugin.js';
import { type AuthPluginOptions, authPlugin } from './auth-plugin.js';
import { checkInListRoutes } from './check-in/check-in-list-route.js';
import { corsPlugin } from './cors-plugin.js';
import { errorBody, restErrorOf, sendError } from './error-map.js';
import { exportRoutes } from './exports/routes.js';
import { faceRoutes } from './faces/face-routes.js';
import { formatGraphqlErrors } from './graphql-errors.js';
import { refuseNonDocumentQueries, refuseNonDocumentSubscriptions } from './graphql-request.js';
import { type Infrastructure, infrastructure } from './infrastructure.js';
import { noIntrospectionRule } from './introspection.js';
import { type LiveFeed, liveFeedPlugin } from './live-feed.js';
import { publicUrlPlugin } from './public-url.js';
import { OperationMetrics } from './operation-metrics.js';
import { photoUploads } from './photo-uploads.js';
import { queryCostRule } from './query-cost.js';
import { type RateLimitPluginOptions, rateLimitPlugin } from './rate-limit-plugin.js';
import { type ReadSide, readSidePlugin } from './read-side-plugin.js';
import { ticketQrRoutes } from './registrations-and-tickets/ticket-qr-routes.js';
import { requestIdOf } from './request-id.js';
import { loaders, resolvers, typeDefs } from './schema.js';
import { subscriptionConnection } from './subscription-connection.js';

export interface ServerDependencies extends Infrastructure {
  auth: AuthPluginOptions;
  rateLimits: RateLimitPluginOptions;
  attendance: Attendance;
  reads: ReadSide;
  /** Publishes what the projector commits to this process' GraphQL subscribers. */
  live: LiveFeed;
  /** GraphiQL at /graphiql and schema introspection (GRAPHIQL=true); off by default. */
  graphiql?: boolean;
  /** PUBLIC_BASE_URL, where links (the tickets' QR URLs) point; see public-url.ts. */
  publicBaseUrl?: string | undefined;
  /** CORS_ORIGINS: the origins whose pages may call the API from a browser; none by default. */
  corsOrigins?: readonly string[];
  /** /metrics, /healthz and /readyz: what they serve and check (the whole process's, in the `all` role). */
  probes: ProbeRoutesOptions;
}

/** Composes Rollcall's HTTP API from its plugins; the caller listens and closes. */
export const buildServer = async (deps: ServerDependencies, options: FastifyServerOptions = {}): Promise<FastifyInstance> => {
  const app = Fastify({
    ...options,
    bodyLimit: 1_048_576,
    requestIdHeader: false,
    genReqId: requestIdOf,
    // A request fastify cannot even route (a URL that is not UTF-8, a bad content type header) is the client's mistake too.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) =>
      sendError(reply, errorBody('BAD_REQUEST', error.message)),
  });

  // Every REST route's errors, by the error map: a refusal thrown anywhere is its 4xx, never a 500.
  app.setErrorHandler<FastifyError>((error, request, reply) => {
    const body = restErrorOf(error);
    if (body.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    return sendError(reply, body);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, errorBody('NOT_FOUND', `No route for ${request.method} ${request.url}`)));
  // Told back, so that a caller who sent none can still quote it (and grep for it).
  app.addHook('onRequest', async (request, reply) => void reply.header('x-request-id', request.id));
  const operations = new OperationMetrics(deps.probes.metrics.graphqlOperations);
  operations.timeRequests(app, '/graphql');

  // First, so that its ceiling turns a flood away before any other hook does work for it.
  await app.register(rateLimitPlugin, deps.rateLimits);
  await app.register(corsPlugin, { origins: deps.corsOrigins ?? [] });
  refuseNonDocumentQueries(app, '/graphql');
  await app.register(infrastructure, deps);
  await app.register(probeRoutes, deps.probes);
  await app.register(authPlugin, deps.auth);
  await app.register(attendancePlugin, deps.attendance);
  await app.register(ticketQrRoutes);
  await app.register(faceRoutes);
  await app.register(exportRoutes);
  await app.register(publicUrlPlugin, { publicBaseUrl: deps.publicBaseUrl });
  await app.register(readSidePlugin, deps.reads);
  await app.register(checkInListRoutes);
  // Before mercurius: its multipart parser and hooks are in place for the GraphQL route.
  await app.register(photoUploads);
  await app.register(mercurius, {
    schema: typeDefs,
    resolvers,
    loaders,
    context: (request) => ({ actor: request.actor, ip: request.ip, logInSession: request.logInSession, requestId: request.id, scannerDevice: request.scannerDevice }),
    path: '/graphql',
    graphiql: deps.graphiql ?? false,
    queryDepth: 10,
    // A query's second run compiles it (graphql-jit): clients send the same few texts thousands of
    // times, and compiled execution took a door's check-ins from about 1,780 to 1,900 a second at 16 scanners.
    jit: 1,
    // Introspection goes with GraphiQL, which needs it; elsewhere nobody is handed a map of the API.
    validationRules: [queryCostRule(), ...(deps.graphiql ? [] : [noIntrospectionRule])],
    errorFormatter: operations.formattingErrors(formatGraphqlErrors(app.log)),
    subscription: subscriptionConnection(app.accessTokens),
  });
  admitArguments(app.graphql.schema);
  operations.nameOperations(app);
  refuseNonDocumentSubscriptions(app);
  await app.register(liveFeedPlugin, { feed: deps.live });
  return app;
};
