import type { FastifyInstance } from 'fastify';
import { parseTicketId } from '../../commands/tickets/ticket-codes.js';
import { ticketQrPng, ticketQrSvg } from '../../commands/tickets/ticket-qr.js';
import { DomainError } from '../../domain/domain-error.js';
import { registrationOf } from '../../domain/event/event.js';

const FORMATS = ['png', 'svg'] as const;

/** Where a ticket's holder downloads its QR, as the API hands it out. */
export const ticketQrUrls = (ticketId: string): { qrPngUrl: string; qrSvgUrl: string } => ({
  qrPngUrl: `/tickets/${ticketId}/qr.png`,
  qrSvgUrl: `/tickets/${ticketId}/qr.svg`,
});

const TICKET_PARAMS = { type: 'object', properties: { ticketId: { type: 'string', maxLength: 80 } }, required: ['ticketId'] } as const;

/**
 * GET /tickets/:ticketId/qr.png|svg: the ticket's QR for its holder, made from its current
 * signed code. Refusals are thrown as the domain's errors; the error handler answers each
 * with its status.
 */
export const ticketQrRoutes = async (app: FastifyInstance): Promise<void> => {
  for (const format of FORMATS)
    app.get<{ Params: { ticketId: string } }>(`/tickets/:ticketId/qr.${format}`, { schema: { params: TICKET_PARAMS } }, async (request, reply) => {
      if (!request.actor) throw new DomainError('UNAUTHENTICATED', 'Log in to download your ticket');
      const ids = parseTicketId(request.params.ticketId);
      if (!ids) throw new DomainError('NOT_FOUND', 'No such ticket');
      const event = await app.attendance.events.currentEvent(ids.eventId);
      const registration = registrationOf(event, ids.registrationId);
      if (!registration) throw new DomainError('NOT_FOUND', 'No such ticket');
      if (registration.attendeeId !== request.actor.accountId) throw new DomainError('FORBIDDEN', 'This ticket belongs to someone else');
      const ticket = app.attendance.events.ticketOf(event, registration);
      if (!ticket) throw new DomainError('NOT_FOUND', 'This registration has no valid ticket');
      // The code admits its bearer: no cache may keep it.
      reply.header('cache-control', 'no-store');
      const code = await ticket.code();
      if (format === 'png') return reply.type('image/png').send(await ticketQrPng(code));
      return reply.type('image/svg+xml').send(await ticketQrSvg(code));
    });
};
