import { eventForecast } from '../../projections/forecasts/queries.js';
import type { QueryResolvers } from '../generated/graphql.js';
import { type GraphqlModule, mergeModules } from '../graphql-module.js';
import { requireOrganizerOrAdmin } from './attendance-forecast-access.js';
import { forecastHistory } from './forecast-history.js';

const typeDefs = /* GraphQL */ `
  type RegistrationForecast {
    registrationId: ID!
    attendeeId: ID!
    "The chance this attendee shows up, from 0 to 1."
    probability: Float!
  }

  type SessionForecast {
    sessionId: ID!
    startsAt: String!
    "Confirmed registrations when the forecast was made."
    confirmed: Int!
    "The sum of the registrations' probabilities."
    expectedAttendance: Float!
    "The low end of a 90% interval of the head count (normal approximation; wider when the model learned that whole sessions swing together)."
    low: Int!
    "Its high end, at most confirmed."
    high: Int!
    "Its registrations that are still confirmed, most likely to come first; none listed for a session of over 10,000 (the figures stand alone)."
    registrations: [RegistrationForecast!]!
  }

  type AttendanceForecast {
    eventId: ID!
    "The model that made it; null when there was none yet and everyone got the past show-up rate."
    modelVersion: Int
    "When the forecast last changed: refreshes run hourly and when the event changes, and one that finds nothing new records nothing; null: not yet."
    computedAt: String
    "The event's sessions that have not ended and someone is confirmed for, while it is published."
    sessions: [SessionForecast!]!
  }

  extend type Query {
    "Who will show up at an event's upcoming sessions, per attendee: for its organizer and admins."
    attendanceForecast(eventId: ID!): AttendanceForecast
  }
`;

const Query: QueryResolvers = {
  attendanceForecast: async (_root, args, ctx) => {
    await requireOrganizerOrAdmin(ctx, args.eventId);
    return eventForecast(ctx.app.pool, args.eventId);
  },
};

/**
 * Who will show up at an event's upcoming sessions, as last recorded (the forecasts read
 * model), and the history of what was forecast when.
 */
export const attendanceForecast: GraphqlModule = mergeModules([{ typeDefs, resolvers: { Query } }, forecastHistory]);
