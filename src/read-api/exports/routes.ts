import type { FastifyInstance } from 'fastify';
import { requireEventTeam } from '../reports/event-team.js';
import { checkInsExport } from '../../exports/check-ins-export.js';
import { streamCsv } from '../../exports/csv-export.js';
import { registrationsExport } from '../../exports/registrations-export.js';

const EVENT_PARAMS = { type: 'object', properties: { eventId: { type: 'string', format: 'uuid' } }, required: ['eventId'] } as const;

/**
 * GET /events/:eventId/exports/registrations.csv and /checkins.csv: an event's registrations
 * and door log for its organizer, its staff and admins (bearer token). Refusals are thrown
 * as the domain's errors, which the error handler answers as JSON with their status, before
 * the first byte of the file.
 */
export const exportRoutes = async (app: FastifyInstance): Promise<void> => {
  for (const spec of [registrationsExport, checkInsExport])
    app.get<{ Params: { eventId: string } }>(`/events/:eventId/exports/${spec.file}`, { schema: { params: EVENT_PARAMS } }, async (request, reply) => {
      const eventId = request.params.eventId.toLowerCase();
      await requireEventTeam(app.pool, request.actor, eventId);
      const csv = await streamCsv(app.pool, spec, eventId, request.log);
      // Names and addresses: no cache may keep them.
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${eventId}-${spec.file}"`)
        .header('cache-control', 'no-store')
        .send(csv);
    });
};
