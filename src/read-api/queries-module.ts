import type { MercuriusContext } from 'mercurius';
import type { GraphqlModule } from './graphql-module.js';

type Ctx = MercuriusContext;
type Paging = { first?: number | null; after?: string | null; atPosition?: string | null };

const typeDefs = /* GraphQL */ `
  type PageInfo {
    "Pass as \`after\` for the next page."
    endCursor: String
    hasNextPage: Boolean!
  }

  type EventCounts {
    confirmed: Int!
    pending: Int!
    waitlisted: Int!
  }

  type EventSession {
    sessionId: ID!
    startsAt: String!
    endsAt: String!
    checkInOpensAt: String!
    checkInClosesAt: String!
    checkedIn: Int!
  }

  type EventDetails {
    eventId: ID!
    organizerId: ID!
    title: String!
    description: String!
    venue: String!
    timeZone: String!
    status: EventStatus!
    capacity: Int!
    requiresApproval: Boolean!
    faceVerification: FaceVerification!
    registrationOpensAt: String!
    registrationClosesAt: String!
    counts: EventCounts!
    sessions: [EventSession!]!
  }

  type EventConnection {
    nodes: [EventDetails!]!
    pageInfo: PageInfo!
  }

  type RegistrationEntry {
    registrationId: ID!
    eventId: ID!
    attendeeId: ID!
    attendeeName: String
    attendeeEmail: String
    status: RegistrationStatus!
    ticketVersion: Int!
    registeredAt: String!
  }

  type RegistrationConnection {
    nodes: [RegistrationEntry!]!
    pageInfo: PageInfo!
  }

  type SessionAttendance {
    sessionId: ID!
    confirmed: Int!
    checkedIn: Int!
  }

  type CheckInEntry {
    position: String!
    registrationId: ID
    attendeeId: ID
    staffId: ID!
    "scan, manual or undo"
    kind: String!
    result: String!
    reason: String
    at: String!
  }

  type CheckInConnection {
    nodes: [CheckInEntry!]!
    pageInfo: PageInfo!
  }

  type AuditEntry {
    position: String!
    eventId: ID!
    streamId: String!
    type: String!
    actorId: ID!
    correlationId: ID!
    commandId: ID!
    occurredAt: String!
  }

  type AuditConnection {
    nodes: [AuditEntry!]!
    pageInfo: PageInfo!
  }

  # Queries read the read models. atPosition, the position a mutation returned, makes a query
  # wait (up to 5 s, then NOT_YET_VISIBLE) until the read side has caught up with that write.
  extend type Query {
    me(atPosition: String): Account
    event(eventId: ID!, atPosition: String): EventDetails
    events(first: Int, after: String, atPosition: String): EventConnection!
    registrations(
      eventId: ID!
      status: RegistrationStatus
      "Part of the attendee's name or email."
      search: String
      first: Int
      after: String
      atPosition: String
    ): RegistrationConnection!
    myRegistrations(first: Int, after: String, atPosition: String): RegistrationConnection!
    sessionAttendance(eventId: ID!, sessionId: ID!, atPosition: String): SessionAttendance!
    checkIns(eventId: ID!, sessionId: ID!, first: Int, after: String, atPosition: String): CheckInConnection!
    "Admins only: who did what, when."
    auditLog(actorId: ID, correlationId: ID, from: String, to: String, first: Int, after: String, atPosition: String): AuditConnection!
  }
`;

const ATTENDANCE = ['attendance'];
const WITH_ACCOUNTS = ['attendance', 'accounts'];

export const queriesModule: GraphqlModule = {
  typeDefs,
  resolvers: {
    Query: {
      me: async (_root, args: { atPosition?: string | null }, ctx: Ctx) => {
        await ctx.app.reads.positions.waitFor(['accounts'], args.atPosition);
        return ctx.app.reads.models.me(ctx.actor);
      },
      event: async (_root, args: { eventId: string; atPosition?: string | null }, ctx: Ctx) => {
        await ctx.app.reads.positions.waitFor(ATTENDANCE, args.atPosition);
        return ctx.app.reads.models.event(ctx.actor, args.eventId);
      },
      events: async (_root, args: Paging, ctx: Ctx) => {
        await ctx.app.reads.positions.waitFor(ATTENDANCE, args.atPosition);
        return ctx.app.reads.models.events(ctx.actor, args.first, args.after);
      },
      registrations: async (_root, args: Paging & { eventId: string; status?: string | null; search?: string | null }, ctx: Ctx) => {
        await ctx.app.reads.positions.waitFor(WITH_ACCOUNTS, args.atPosition);
        return ctx.app.reads.models.registrations(ctx.actor, args);
      },
      myRegistrations: async (_root, args: Paging, ctx: Ctx) => {
        await ctx.app.reads.positions.waitFor(WITH_ACCOUNTS, args.atPosition);
        return ctx.app.reads.models.myRegistrations(ctx.actor, args.first, args.after);
      },
      sessionAttendance: async (_root, args: { eventId: string; sessionId: string; atPosition?: string | null }, ctx: Ctx) => {
        await ctx.app.reads.positions.waitFor(ATTENDANCE, args.atPosition);
        return ctx.app.reads.models.sessionAttendance(ctx.actor, args.eventId, args.sessionId);
      },
      checkIns: async (_root, args: Paging & { eventId: string; sessionId: string }, ctx: Ctx) => {
        await ctx.app.reads.positions.waitFor(ATTENDANCE, args.atPosition);
        return ctx.app.reads.models.checkIns(ctx.actor, args);
      },
      auditLog: async (
        _root,
        args: Paging & { actorId?: string | null; correlationId?: string | null; from?: string | null; to?: string | null },
        ctx: Ctx,
      ) => {
        await ctx.app.reads.positions.waitFor(['audit'], args.atPosition);
        return ctx.app.reads.models.auditLog(ctx.actor, args);
      },
    },
  },
  loaders: {
    EventDetails: {
      // One query for the sessions of every event on the page, not one per event.
      sessions: async (queries: { obj: { eventId: string } }[], ctx: Ctx) => {
        const byEvent = await ctx.app.reads.models.sessionsOf(queries.map((q) => q.obj.eventId));
        return queries.map((q) => byEvent.get(q.obj.eventId) ?? []);
      },
    },
  },
};
