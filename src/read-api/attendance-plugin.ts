import fp from 'fastify-plugin';
import type { CheckInCommands } from '../commands/check-in-commands.js';
import type { EventCommands } from '../commands/event-commands.js';
import type { TicketCodes } from '../commands/tickets/ticket-codes.js';

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

/** Shares the event and check-in commands and the ticket codes with the GraphQL resolvers and the ticket routes. */
export const attendancePlugin = fp<Attendance>(
  async (app, attendance) => {
    app.decorate('attendance', attendance);
  },
  { name: 'rollcall-attendance', dependencies: ['rollcall-infrastructure'] },
);
