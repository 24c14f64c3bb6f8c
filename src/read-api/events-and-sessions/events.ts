import type { EventDetails } from '../../domain/event/event.js';
import { EVENTS_PAGE } from '../../projections/attendance/event-queries.js';
import { DomainError } from '../../domain/domain-error.js';
import { DateTimeScalar } from '../admission.js';
import type { EventDetailsInput, MutationResolvers, QueryResolvers, ResolversParentTypes } from '../generated/graphql.js';
import type { GraphqlModule } from '../graphql-module.js';
import { mutationRequest } from '../mutation-request.js';
import { waitForPosition } from '../read-your-writes.js';

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

  extend type Query {
    event(eventId: ID!, atPosition: String): EventDetails
    events(first: Int = ${EVENTS_PAGE}, after: String, atPosition: String): EventConnection!
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
  }
`;

/** T with its explicit nulls left out: an optional field stays optional, a required one required. */
type WithoutNulls<T> = { [K in keyof T]: Exclude<T[K], null> };

/** GraphQL leaves out absent optional fields but passes explicit nulls; the domain wants neither. */
const withoutNulls = <T extends object>(input: T): WithoutNulls<T> =>
  // Only entries were dropped, so every key left holds its own, non-null value.
  Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null && value !== undefined)) as WithoutNulls<T>;

/** A field GraphQL fills with its default when it is left out, so it is null only when a client sends null. */
const notNull = <T>(value: T | null | undefined, path: string): T => {
  if (value === null || value === undefined) throw new DomainError('VALIDATION', `${path} must not be null`);
  return value;
};

const eventDetails = ({ description, requiresApproval, faceVerification, ...required }: EventDetailsInput): EventDetails => ({
  ...required,
  description: notNull(description, 'details.description'),
  requiresApproval: notNull(requiresApproval, 'details.requiresApproval'),
  faceVerification: notNull(faceVerification, 'details.faceVerification'),
});

const ATTENDANCE = ['attendance'];

const Query: QueryResolvers = {
  event: async (_root, args, ctx) => {
    await waitForPosition(ctx, ATTENDANCE, args.atPosition);
    return ctx.app.reads.models.event(ctx.actor, args.eventId);
  },
  events: async (_root, args, ctx) => {
    await waitForPosition(ctx, ATTENDANCE, args.atPosition);
    return ctx.app.reads.models.events(ctx.actor, args.first, args.after);
  },
};

const Mutation: MutationResolvers = {
  createEvent: (_root, args, ctx, info) =>
    ctx.app.attendance.events.createEvent(mutationRequest(ctx, args, info), { details: eventDetails(args.details), capacity: args.capacity }),
  scheduleSessions: (_root, args, ctx, info) =>
    ctx.app.attendance.events.scheduleSessions(mutationRequest(ctx, args, info), args.eventId, withoutNulls(args.plan)),
  publishEvent: (_root, args, ctx, info) => ctx.app.attendance.events.publishEvent(mutationRequest(ctx, args, info), args.eventId),
  updateEvent: (_root, args, ctx, info) =>
    ctx.app.attendance.events.updateEvent(mutationRequest(ctx, args, info), args.eventId, withoutNulls(args.changes)),
  changeCapacity: (_root, args, ctx, info) =>
    ctx.app.attendance.events.changeCapacity(mutationRequest(ctx, args, info), args.eventId, args.capacity),
  assignStaff: (_root, args, ctx, info) => ctx.app.attendance.events.assignStaff(mutationRequest(ctx, args, info), args.eventId, args.staffId),
  cancelEvent: (_root, args, ctx, info) => ctx.app.attendance.events.cancelEvent(mutationRequest(ctx, args, info), args.eventId, args.reason),
};

/** Events and their sessions: organizing them, and reading them as their viewer may. */
export const events: GraphqlModule = {
  typeDefs,
  resolvers: { DateTime: DateTimeScalar, Query, Mutation },
  loaders: {
    EventDetails: {
      // One query for the sessions of every event on the page, not one per event.
      sessions: async (queries: { obj: ResolversParentTypes['EventDetails'] }[], ctx) => {
        const byEvent = await ctx.app.reads.models.sessionsOf(queries.map((q) => q.obj.eventId));
        return queries.map((q) => byEvent.get(q.obj.eventId) ?? []);
      },
    },
  },
};
