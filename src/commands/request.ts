import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/domain-error.js';
import { isUuid } from '../uuid.js';
import type { CommandContext } from './command-handler.js';
import { deterministicId } from './deterministic-id.js';

/** One client request that sends a command: who, when, and the id that makes a resend harmless. */
export interface CommandRequest {
  actor: Actor;
  /**
   * The client's command id, scoped to the actor so one account can never replay (and
   * read the result of) another's command by guessing its id.
   */
  commandId: string;
  correlationId: string;
  now: Date;
}

const CLIENT_COMMAND_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

export const commandRequest = (actor: Actor | undefined, clientCommandId: string | null | undefined, now = new Date()): CommandRequest => {
  if (!actor) throw new DomainError('UNAUTHENTICATED', 'Log in first: this needs a valid access token');
  if (clientCommandId != null && !CLIENT_COMMAND_ID.test(clientCommandId))
    throw new DomainError('VALIDATION', 'commandId must be 1-100 characters of letters, digits, _ . : -');
  const commandId = deterministicId(actor.accountId, clientCommandId ?? randomUUID());
  return { actor, commandId, correlationId: commandId, now };
};

export const contextOf = (request: CommandRequest): CommandContext => ({
  commandId: request.commandId,
  actorId: request.actor.accountId,
  correlationId: request.correlationId,
  causationId: request.commandId,
  now: request.now,
});

/**
 * Ids in the API are UUIDs; anything else cannot name anything. Lower case only: these ids go
 * into stream names as they are, where an upper-case spelling would name another stream.
 */
export const uuid = (value: string, what: string): string => {
  if (typeof value !== 'string' || !isUuid(value) || value !== value.toLowerCase()) throw new DomainError('VALIDATION', `${what} must be a UUID`);
  return value;
};
