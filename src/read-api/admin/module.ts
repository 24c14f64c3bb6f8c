import { GraphQLScalarType } from 'graphql';
import { type GraphqlModule, mergeModules } from '../graphql-module.js';
import { audit } from './audit.js';
import { failedLogins } from './failed-logins.js';
import { health } from './health.js';
import { jobs } from './jobs.js';
import { projections } from './projections.js';
import { reactors } from './reactors.js';

/** Event data, folded state, failures and job payloads: arbitrary JSON, passed through as it is. */
const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value',
  serialize: (value) => value,
  parseValue: (value) => value,
});

/**
 * Operating Rollcall, for admins: projections and their rebuilds, the audit log and stream
 * replays, failed log-ins and lockouts, reactors' lag and dead letters, background jobs; and the
 * health query, open to all.
 * (/healthz, /readyz and /metrics are routes of every role: src/observability/probe-routes.ts.)
 */
export const admin: GraphqlModule = mergeModules([
  { typeDefs: 'scalar JSON', resolvers: { JSON: JSONScalar } },
  projections,
  audit,
  failedLogins,
  reactors,
  jobs,
  health,
]);
