import { FORECAST_HISTORY_PAGE, forecastHistory as recordedForecasts } from '../../projections/forecasts/queries.js';
import type { QueryResolvers } from '../generated/graphql.js';
import type { GraphqlModule } from '../graphql-module.js';
import { requireOrganizerOrAdmin } from './attendance-forecast-access.js';

const typeDefs = /* GraphQL */ `
  "A session's forecast as it was recorded (AttendanceForecasted); its registrations' probabilities are in the log at position (streamHistory of forecast-<eventId>)."
  type RecordedForecast {
    "Where the forecast is in the log: the page cursor's key, newest first."
    position: String!
    sessionId: ID!
    "When it was made; null where the log holds a time the read model cannot store."
    computedAt: String
    "Confirmed registrations when its inputs were read."
    confirmed: Int!
    expectedAttendance: Float!
    low: Int!
    high: Int!
    "The model that made it; null: the past show-up rate (no usable model)."
    modelVersion: Int
    "The log position its inputs reflected: the attendance read model's checkpoint when the refresh read it; null: unknown."
    inputsPosition: String
  }

  type RecordedForecastConnection {
    nodes: [RecordedForecast!]!
    pageInfo: PageInfo!
  }

  extend type Query {
    "What was predicted when: every forecast recorded for an event's sessions (or one session's), newest first, ended sessions' too. A refresh that found nothing new recorded nothing. For the event's organizer and admins."
    forecastHistory(eventId: ID!, sessionId: ID, first: Int = ${FORECAST_HISTORY_PAGE}, after: String): RecordedForecastConnection!
  }
`;

const Query: QueryResolvers = {
  forecastHistory: async (_root, args, ctx) => {
    await requireOrganizerOrAdmin(ctx, args.eventId);
    return recordedForecasts(ctx.app.pool, args);
  },
};

/** The recorded forecasts of an event, newest first: what was predicted when, from what. */
export const forecastHistory: GraphqlModule = { typeDefs, resolvers: { Query } };
