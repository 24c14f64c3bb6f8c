import { createHash, randomUUID } from 'node:crypto';
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
  /** The request the command belongs to (the HTTP request's id), stamped on its events; the command id when there is none. */
  correlationId: string;
  now: Date;
  /** What the command id was sent with (see `requestHash`); absent for commands the system sends itself. */
  requestHash?: string;
  /** Whether the client chose the command id, which binds it to this request everywhere. */
  keyedByClient?: boolean;
}

/** The operation a client called and the arguments it called it with. */
export interface SentRequest {
  operation: string;
  args: object;
}

/**
 * Arguments left out of a request's fingerprint: it is stored with the events, and a fast hash
 * of a password would let anyone reading the log guess it. Tokens stay in: they are random
 * and long, so their hash gives nothing away, and a reused key must not silently answer for
 * another token.
 */
const SECRET_ARGUMENTS = new Set(['password', 'newPassword']);

/** JSON with keys in one order and no nulls (GraphQL treats an explicit null as absent), so equal requests hash alike. */
const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .filter((key) => record[key] != null)
      .sort()
      .map((key) => [key, canonical(record[key])]),
  );
};

/**
 * A digest of a request, binding its command id to it (like Stripe's idempotency keys): a
 * resend with the same arguments gets the first answer, other arguments get
 * IDEMPOTENCY_KEY_REUSED rather than a silent replay of something else.
 */
export const requestHash = ({ operation, args }: SentRequest): string => {
  const kept = Object.entries(args).filter(([name]) => name !== 'commandId' && !SECRET_ARGUMENTS.has(name));
  return createHash('sha256')
    .update(JSON.stringify([operation, canonical(Object.fromEntries(kept))]))
    .digest('base64url');
};

const CLIENT_COMMAND_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

/**
 * The command id a client's id stands for: scoped to the caller (an account, or what an
 * anonymous caller presents), so nobody can replay another's command, and fresh when the
 * client sent none.
 */
export const scopedCommandId = (scope: string, clientCommandId: unknown): string => {
  if (clientCommandId != null && (typeof clientCommandId !== 'string' || !CLIENT_COMMAND_ID.test(clientCommandId)))
    throw new DomainError('VALIDATION', 'commandId must be 1-100 characters of letters, digits, _ . : -');
  return deterministicId(scope, (clientCommandId as string | null | undefined) ?? randomUUID());
};

export const commandRequest = (
  actor: Actor | undefined,
  clientCommandId: string | null | undefined,
  sent?: SentRequest,
  { correlationId, now = new Date() }: { correlationId?: string; now?: Date } = {},
): CommandRequest => {
  if (!actor) throw new DomainError('UNAUTHENTICATED', 'Log in first: this needs a valid access token');
  const commandId = scopedCommandId(actor.accountId, clientCommandId);
  return {
    actor,
    commandId,
    correlationId: correlationId ?? commandId,
    now,
    keyedByClient: clientCommandId != null,
    ...(sent ? { requestHash: requestHash(sent) } : {}),
  };
};

export const contextOf = (request: CommandRequest): CommandContext => ({
  commandId: request.commandId,
  actorId: request.actor.accountId,
  correlationId: request.correlationId,
  causationId: request.commandId,
  now: request.now,
  requestHash: request.requestHash,
  keyedByClient: request.keyedByClient,
});

/**
 * Ids in the API are UUIDs; anything else cannot name anything. Lower case only: these ids go
 * into stream names as they are, where an upper-case spelling would name another stream.
 */
export const uuid = (value: string, what: string): string => {
  if (typeof value !== 'string' || !isUuid(value) || value !== value.toLowerCase()) throw new DomainError('VALIDATION', `${what} must be a UUID`);
  return value;
};
