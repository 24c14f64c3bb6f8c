/** Base of the store's errors; `code` is the stable machine code the API surfaces. */
export abstract class EventStoreError extends Error {
  abstract readonly code: 'VALIDATION' | 'CONFLICT';
}

export class InvalidInputError extends EventStoreError {
  readonly code = 'VALIDATION';
  override readonly name = 'InvalidInputError';
}

export class WrongExpectedRevisionError extends EventStoreError {
  readonly code = 'CONFLICT';
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamId: string,
    readonly expected: string,
    /** The stream's revision when the append was refused, when the store tells it. */
    readonly actual: bigint | 'no_stream' | undefined,
  ) {
    super(`Stream "${streamId}" was expected at ${expected} but is at ${actual ?? 'another revision'}`);
  }
}

/** Some, but not all, of an append's event ids are already stored (or stored in another stream). */
export class DuplicateEventIdError extends EventStoreError {
  readonly code = 'CONFLICT';
  override readonly name = 'DuplicateEventIdError';
  constructor(readonly streamId: string) {
    super(`Some event ids of this append to "${streamId}" are already stored elsewhere; nothing was written`);
  }
}

export const describeExpected = (expected: unknown): string =>
  typeof expected === 'bigint' ? `revision ${expected}` : String(expected);

/**
 * The stream was deleted for good (EventStoreDB's tombstone, an operator's act): it can be
 * neither read nor written again under this id. The PostgreSQL and in-memory stores never
 * delete, so only EventStoreDB raises it.
 */
export class StreamDeletedError extends EventStoreError {
  readonly code = 'CONFLICT';
  override readonly name = 'StreamDeletedError';
  constructor(readonly streamId: string) {
    super(`Stream "${streamId}" was deleted for good and can be neither read nor written again`);
  }
}
