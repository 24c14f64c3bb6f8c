import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { type ReadinessCheck, assess } from './readiness.js';

export interface ProbeRoutesOptions {
  metrics: Metrics;
  /** Read at each /readyz: a role adds its checks as its parts start. */
  checks: readonly ReadinessCheck[];
}

/**
 * What every role answers, on the api's own server or on the others' METRICS_PORT:
 * GET /healthz, 200 while the process answers at all (alive: restart it when this fails);
 * GET /readyz, 200 when its dependencies are reachable and its consumers within their lag
 * bounds, else 503 saying which check failed (ready: send it work, or stop alerting);
 * GET /metrics, Prometheus's text format. Open to all, as probers and scrapers come without
 * tokens: operational numbers, nothing personal. Logged only when they fail, as they come
 * every few seconds.
 */
export const probeRoutes = async (app: FastifyInstance, { metrics, checks }: ProbeRoutesOptions): Promise<void> => {
  const quiet = { logLevel: 'warn' as const };
  app.get('/healthz', quiet, async () => ({ status: 'ok' }));
  app.get('/readyz', quiet, async (_request, reply) => {
    const readiness = await assess(checks);
    return reply.code(readiness.ready ? 200 : 503).send({ status: readiness.ready ? 'ready' : 'not_ready', checks: readiness.checks });
  });
  app.get('/metrics', quiet, async (_request, reply) => reply.type(metrics.contentType).send(await metrics.text()));
};

/** The routes that are never rate-limited, nor asked for a token. */
export const PROBE_ROUTES: readonly string[] = ['/healthz', '/readyz', '/metrics'];

export interface ProbeServer {
  /** e.g. http://127.0.0.1:9464 */
  address: string;
  close(): Promise<void>;
}

/** The probe routes on a server of their own, for the roles that serve no API (METRICS_PORT). */
export const startProbeServer = async (options: ProbeRoutesOptions & { host: string; port: number; log: Logger }): Promise<ProbeServer> => {
  const app = Fastify({ loggerInstance: options.log });
  await app.register(probeRoutes, options);
  try {
    const address = await app.listen({ host: options.host, port: options.port });
    return { address, close: () => app.close() };
  } catch (error) {
    await app.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new Error(`METRICS_PORT ${options.port} is in use on ${options.host}: give each process on this machine a port of its own (0 picks a free one)`);
    throw error;
  }
};
