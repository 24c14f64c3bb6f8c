/** Why a command was refused; each code maps to one kind of API error, at the edge. */
export type DomainErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'CAPACITY'
  | 'UNAUTHENTICATED'
  /** A command id sent again with another operation or other arguments: a key names one request. */
  | 'IDEMPOTENCY_KEY_REUSED'
  /** The read side did not reach a position in time; asking again later will do. */
  | 'NOT_YET_VISIBLE'
  /** Too many attempts: refused unseen until `details.retryAfterSeconds` have passed. */
  | 'RATE_LIMITED';

/** A refusal with a sentence the person who sent the command can read. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Facts a client acts on rather than reads (`retryAfterSeconds`), sent beside the code. */
    readonly details: Readonly<Record<string, number | string>> = {},
  ) {
    super(message);
  }
}
