import { GraphQLScalarType } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import { projections } from '../projections/projections.js';
import { readQuarantined } from '../projections/quarantine.js';
import { readCheckpoint } from '../projections/runner.js';
import { aggregateAt, parseReplayPoint, streamHistory } from './audit-replay.js';
import type { GraphqlModule } from './graphql-module.js';
import { requireAdmin } from './read-models.js';
import { formatPosition } from '../eventstore/position.js';

type Ctx = MercuriusContext;
type Paging = { first?: number | null; after?: string | null; atPosition?: string | null };

/** Event data and folded state: arbitrary JSON, passed through as it is. */
const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value',
  serialize: (value) => value,
  parseValue: (value) => value,
});

const typeDefs = /* GraphQL */ `
  scalar JSON

  type StreamEvent {
    revision: String!
    position: String!
    eventId: ID!
    type: String!
    data: JSON!
    metadata: JSON!
    recordedAt: String!
  }

  type AggregateState {
    streamId: String!
    "The last revision folded in (null: none)."
    revision: String
    position: String
    "What the domain's own evolve folds the stream to; password and token hashes redacted."
    state: JSON!
  }

  type ProjectionStatus {
    name: String!
    "running, stopped or failed"
    status: String!
    position: String
    updatedAt: String!
    "The event, the error and the lag, when it failed."
    failure: JSON
    "Events operators told it to skip (rollcall admin projections quarantine), in the order decided."
    quarantined: [QuarantinedEvent!]!
  }

  type QuarantinedEvent {
    eventId: ID!
    reason: String!
    "Who decided, as the operator gave it."
    by: String!
    at: String!
  }

  type RebuildJob {
    id: ID!
    projection: String!
    "created, retry, active, completed, cancelled or failed"
    state: String!
    createdOn: String!
    completedOn: String
    "The rebuilt position and event count, or the error."
    output: JSON
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

  extend type Mutation {
    "Admins only: rebuild a projection from the first event, in the background (pg-boss); the live tables keep serving until the swap."
    rebuildProjection(name: String!): RebuildJob!
  }

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

  "A session; a time is null where the log holds one the read model cannot store."
  type EventSession {
    sessionId: ID!
    startsAt: String
    endsAt: String
    checkInOpensAt: String
    checkInClosesAt: String
    checkedIn: Int!
  }

  "An event; what its own events set is null where the log holds a value the read model cannot store."
  type EventDetails {
    eventId: ID!
    organizerId: ID
    title: String
    description: String
    venue: String
    timeZone: String
    status: EventStatus!
    capacity: Int
    requiresApproval: Boolean
    faceVerification: FaceVerification
    registrationOpensAt: String
    registrationClosesAt: String
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
    "Null where the log holds an attendee id the read model cannot store."
    attendeeId: ID
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

  "A door action; what its event names is null where the log holds a value the read model cannot store."
  type CheckInEntry {
    "Position in the check-in log: increasing, so a dashboard can order and de-duplicate."
    position: String!
    eventId: ID!
    sessionId: ID
    registrationId: ID
    attendeeId: ID
    staffId: ID
    "scan, manual or undo"
    kind: String
    result: String
    reason: String
    at: String!
  }

  type CheckInConnection {
    nodes: [CheckInEntry!]!
    pageInfo: PageInfo!
  }

  "An event of the log; an envelope field is null where it holds a value the read model cannot store."
  type AuditEntry {
    position: String!
    eventId: ID!
    streamId: String!
    type: String!
    actorId: ID
    correlationId: ID
    commandId: ID
    occurredAt: String
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
    "Admins only: every event of a stream with its metadata, replayed from the event store."
    streamHistory(streamId: String!): [StreamEvent!]!
    "Admins only: the stream's state at a revision (a number) or a time (ISO-8601), or now."
    aggregateAt(streamId: String!, at: String): AggregateState!
    "Admins only: each projection's checkpoint and health."
    projections: [ProjectionStatus!]!
    "Admins only: a rebuild job and how it went."
    rebuildJob(id: ID!): RebuildJob
    "A ticket, for its holder (with its code) and the event's organizer, staff and admins (without)."
    ticket(ticketId: ID!, atPosition: String): TicketView
    "Admins only: who did what, when."
    auditLog(actorId: ID, correlationId: ID, from: String, to: String, first: Int, after: String, atPosition: String): AuditConnection!
  }
`;

const ATTENDANCE = ['attendance'];
const WITH_ACCOUNTS = ['attendance', 'accounts'];

export const queriesModule: GraphqlModule = {
  typeDefs,
  resolvers: {
    JSON: JSONScalar,
    Mutation: {
      rebuildProjection: (_root, args: { name: string }, ctx: Ctx) => ctx.app.jobs.requestRebuild(args.name, requireAdmin(ctx.actor).accountId),
    },
    Query: {
      rebuildJob: (_root, args: { id: string }, ctx: Ctx) => {
        requireAdmin(ctx.actor);
        return ctx.app.jobs.rebuildJob(args.id);
      },
      ticket: async (_root, args: { ticketId: string; atPosition?: string | null }, ctx: Ctx) => {
        await ctx.app.reads.positions.waitFor(ATTENDANCE, args.atPosition);
        return ctx.app.reads.models.ticket(ctx.actor, args.ticketId, (claims) => ctx.app.attendance.codes.sign(claims));
      },
      streamHistory: (_root, args: { streamId: string }, ctx: Ctx) => {
        requireAdmin(ctx.actor);
        return streamHistory(ctx.app.store, args.streamId);
      },
      aggregateAt: (_root, args: { streamId: string; at?: string | null }, ctx: Ctx) => {
        requireAdmin(ctx.actor);
        return aggregateAt(ctx.app.store, args.streamId, parseReplayPoint(args.at));
      },
      projections: async (_root, _args, ctx: Ctx) => {
        requireAdmin(ctx.actor);
        return Promise.all(
          projections.map(async ({ name }) => {
            const checkpoint = await readCheckpoint(ctx.app.pool, name);
            return {
              name,
              status: checkpoint?.status ?? 'not started',
              position: checkpoint?.position ? formatPosition(checkpoint.position) : null,
              updatedAt: (checkpoint?.updatedAt ?? new Date(0)).toISOString(),
              failure: checkpoint?.failure ?? null,
              quarantined: await readQuarantined(ctx.app.store, name),
            };
          }),
        );
      },
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
