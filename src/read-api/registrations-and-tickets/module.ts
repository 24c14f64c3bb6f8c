import type { RegistrationView, TicketView } from '../../commands/event-commands.js';
import { ticketIdOf } from '../../commands/tickets/ticket-codes.js';
import { MY_REGISTRATIONS_PAGE, REGISTRATIONS_PAGE } from '../../projections/attendance/registration-queries.js';
import type { MutationResolvers, QueryResolvers, RegistrationEntryResolvers, TicketResolvers } from '../generated/graphql.js';
import type { MercuriusContext } from 'mercurius';
import type { GraphqlModule } from '../graphql-module.js';
import { mutationRequest } from '../mutation-request.js';
import { waitForPosition } from '../read-your-writes.js';
import { ticketQrUrls } from './ticket-qr-routes.js';

const typeDefs = /* GraphQL */ `
  enum RegistrationStatus {
    pending
    confirmed
    waitlisted
    rejected
    cancelled
  }

  type Ticket {
    ticketId: ID!
    version: Int!
    "The signed code the QR carries (a JWT)."
    code: String!
    qrPngUrl: String!
    qrSvgUrl: String!
  }

  type RegistrationResult {
    registrationId: ID!
    eventId: ID!
    status: RegistrationStatus!
    "Present while the registration is confirmed, and only to its attendee: the code is their credential."
    ticket: Ticket
    position: String
  }

  type TicketView {
    ticketId: ID!
    eventId: ID!
    registrationId: ID!
    "Null where the log holds an attendee id the read model cannot store."
    attendeeId: ID
    status: RegistrationStatus!
    version: Int!
    "The signed code for the QR; only its holder sees it, and only while the registration is confirmed."
    code: String
    qrPngUrl: String!
    qrSvgUrl: String!
  }

  type RegistrationEntry {
    registrationId: ID!
    eventId: ID!
    "Null where the log holds an attendee id the read model cannot store."
    attendeeId: ID
    attendeeName: String
    attendeeEmail: String
    status: RegistrationStatus!
    "The ticket's id (<eventId>_<registrationId>, as ticket takes it) while the registration is confirmed; null while it holds no valid ticket (pending, waitlisted, rejected, cancelled)."
    ticketId: ID
    ticketVersion: Int!
    registeredAt: String!
  }

  type RegistrationConnection {
    nodes: [RegistrationEntry!]!
    pageInfo: PageInfo!
  }

  extend type Query {
    registrations(
      eventId: ID!
      status: RegistrationStatus
      "Part of the attendee's name or email."
      search: String
      first: Int = ${REGISTRATIONS_PAGE}
      after: String
      atPosition: String
    ): RegistrationConnection!
    myRegistrations(first: Int = ${MY_REGISTRATIONS_PAGE}, after: String, atPosition: String): RegistrationConnection!
    "A ticket, for its holder (with its code) and the event's organizer, staff and admins (without)."
    ticket(ticketId: ID!, atPosition: String): TicketView
  }

  extend type Mutation {
    register(eventId: ID!, commandId: ID): RegistrationResult!
    approveRegistration(eventId: ID!, registrationId: ID!, commandId: ID): RegistrationResult!
    rejectRegistration(eventId: ID!, registrationId: ID!, reason: String!, commandId: ID): RegistrationResult!
    cancelRegistration(eventId: ID!, registrationId: ID!, commandId: ID): RegistrationResult!
    reissueTicket(eventId: ID!, registrationId: ID!, commandId: ID): RegistrationResult!
  }
`;

/** A ticket as a mutation answers it, its code signed only if the client selects it. */
export type TicketResult = TicketView & ReturnType<typeof ticketQrUrls>;

const registrationResult = ({ ticket, ...registration }: RegistrationView) => ({
  ...registration,
  ticket: ticket && { ...ticket, ...ticketQrUrls(ticket.ticketId) },
});

/** Registrations are listed with their attendees' names, which the accounts read model holds. */
const WITH_ACCOUNTS = ['attendance', 'accounts'];
const ATTENDANCE = ['attendance'];

const Query: QueryResolvers = {
  registrations: async (_root, args, ctx) => {
    await waitForPosition(ctx, WITH_ACCOUNTS, args.atPosition, () => ctx.app.reads.models.requireEventTeamUnlessNew(ctx.actor, args.eventId));
    return ctx.app.reads.models.registrations(ctx.actor, args);
  },
  myRegistrations: async (_root, args, ctx) => {
    await waitForPosition(ctx, WITH_ACCOUNTS, args.atPosition);
    return ctx.app.reads.models.myRegistrations(ctx.actor, args.first, args.after);
  },
  ticket: async (_root, args, ctx) => {
    await waitForPosition(ctx, ATTENDANCE, args.atPosition, () => ctx.app.reads.models.requireTicketReaderUnlessNew(ctx.actor, args.ticketId));
    return ctx.app.reads.models.ticket(ctx.actor, args.ticketId, (claims) => ctx.app.attendance.codes.sign(claims));
  },
};

/** A ticket id is no credential (the signed code is), so it shows wherever the registration does. */
const RegistrationEntry: RegistrationEntryResolvers = {
  ticketId: (registration) => (registration.status === 'confirmed' ? ticketIdOf(registration.eventId, registration.registrationId) : null),
};

const Mutation: MutationResolvers = {
  register: async (_root, args, ctx, info) =>
    registrationResult(await ctx.app.attendance.events.register(mutationRequest(ctx, args, info), args.eventId)),
  approveRegistration: async (_root, args, ctx, info) =>
    registrationResult(await ctx.app.attendance.events.approveRegistration(mutationRequest(ctx, args, info), args.eventId, args.registrationId)),
  rejectRegistration: async (_root, args, ctx, info) =>
    registrationResult(
      await ctx.app.attendance.events.rejectRegistration(mutationRequest(ctx, args, info), args.eventId, args.registrationId, args.reason),
    ),
  cancelRegistration: async (_root, args, ctx, info) =>
    registrationResult(await ctx.app.attendance.events.cancelRegistration(mutationRequest(ctx, args, info), args.eventId, args.registrationId)),
  reissueTicket: async (_root, args, ctx, info) =>
    registrationResult(await ctx.app.attendance.events.reissueTicket(mutationRequest(ctx, args, info), args.eventId, args.registrationId)),
};

/** The QR routes as links to follow from anywhere (PUBLIC_BASE_URL, see public-url.ts). */
const qrLink =
  (field: 'qrPngUrl' | 'qrSvgUrl') =>
  (ticket: Partial<Record<typeof field, string>>, _args: unknown, ctx: MercuriusContext): string =>
    ctx.app.publicUrl(ticket[field] ?? '');
const qrLinks = { qrPngUrl: qrLink('qrPngUrl'), qrSvgUrl: qrLink('qrSvgUrl') };

/** Registering for events, the organizer's decisions on registrations, and tickets (their QR codes are REST routes beside this). */
export const registrationsAndTickets: GraphqlModule = {
  typeDefs,
  resolvers: { Query, Mutation, RegistrationEntry, Ticket: { ...qrLinks, code: (ticket) => ticket.code() } satisfies TicketResolvers, TicketView: qrLinks },
};
