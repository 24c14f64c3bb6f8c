import { GraphQLUpload } from 'graphql-upload-minimal';
import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { accounts } from './accounts/module.js';
import { admin } from './admin/module.js';
import { checkIn } from './check-in/module.js';
import { eventsAndSessions } from './events-and-sessions/module.js';
import { faces } from './faces/module.js';
import { imports } from './imports/module.js';
import { type GraphqlModule, mergeModules } from './graphql-module.js';
import { registrationsAndTickets } from './registrations-and-tickets/module.js';
import { reports } from './reports/module.js';
import { webhooks } from './webhooks/module.js';

/** The root types every area extends, and the paging every area's lists share. */
const shared: GraphqlModule = {
  typeDefs: /* GraphQL */ `
    # Queries read the read models. atPosition, the position a mutation returned, makes a query
    # wait (up to 5 s, then NOT_YET_VISIBLE) until the read side has caught up with that write.
    type Query
    type Mutation
    type Subscription

    "A file of a GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec)."
    scalar Upload

    type PageInfo {
      "Pass as \`after\` for the next page."
      endCursor: String
      hasNextPage: Boolean!
    }
  `,
  resolvers: { Upload: GraphQLUpload },
};

/** The API, one module per area. */
const api = mergeModules([shared, eventsAndSessions, registrationsAndTickets, checkIn, faces, imports, accounts, admin, reports, webhooks]);

export const typeDefs: string = api.typeDefs;
export const resolvers: IResolvers = api.resolvers;
export const loaders: MercuriusLoaders = api.loaders ?? {};
