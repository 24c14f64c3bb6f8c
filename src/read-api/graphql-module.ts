import type { IResolvers, MercuriusLoaders } from 'mercurius';
import type { Actor } from '../domain/actor.js';

declare module 'mercurius' {
  interface MercuriusContext {
    /** The authenticated caller, if the request carried a valid access token. */
    actor: Actor | undefined;
  }
}

/** A slice of the GraphQL API: its type definitions (extending Query/Mutation) and resolvers. */
export interface GraphqlModule {
  typeDefs: string;
  resolvers: IResolvers;
  /** Batched field resolvers (mercurius loaders), so lists never cost a query per item. */
  loaders?: MercuriusLoaders;
}
