import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import { PROBE_ROUTES } from '../observability/probe-routes.js';
import { RATE_LIMITS } from '../rate-limits/limits.js';
import { Throttle, type ThrottleOptions, rateLimited } from '../rate-limits/throttle.js';
import { sendRefusal } from './error-map.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The per-operation limits (sign-ups, reset and verification mail, scans), counted across every API process. */
    throttle: Throttle;
  }
}

export interface RateLimitPluginOptions extends ThrottleOptions {
  /** Where GraphQL is served; refusals there are answered as GraphQL errors. */
  graphqlPath?: string;
}

/** Asked all the time by load balancers and Prometheus, and answered without any work worth limiting. */
const UNLIMITED_ROUTES = new Set(PROBE_ROUTES);

/**
 * Rate limits. Every request first meets a ceiling per network (@fastify/rate-limit), ahead of
 * any other hook, so that a flood is turned away before its token is verified. That ceiling is
 * counted in each process' memory: it is a coarse guard against floods, and a few processes
 * each allowing it is still a ceiling. The limits that must hold whatever process a request
 * lands on (per operation, address and device) are the `throttle`'s, counted in PostgreSQL.
 */
export const rateLimitPlugin = fp<RateLimitPluginOptions>(
  async (app, { graphqlPath = '/graphql', ...options }) => {
    app.decorate('throttle', new Throttle(options));
    const ceiling = (options.limits ?? RATE_LIMITS).requestsPerNetwork;
    if (!Number.isFinite(ceiling.max)) return;
    // Not global: the hook below runs the limiter itself, to answer in the shape each route's clients read.
    await app.register(rateLimit, { global: false });
    const count = app.createRateLimit({ max: ceiling.max, timeWindow: ceiling.windowMs });
    app.addHook('onRequest', async (request, reply) => {
      if (UNLIMITED_ROUTES.has(request.routeOptions.url ?? '')) return;
      const verdict = await count(request);
      if (verdict.isAllowed || !verdict.isExceeded) return;
      reply.header('retry-after', verdict.ttlInSeconds);
      return sendRefusal(reply, request, graphqlPath, rateLimited(ceiling, verdict.ttlInSeconds));
    });
  },
  { name: 'rollcall-rate-limits' },
);
