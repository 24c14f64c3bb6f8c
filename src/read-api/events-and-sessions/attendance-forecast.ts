import type { MercuriusContext } from 'mercurius';
import { hasRole } from '../../domain/actor.js';
import { DomainError } from '../../domain/domain-error.js';
import { readEventForecast } from '../../ml/forecast/forecast-store.js';
import { organizerOf } from '../../projections/attendance/event-queries.js';
import { isUuid } from '../../uuid.js';
import type { QueryResolvers } from '../generated/graphql.js';
import type { GraphqlModule } from '../graphql-module.js';
import { requireActor } from '../read-models.js';

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
    "The low end of a 90% interval of the head count (normal approximation to independent show-ups)."
    low: Int!
    "Its high end, at most confirmed."
    high: Int!
    registrations: [RegistrationForecast!]!
  }

  type AttendanceForecast {
    eventId: ID!
    "The model that made it; null when there was none yet and everyone got the past show-up rate."
    modelVersion: Int
    "When the forecast was made (hourly, and when the event changes); null: not yet."
    computedAt: String
    "The sessions that had not ended when the forecast was made."
    sessions: [SessionForecast!]!
  }

  extend type Query {
    "Who will show up at an event's upcoming sessions, per attendee: for its organizer and admins."
    attendanceForecast(eventId: ID!): AttendanceForecast
  }
`;

/** Per-attendee probabilities are personal data: the organizer plans the room with them, staff at the door do not need them. */
const requireOrganizerOrAdmin = async (ctx: MercuriusContext, eventId: string): Promise<void> => {
  const actor = requireActor(ctx.actor);
  const organizer = isUuid(eventId) ? await organizerOf(ctx.app.pool, eventId) : undefined;
  if (organizer === undefined) throw new DomainError('NOT_FOUND', 'No such event');
  if (!hasRole(actor, 'admin') && organizer !== actor.accountId)
    throw new DomainError('FORBIDDEN', 'Only the organizer of this event and admins can see its forecast');
};

const Query: QueryResolvers = {
  attendanceForecast: async (_root, args, ctx) => {
    await requireOrganizerOrAdmin(ctx, args.eventId);
    return readEventForecast(ctx.app.pool, args.eventId);
  },
};

/** Who will show up at an event's upcoming sessions, as the ml-worker last forecast it. */
export const attendanceForecast: GraphqlModule = { typeDefs, resolvers: { Query } };
