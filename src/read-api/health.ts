import type { FastifyInstance } from 'fastify';

export interface Health {
  status: 'ok' | 'degraded';
  database: 'up' | 'down';
  eventStore: 'postgres' | 'eventstoredb';
}

export const checkHealth = async (app: FastifyInstance): Promise<Health> => {
  const database = await app.pool.query('SELECT 1').then(
    () => 'up' as const,
    () => 'down' as const,
  );
  return { status: database === 'up' ? 'ok' : 'degraded', database, eventStore: app.store.kind };
};

/** GET /healthz: 200 when the database answers, 503 otherwise; JSON either way. */
export const healthRoute = async (app: FastifyInstance): Promise<void> => {
  app.get('/healthz', async (_request, reply) => {
    const health = await checkHealth(app);
    return reply.code(health.status === 'ok' ? 200 : 503).send(health);
  });
};
