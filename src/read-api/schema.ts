import { GraphQLScalarType } from 'graphql';
import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { accountsModule } from './accounts-module.js';
import { eventsModule } from './events-module.js';
import { forecastModule } from './forecast-module.js';
import type { GraphqlModule } from './graphql-module.js';
import { healthModule } from './health-module.js';
import { jobsModule } from './jobs-module.js';
import { operationsModule } from './operations-module.js';
import { queriesModule } from './queries-module.js';
import { subscriptionsModule } from './subscriptions-module.js';

/** Every module of the API; each extends the root types. */
export const modules: GraphqlModule[] = [healthModule, accountsModule, eventsModule, queriesModule, subscriptionsModule, operationsModule, jobsModule, forecastModule];

// GraphQL refuses a root type without fields, so Mutation and Subscription exist once a module extends them.
const extended = (root: string) => modules.some((m) => new RegExp(`extend type ${root}\\b`).test(m.typeDefs));
const roots = ['type Query', ...['Mutation', 'Subscription'].filter(extended).map((root) => `type ${root}`)].join('\n');

export const typeDefs = [roots, ...modules.map((m) => m.typeDefs)];

/** The modules' resolvers merged per type (a custom scalar is taken as it is). */
export const resolvers: IResolvers = {};
for (const module of modules)
  for (const [type, fields] of Object.entries(module.resolvers))
    Object.assign(resolvers, {
      [type]: fields instanceof GraphQLScalarType ? fields : { ...(resolvers[type] as object | undefined), ...(fields as object) },
    });

export const loaders: MercuriusLoaders = Object.assign({}, ...modules.map((m) => m.loaders ?? {}));
