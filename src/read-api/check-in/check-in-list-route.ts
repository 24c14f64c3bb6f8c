import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ticketIdOf } from '../../commands/tickets/ticket-codes.js';
import { CLOCK_SKEW_MS } from '../../domain/check-in/business-logic.js';
import { DomainError } from '../../domain/domain-error.js';
import { checkInList } from '../../projections/attendance/check-in-list-queries.js';

const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
const PARAMS = {
  type: 'object',
  properties: { eventId: { type: 'string', pattern: UUID }, sessionId: { type: 'string', pattern: UUID } },
  required: ['eventId', 'sessionId'],
} as const;
/** A list's `position`: a commit position, which fits a bigint. */
const QUERY = { type: 'object', properties: { since: { type: 'string', pattern: '^(0|[1-9][0-9]{0,17})$' } }, additionalProperties: false } as const;

type ListRequest = FastifyRequest<{ Params: { eventId: string; sessionId: string }; Querystring: { since?: string } }>;

/** The event's own scanner devices, and its organizer, staff and admins, may download its lists. */
const mayDownload = async (app: FastifyInstance, request: ListRequest): Promise<void> => {
  const device = request.scannerDevice;
  if (!device) return app.reads.models.requireEventTeam(request.actor, request.params.eventId);
  if (device.eventId !== request.params.eventId) throw new DomainError('FORBIDDEN', 'This scanner is registered for another event');
};

/**
 * GET /events/:eventId/sessions/:sessionId/checkin-list[?since=<position>]: what a scanner
 * needs to decide alone. The ticket keys (a JWKS: a code's signature verifies offline), the
 * tickets that admit with the version their code must carry and whether they are in, those
 * revoked, the event's status (a cancelled event admits nobody) and the session's window, with
 * the clock-skew allowance uploads are judged with. With `since`, only what changed after that
 * list's `position`. Answered 304 to an If-None-Match of the list's ETag.
 */
export const checkInListRoutes = async (app: FastifyInstance): Promise<void> => {
  app.get<{ Params: { eventId: string; sessionId: string }; Querystring: { since?: string } }>(
    '/events/:eventId/sessions/:sessionId/checkin-list',
    { schema: { params: PARAMS, querystring: QUERY } },
    async (request, reply) => {
      await mayDownload(app, request);
      const { eventId, sessionId } = request.params;
      const list = await checkInList(app.pool, { eventId, sessionId, since: BigInt(request.query.since ?? '0') });
      if (!list) throw new DomainError('NOT_FOUND', 'No such session at this event');
      const { publicKeys } = await app.tokens.ticketKeys();
      const body = JSON.stringify({
        ...list,
        clockSkewSeconds: CLOCK_SKEW_MS / 1000,
        jwks: { keys: publicKeys },
        tickets: list.tickets.map((ticket) => ({ ticketId: ticketIdOf(eventId, ticket.registrationId), ...ticket })),
        revoked: list.revoked.map((ticket) => ({ ticketId: ticketIdOf(eventId, ticket.registrationId), ...ticket })),
      });
      const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
      // Only for the door: each client asks again (no-cache) and keeps its copy to itself (private).
      reply.header('etag', etag).header('cache-control', 'private, no-cache');
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.type('application/json').send(body);
    },
  );
};
