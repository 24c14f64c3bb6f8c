import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { CheckInCommands } from '../commands/check-in-commands.js';
import type { EventCommands } from '../commands/event-commands.js';
import { type TicketCodes, parseTicketId } from '../commands/tickets/ticket-codes.js';
import { ticketQrPng, ticketQrSvg } from '../commands/tickets/ticket-qr.js';
import { DomainError } from '../domain/domain-error.js';
import { registrationOf } from '../domain/event/event.js';

export interface Attendance {
  events: EventCommands;
  checkIns: CheckInCommands;
  codes: TicketCodes;
}

declare module 'fastify' {
  interface FastifyInstance {
    attendance: Attendance;
  }
}

const HTTP_STATUS: Record<string, number> = { VALIDATION: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, CAPACITY: 409 };

const fail = (reply: FastifyReply, code: string, error: string) =>
  reply.code(HTTP_STATUS[code] ?? 400).send({ error, code, statusCode: HTTP_STATUS[code] ?? 400 });

/** GET /tickets/:ticketId/qr.png|svg: the ticket's QR for its holder, made from its current signed code. */
const qrRoute = (app: FastifyInstance, format: 'png' | 'svg') =>
  app.get<{ Params: { ticketId: string } }>(
    `/tickets/:ticketId/qr.${format}`,
    { schema: { params: { type: 'object', properties: { ticketId: { type: 'string', maxLength: 80 } }, required: ['ticketId'] } } },
    async (request: FastifyRequest<{ Params: { ticketId: string } }>, reply) => {
      if (!request.actor) return fail(reply, 'UNAUTHENTICATED', 'Log in to download your ticket');
      const ids = parseTicketId(request.params.ticketId);
      if (!ids) return fail(reply, 'NOT_FOUND', 'No such ticket');
      try {
        const event = await app.attendance.events.currentEvent(ids.eventId);
        const registration = registrationOf(event, ids.registrationId);
        if (!registration) return fail(reply, 'NOT_FOUND', 'No such ticket');
        if (registration.attendeeId !== request.actor.accountId) return fail(reply, 'FORBIDDEN', 'This ticket belongs to someone else');
        const ticket = await app.attendance.events.ticketOf(event, registration);
        if (!ticket) return fail(reply, 'NOT_FOUND', 'This registration has no valid ticket');
        // The code admits its bearer: no cache may keep it.
        reply.header('cache-control', 'no-store');
        if (format === 'png') return reply.type('image/png').send(await ticketQrPng(ticket.code));
        return reply.type('image/svg+xml').send(await ticketQrSvg(ticket.code));
      } catch (error) {
        if (error instanceof DomainError) return fail(reply, error.code, error.message);
        throw error;
      }
    },
  );

/** Shares the event and check-in commands with the GraphQL resolvers and serves ticket QR codes. */
export const attendancePlugin = fp<Attendance>(
  async (app, attendance) => {
    app.decorate('attendance', attendance);
    qrRoute(app, 'png');
    qrRoute(app, 'svg');
  },
  { name: 'rollcall-attendance', dependencies: ['rollcall-infrastructure'] },
);
