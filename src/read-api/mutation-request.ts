import type { GraphQLResolveInfo } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import { type CommandRequest, commandRequest } from '../commands/request.js';

/** The command request of a mutation, its id bound to the operation and the arguments it came with, its events correlated to the HTTP request. */
export const mutationRequest = (ctx: MercuriusContext, args: { commandId?: string | null }, info: GraphQLResolveInfo): CommandRequest =>
  commandRequest(ctx.actor, args.commandId, { operation: info.fieldName, args }, { correlationId: ctx.requestId });
