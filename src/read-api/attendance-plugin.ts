import fp from 'fastify-plugin';
import type { CheckInCommands } from '../commands/check-in-commands.js';
import type { EventCommands } from '../commands/event-commands.js';
import type { FaceEnrollments } from '../commands/faces/face-enrollments.js';
import type { TicketCodes } from '../commands/tickets/ticket-codes.js';

export interface Attendance {
  events: EventCommands;
  checkIns: CheckInCommands;
  codes: TicketCodes;
  /** Attendees' faces, enrolled for the check at the door. */
  faces: FaceEnrollments;
}

declare module 'fastify' {
  interface FastifyInstance {
    attendance: Attendance;
  }
}

/** Shares the event, check-in and face commands and the ticket codes with the GraphQL resolvers and the REST routes. */
export const attendancePlugin = fp<Attendance>(
  async (app, attendance) => {
    app.decorate('attendance', attendance);
  },
  { name: 'rollcall-attendance', dependencies: ['rollcall-infrastructure'] },
);
