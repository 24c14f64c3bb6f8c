import { DomainError } from '../../domain/domain-error.js';
import { ATTENDANCE } from '../../projections/attendance/tables.js';
import { REPORTS } from '../../projections/reports/tables.js';
import { eventFigures, organizerFigures } from '../../projections/reports/queries.js';
import type { QueryResolvers } from '../generated/graphql.js';
import type { GraphqlModule } from '../graphql-module.js';
import { requireActor } from '../read-models.js';
import { waitForPosition } from '../read-your-writes.js';
import { eventReport } from '../../reports/event-report.js';
import { requireEventTeamOrAdmin } from './event-team.js';
import { organizerReport, organizerReportRequest } from '../../reports/organizer-report.js';

const typeDefs = /* GraphQL */ `
  type RegistrationsOnDay {
    "A calendar date, YYYY-MM-DD, in the event's time zone."
    day: String!
    "Registrations made that day, whatever became of them."
    registrations: Int!
  }

  type ApprovalTurnaround {
    "Registrations the organizer approved."
    approvals: Int!
    "Seconds from a registration's request to its approval: the median, interpolated (PostgreSQL percentile_cont); null without approvals."
    medianSeconds: Float
    "The 90th percentile, interpolated likewise."
    p90Seconds: Float
  }

  type RegistrationStatusCounts {
    pending: Int!
    confirmed: Int!
    waitlisted: Int!
    cancelled: Int!
    rejected: Int!
  }

  type ArrivalSlot {
    "The start of five minutes of the clock (UTC)."
    startsAt: String!
    "Minutes from the session's start to the slot's start (negative: before it); null for a session without a start."
    minutesFromStart: Int
    "Tickets checked in in those five minutes, and not undone since."
    checkIns: Int!
  }

  type RefusedScans {
    "As the door answered: already_redeemed, revoked, invalid, wrong_event, outside_window, not_confirmed, face_mismatch, liveness_failed, face_not_enrolled, face_unreadable, photo_expired."
    reason: String!
    scans: Int!
  }

  type SessionReport {
    sessionId: ID!
    startsAt: String
    endsAt: String
    "Tickets checked in at the session now (undone check-ins left out)."
    checkedIn: Int!
    "Registrations confirmed now, and since before the session ended, whose ticket was not checked in; null until the session has ended."
    noShows: Int
    "noShows over those registrations; null until the session has ended, or when none was expected."
    noShowRate: Float
    "Check-ins per five minutes, in time order; slots without any are left out."
    arrivals: [ArrivalSlot!]!
    "Refused scans and failed face checks, by reason."
    refusals: [RefusedScans!]!
  }

  type EventReport {
    eventId: ID!
    title: String
    "The IANA time zone the days are counted in: the event's, or UTC where it has none."
    timeZone: String!
    registrationsPerDay: [RegistrationsOnDay!]!
    approvalTurnaround: ApprovalTurnaround!
    "Registrations by their status now."
    registrations: RegistrationStatusCounts!
    "Confirmed registrations checked in at one session at least."
    attended: Int!
    "attended over confirmed; null without confirmed registrations."
    showUpRate: Float
    "Confirmed registrations whose ticket no door has seen at any session: never scanned (not even refused) nor checked in by hand."
    unusedTickets: Int!
    "Refused scans and failed face checks at all its sessions, by reason."
    refusals: [RefusedScans!]!
    "In start order."
    sessions: [SessionReport!]!
  }

  type EventShowUp {
    eventId: ID!
    title: String
    status: String!
    "Its first session's start."
    startsAt: String!
    confirmed: Int!
    "Confirmed registrations checked in at one session at least."
    attended: Int!
    "attended over confirmed; null without confirmed registrations."
    showUpRate: Float
  }

  type TopAttendee {
    attendeeId: ID!
    "The attendee's name: for the organizer alone (null for anyone else), [erased] for a person whose data is erased."
    name: String
    "Likewise their address."
    email: String
    "The organizer's events in the period they were checked in at."
    eventsAttended: Int!
  }

  type OrganizerReport {
    organizerId: ID!
    from: String!
    to: String!
    "The organizer's events whose first session starts in the period, in start order."
    events: [EventShowUp!]!
    "Those who came to the most of these events, most first (ties by account id)."
    topAttendees: [TopAttendee!]!
    "People checked in at one of these events at least."
    attendees: Int!
    "Of them, those checked in at two or more."
    repeatAttendees: Int!
    "repeatAttendees over attendees; null when nobody came."
    repeatAttendanceRate: Float
  }

  extend type Query {
    "An event's report, from the reports read model: for its organizer, its staff and admins."
    eventReport(eventId: ID!, atPosition: String): EventReport!
    "An organizer's report over their events whose first session starts from \`from\` (inclusive) to \`to\` (exclusive): their own, or for admins anyone's (organizerId), without names."
    organizerReport(from: DateTime!, to: DateTime!, organizerId: ID, top: Int = 10, atPosition: String): OrganizerReport!
  }
`;

/** The team check reads the attendance read model, the figures the reports one. */
const EVENT_REPORT_READS = [ATTENDANCE, REPORTS];

const Query: QueryResolvers = {
  eventReport: async (_root, args, ctx) => {
    const team = () => requireEventTeamOrAdmin(ctx.app.pool, ctx.actor, args.eventId);
    // Before the wait, an event the read model lacks may be the caller's new one: only a known event's refusal is final.
    const refuseEarly = () => team().catch((error: unknown) => (error instanceof DomainError && error.code === 'NOT_FOUND' ? undefined : Promise.reject(error)));
    await waitForPosition(ctx, EVENT_REPORT_READS, args.atPosition, refuseEarly);
    await team();
    return eventReport(args.eventId, await eventFigures(ctx.app.pool, args.eventId), new Date());
  },
  organizerReport: async (_root, args, ctx) => {
    const request = organizerReportRequest(requireActor(ctx.actor), args);
    await waitForPosition(ctx, [REPORTS], args.atPosition);
    return organizerReport(request, await organizerFigures(ctx.app.pool, request));
  },
};

/** Organizers' reports: one event's, and one organizer's across their events. */
export const reports: GraphqlModule = { typeDefs, resolvers: { Query } };
