import { AccessDeniedError, DeadlineExceededError, NotLeaderError, UnavailableError } from '@eventstore/db-client';
import type { ExpectedRevision } from '../event-store.js';

/**
 * EventStoreDB refused the connection's user. Not a store error of the port (no code a client
 * is told): an operator's to fix, so the message says which user and what it needs.
 */
export class EventStoreAccessDeniedError extends Error {
  override readonly name = 'EventStoreAccessDeniedError';
  constructor(user: string | undefined, what: string, cause: unknown) {
    super(
      `EventStoreDB denied ${user ? `the user "${user}"` : 'a connection without credentials'} of EVENTSTORE_URL access to ${what} (AccessDenied). ` +
        'Rollcall reads $all, writes its streams and their metadata, and keeps its store id in $rollcall-store-id: give EVENTSTORE_URL ' +
        'the username:password@ of a member of $admins, or of a user the ACLs allow all of that.',
      { cause },
    );
  }
}

/** The error as the adapter rethrows it: AccessDenied named for the operator, anything else as it is. */
export const explained = (error: unknown, user: string | undefined, what: string): unknown =>
  error instanceof AccessDeniedError ? new EventStoreAccessDeniedError(user, what, error) : error;

/**
 * Whether an append that failed with `error` may be sent again as it was.
 *
 * NotLeader and Unavailable fail every append in flight when the leader changes or the batch
 * stream drops, whether the server wrote it or not. Sent again with the same ids, an append at
 * an exact revision or `no_stream` is recognised by the server as the one it already has (it
 * compares the events stored at those revisions), so resending is safe; for `any` and
 * `stream_exists` only its cache of recent appends would recognise it, which a new connection,
 * maybe to a new leader, cannot count on: those are not resent.
 *
 * A deadline passes when the server dropped a duplicate of an append it had not indexed yet;
 * resent at once, to the same leader, it comes back as the idempotent success it is.
 */
export const resendable = (error: unknown, expected: ExpectedRevision): boolean => {
  if (error instanceof DeadlineExceededError) return true;
  const exact = typeof expected === 'bigint' || expected === 'no_stream';
  return exact && (error instanceof UnavailableError || error instanceof NotLeaderError);
};
