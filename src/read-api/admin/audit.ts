import { AUDIT_PAGE } from '../../projections/audit/queries.js';
import type { QueryResolvers } from '../generated/graphql.js';
import type { GraphqlModule } from '../graphql-module.js';
import { requireAdmin } from '../read-models.js';
import { waitForPosition } from '../read-your-writes.js';
import { STREAM_HISTORY_PAGE, aggregateAt, parseReplayPoint, streamHistoryPage } from '../audit-replay.js';

const typeDefs = /* GraphQL */ `
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

  extend type Query {
    "Admins only: the events of a stream with their metadata, replayed from the event store, in pages: after is the revision of the last event you have (none: from the first); a page shorter than first is the last."
    streamHistory(streamId: String!, first: Int = ${STREAM_HISTORY_PAGE}, after: String): [StreamEvent!]!
    "Admins only: the stream's state at a revision (a number) or a time (ISO-8601), or now."
    aggregateAt(streamId: String!, at: String): AggregateState!
    "Admins only: who did what, when; filters combine. streamId and type match exactly (type is the event's, such as RegistrationConfirmed)."
    auditLog(
      actorId: ID
      correlationId: ID
      streamId: String
      type: String
      from: String
      to: String
      first: Int = ${AUDIT_PAGE}
      after: String
      atPosition: String
    ): AuditConnection!
  }
`;

const Query: QueryResolvers = {
  streamHistory: (_root, args, ctx) => {
    requireAdmin(ctx.actor);
    return streamHistoryPage(ctx.app.store, args.streamId, args);
  },
  aggregateAt: (_root, args, ctx) => {
    requireAdmin(ctx.actor);
    return aggregateAt(ctx.app.store, args.streamId, parseReplayPoint(args.at));
  },
  auditLog: async (_root, args, ctx) => {
    await waitForPosition(ctx, ['audit'], args.atPosition, () => requireAdmin(ctx.actor));
    return ctx.app.reads.models.auditLog(ctx.actor, args);
  },
};

/** Who did what, when (the audit read model), and a stream's history and state replayed from the event store. */
export const audit: GraphqlModule = { typeDefs, resolvers: { Query } };
