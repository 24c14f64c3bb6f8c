import type { FastifyInstance } from 'fastify';
import { readReactorLag } from '../../integration/consumer-lag.js';
import { listCheckpoints } from '../../log-follower/checkpoints.js';

/**
 * GET /metrics in the Prometheus text format: consumer lag and projection checkpoints. Lag
 * and positions are operational, not personal, so the endpoint is open like /healthz.
 */
export const metricsRoute = async (app: FastifyInstance): Promise<void> => {
  app.get('/metrics', async (_request, reply) => {
    const lines = ['# HELP rollcall_consumer_lag Events or messages a reactor has not handled yet.', '# TYPE rollcall_consumer_lag gauge'];
    for (const row of await readReactorLag(app.pool)) lines.push(`rollcall_consumer_lag{consumer="${row.consumer}",mode="${row.mode}"} ${row.lag}`);
    const head = (await app.pool.query<{ head: string | null }>('SELECT max(position) AS head FROM rollcall.events')).rows[0]?.head ?? '0';
    lines.push('# HELP rollcall_projection_position Global position a projection has applied.', '# TYPE rollcall_projection_position gauge');
    for (const { name, position } of await listCheckpoints(app.pool, 'projection'))
      lines.push(`rollcall_projection_position{projection="${name}"} ${position?.commit ?? 0}`);
    lines.push('# HELP rollcall_forwarder_position Global position Kafka acknowledged for a forwarder.', '# TYPE rollcall_forwarder_position gauge');
    for (const { name, position } of await listCheckpoints(app.pool, 'forwarder'))
      lines.push(`rollcall_forwarder_position{forwarder="${name}"} ${position?.commit ?? 0}`);
    lines.push('# HELP rollcall_event_store_head Last global position stored.', '# TYPE rollcall_event_store_head gauge', `rollcall_event_store_head ${head}`);
    return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
  });
};
