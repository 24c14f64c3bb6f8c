import type { GraphQLResolveInfo } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import type { RegistrationView, TicketView } from '../commands/event-commands.js';
import { type CommandRequest, commandRequest } from '../commands/request.js';
import type { EventDetails } from '../domain/event/event.js';
import type { SessionPlan } from '../domain/event/sessions.js';
import { DateTimeScalar } from './admission.js';
import type { GraphqlModule } from './graphql-module.js';

const typeDefs = /* GraphQL */ `
  enum FaceVerification {
    off
    optional
    required
  }

  enum EventStatus {
    draft
    published
    cancelled
  }

  enum RegistrationStatus {
    pending
    confirmed
    waitlisted
    rejected
    cancelled
  }

  enum ScanResult {
    ok
    already_redeemed
    revoked
    invalid
    wrong_event
    outside_window
    not_confirmed
    face_pending
  }

  enum RepeatEvery {
    day
    week
  }

  scalar DateTime

  input EventDetailsInput {
    title: String!
    description: String = ""
    venue: String!
    "IANA time zone, e.g. Europe/Warsaw; recurring sessions keep their local time in it."
    timeZone: String!
    registrationOpensAt: DateTime!
    registrationClosesAt: DateTime!
    requiresApproval: Boolean = false
    faceVerification: FaceVerification = off
  }

  input EventChangesInput {
    title: String
    description: String
    venue: String
    timeZone: String
    registrationOpensAt: DateTime
    registrationClosesAt: DateTime
    requiresApproval: Boolean
    faceVerification: FaceVerification
  }

  input RepeatInput {
    every: RepeatEvery!
    "How many sessions in all, the first included."
    count: Int!
  }

  input SessionPlanInput {
    startsAt: DateTime!
    endsAt: DateTime!
    "Check-in opens this many minutes before the start (default 60)."
    checkInOpensMinutesBefore: Int
    "Check-in stays open this many minutes after the end (default 0)."
    checkInClosesMinutesAfter: Int
    repeat: RepeatInput
  }

  type Session {
    sessionId: ID!
    startsAt: String!
    endsAt: String!
    checkInOpensAt: String!
    checkInClosesAt: String!
  }

  "An event right after a command; position is the global position of the command's last event (null if it changed nothing)."
  type EventResult {
    eventId: ID!
    status: EventStatus!
    capacity: Int!
    confirmed: Int!
    waitlisted: Int!
    sessions: [Session!]!
    position: String
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
    "Present while the registration is confirmed."
    ticket: Ticket
    position: String
  }

  type CheckInResult {
    result: ScanResult!
    registrationId: ID
    attendeeId: ID
    position: String
  }

  extend type Mutation {
    "commandId makes a command safe to resend: the same id takes effect once and answers the same."
    createEvent(details: EventDetailsInput!, capacity: Int!, commandId: ID): EventResult!
    scheduleSessions(eventId: ID!, plan: SessionPlanInput!, commandId: ID): EventResult!
    publishEvent(eventId: ID!, commandId: ID): EventResult!
    updateEvent(eventId: ID!, changes: EventChangesInput!, commandId: ID): EventResult!
    changeCapacity(eventId: ID!, capacity: Int!, commandId: ID): EventResult!
    assignStaff(eventId: ID!, staffId: ID!, commandId: ID): EventResult!
    cancelEvent(eventId: ID!, reason: String!, commandId: ID): EventResult!
    register(eventId: ID!, commandId: ID): RegistrationResult!
    approveRegistration(eventId: ID!, registrationId: ID!, commandId: ID): RegistrationResult!
    rejectRegistration(eventId: ID!, registrationId: ID!, reason: String!, commandId: ID): RegistrationResult!
    cancelRegistration(eventId: ID!, registrationId: ID!, commandId: ID): RegistrationResult!
    reissueTicket(eventId: ID!, registrationId: ID!, commandId: ID): RegistrationResult!
    "Scan a ticket's QR code at a session's door."
    checkIn(eventId: ID!, sessionId: ID!, code: String!, commandId: ID): CheckInResult!
    manualCheckIn(eventId: ID!, sessionId: ID!, registrationId: ID!, reason: String!, commandId: ID): CheckInResult!
    undoCheckIn(eventId: ID!, sessionId: ID!, registrationId: ID!, reason: String!, commandId: ID): CheckInResult!
  }
`;

type Args<T = object> = T & { commandId?: string | null; eventId: string };

const withQrUrls = (ticket: TicketView | null) =>
  ticket && { ...ticket, qrPngUrl: `/tickets/${ticket.ticketId}/qr.png`, qrSvgUrl: `/tickets/${ticket.ticketId}/qr.svg` };

const registrationResult = (view: RegistrationView) => ({ ...view, ticket: withQrUrls(view.ticket) });

/** GraphQL leaves out absent optional fields but passes explicit nulls; the domain wants neither. */
const withoutNulls = <T extends object>(input: T): Partial<T> =>
  Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null && value !== undefined)) as Partial<T>;

/** The command request of a mutation, its id bound to the operation and arguments it came with. */
const requestOf = (ctx: MercuriusContext, args: { commandId?: string | null }, info: GraphQLResolveInfo): CommandRequest =>
  commandRequest(ctx.actor, args.commandId, { operation: info.fieldName, args });

export const eventsModule: GraphqlModule = {
  typeDefs,
  resolvers: {
    DateTime: DateTimeScalar,
    Mutation: {
      createEvent: (_root, args: { details: EventDetails; capacity: number; commandId?: string | null }, ctx: MercuriusContext, info: GraphQLResolveInfo) =>
        ctx.app.attendance.events.createEvent(requestOf(ctx, args, info), { details: args.details, capacity: args.capacity }),
      scheduleSessions: (_root, args: Args<{ plan: SessionPlan }>, ctx: MercuriusContext, info: GraphQLResolveInfo) =>
        ctx.app.attendance.events.scheduleSessions(requestOf(ctx, args, info), args.eventId, withoutNulls(args.plan) as SessionPlan),
      publishEvent: (_root, args: Args, ctx: MercuriusContext, info: GraphQLResolveInfo) =>
        ctx.app.attendance.events.publishEvent(requestOf(ctx, args, info), args.eventId),
      updateEvent: (_root, args: Args<{ changes: Partial<EventDetails> }>, ctx: MercuriusContext, info: GraphQLResolveInfo) =>
        ctx.app.attendance.events.updateEvent(requestOf(ctx, args, info), args.eventId, withoutNulls(args.changes)),
      changeCapacity: (_root, args: Args<{ capacity: number }>, ctx: MercuriusContext, info: GraphQLResolveInfo) =>
        ctx.app.attendance.events.changeCapacity(requestOf(ctx, args, info), args.eventId, args.capacity),
      assignStaff: (_root, args: Args<{ staffId: string }>, ctx: MercuriusContext, info: GraphQLResolveInfo) =>
        ctx.app.attendance.events.assignStaff(requestOf(ctx, args, info), args.eventId, args.staffId),
      cancelEvent: (_root, args: Args<{ reason: string }>, ctx: MercuriusContext, info: GraphQLResolveInfo) =>
        ctx.app.attendance.events.cancelEvent(requestOf(ctx, args, info), args.eventId, args.reason),
      register: async (_root, args: Args, ctx: MercuriusContext, info: GraphQLResolveInfo) =>
        registrationResult(await ctx.app.attendance.events.register(requestOf(ctx, args, info), args.eventId)),
      approveRegistration: async (_root, args: Args<{ registrationId: string }>, ctx: MercuriusContext, info: GraphQLResolveInfo) =>
        registrationResult(
          await ctx.app.attendance.events.approveRegistration(requestOf(ctx, args, info), args.eventId, args.registrationId),
        ),
      rejectRegistration: async (_root, args: Args<{ registrationId: string; reason: string }>, ctx: MercuriusContext, info: GraphQLResolveInfo) =>
        registrationResult(
          await ctx.app.attendance.events.rejectRegistration(
            requestOf(ctx, args, info),
            args.eventId,
            args.registrationId,
            args.reason,
          ),
        ),
      cancelRegistration: async (_root, args: Args<{ registrationId: string }>, ctx: MercuriusContext, info: GraphQLResolveInfo) =>
        registrationResult(
          await ctx.app.attendance.events.cancelRegistration(requestOf(ctx, args, info), args.eventId, args.registrationId),
        ),
      reissueTicket: async (_root, args: Args<{ registrationId: string }>, ctx: MercuriusContext, info: GraphQLResolveInfo) =>
        registrationResult(
          await ctx.app.attendance.events.reissueTicket(requestOf(ctx, args, info), args.eventId, args.registrationId),
        ),
      checkIn: (_root, args: Args<{ sessionId: string; code: string }>, ctx: MercuriusContext, info: GraphQLResolveInfo) =>
        ctx.app.attendance.checkIns.checkIn(requestOf(ctx, args, info), args.eventId, args.sessionId, args.code),
      manualCheckIn: (_root, args: Args<{ sessionId: string; registrationId: string; reason: string }>, ctx: MercuriusContext, info: GraphQLResolveInfo) =>
        ctx.app.attendance.checkIns.manualCheckIn(
          requestOf(ctx, args, info),
          args.eventId,
          args.sessionId,
          args.registrationId,
          args.reason,
        ),
      undoCheckIn: (_root, args: Args<{ sessionId: string; registrationId: string; reason: string }>, ctx: MercuriusContext, info: GraphQLResolveInfo) =>
        ctx.app.attendance.checkIns.undoCheckIn(
          requestOf(ctx, args, info),
          args.eventId,
          args.sessionId,
          args.registrationId,
          args.reason,
        ),
    },
  },
};
