import type { MercuriusLoaders } from 'mercurius';
import type { ScannerSession } from '../commands/scanners/scanner-devices.js';
import type { Actor } from '../domain/actor.js';
import type { Resolvers } from './generated/graphql.js';

declare module 'mercurius' {
  interface MercuriusContext {
    /** The authenticated caller, if the request carried a valid access token. */
    actor: Actor | undefined;
    /** The client's address (fastify's `request.ip`: the socket's peer, or the client a proxy named in TRUST_PROXY forwarded for); none on websockets, which carry no mutations. */
    ip: string | undefined;
    /** The log-in the access token belongs to (its refresh family), which stands for one device; undefined without one. */
    logInSession: string | undefined;
    /** The HTTP request's id (`x-request-id`, or one made for it): the correlation id of the events a mutation appends. None on websockets. */
    requestId: string | undefined;
    /** The scanner device whose token the request carried (no `actor` then): the door operations of its event accept it. */
    scannerDevice: ScannerSession | undefined;
  }
}

/**
 * A slice of the GraphQL API: its type definitions (extending Query, Mutation and
 * Subscription) and its resolvers, typed from schema.graphql.
 */
export interface GraphqlModule {
  typeDefs: string;
  resolvers: Resolvers;
  /** Batched field resolvers (mercurius loaders), so lists never cost a query per item. */
  loaders?: MercuriusLoaders;
}

/**
 * Modules side by side. Only the root types are extended by several modules; every other
 * type, with its resolvers and loaders, belongs to the one module that defines it.
 */
const merged = (a: GraphqlModule, b: GraphqlModule): GraphqlModule => ({
  typeDefs: `${a.typeDefs}\n${b.typeDefs}`,
  resolvers: {
    ...a.resolvers,
    ...b.resolvers,
    Query: { ...a.resolvers.Query, ...b.resolvers.Query },
    Mutation: { ...a.resolvers.Mutation, ...b.resolvers.Mutation },
    Subscription: { ...a.resolvers.Subscription, ...b.resolvers.Subscription },
  },
  loaders: { ...a.loaders, ...b.loaders },
});

export const mergeModules = (modules: readonly GraphqlModule[]): GraphqlModule =>
  modules.reduce(merged, { typeDefs: '', resolvers: {}, loaders: {} });
