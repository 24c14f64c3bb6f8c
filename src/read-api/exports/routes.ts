import type { FastifyInstance } from 'fastify';
import { checkInsExport } from '../../exports/check-ins-export.js';
import { streamCsv } from '../../exports/csv-export.js';
import { ExportSlots, RETRY_AFTER_SECONDS } from '../../exports/export-slots.js';
import { registrationsExport } from '../../exports/registrations-export.js';
import { requireEventTeamOrAdmin } from '../reports/event-team.js';

const EVENT_PARAMS = { type: 'object', properties: { eventId: { type: 'string', format: 'uuid' } }, required: ['eventId'] } as const;

/** Exports streamed at once by this process, leaving most of the pool to everything else. */
const EXPORTS_AT_ONCE = 3;

/**
 * GET /events/:eventId/exports/registrations.csv and /checkins.csv: an event's registrations
 * and door log for its organizer, its staff and admins (bearer token). Refusals are thrown
 * as the domain's errors, which the error handler answers as JSON with their status, before
 * the first byte of the file.
 */
export const exportRoutes = async (app: FastifyInstance): Promise<void> => {
  const slots = new ExportSlots(EXPORTS_AT_ONCE);
  for (const spec of [registrationsExport, checkInsExport])
    app.get<{ Params: { eventId: string } }>(`/events/:eventId/exports/${spec.file}`, { schema: { params: EVENT_PARAMS } }, async (request, reply) => {
      const eventId = request.params.eventId.toLowerCase();
      await requireEventTeamOrAdmin(app.pool, request.actor, eventId);
      let release: () => void;
      try {
        release = slots.take();
      } catch (refusal) {
        reply.header('retry-after', RETRY_AFTER_SECONDS);
        throw refusal;
      }
      const csv = await streamCsv(app.pool, spec, eventId, request.log).catch((error: unknown) => {
        release();
        throw error;
      });
      csv.once('close', release);
      // Names and addresses: no cache may keep them.
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${eventId}-${spec.file}"`)
        .header('cache-control', 'no-store')
        .send(csv);
    });
};
