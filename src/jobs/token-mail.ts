import type { TokenMailSubject } from '../commands/accounts/outbox.js';
import { type AccountEvent, accountStream, evolve, initialState } from '../domain/account/account.js';
import type { EventStore } from '../eventstore/event-store.js';

/**
 * How long a token's mail waits for the append that records its token. The command queues the
 * mail first and appends right after; a mail whose token is still missing after this long
 * belongs to an append that failed (or a resent command that reused its first token).
 */
export const TOKEN_APPEND_GRACE_MS = 60_000;

export class TokenNotRecordedYet extends Error {
  constructor(accountId: string) {
    super(`The one-time token mailed to account ${accountId} is not in its stream yet`);
  }
}

/**
 * Whether a one-time token's mail should go out: only while the token is the one the account
 * waits for (its verification, or its password reset). Before its append shows up the mail
 * waits (a retry); once superseded or used, or if it never shows up, it is dropped.
 */
export const tokenMailDue =
  (store: EventStore, now: () => Date = () => new Date()) =>
  async ({ accountId, tokenHash }: TokenMailSubject, queuedAt: Date): Promise<boolean> => {
    const events = (await store.readStream(accountStream(accountId))).map((recorded) => ({ type: recorded.type, data: recorded.data }) as AccountEvent);
    const recorded = events.some((event) => 'tokenHash' in event.data && event.data.tokenHash === tokenHash);
    if (!recorded) {
      if (now().getTime() - queuedAt.getTime() < TOKEN_APPEND_GRACE_MS) throw new TokenNotRecordedYet(accountId);
      return false;
    }
    const account = events.reduce(evolve, initialState());
    if (account.status === 'none') return false;
    const waitingFor = [account.passwordReset, account.status === 'unverified' ? account.verification : undefined];
    return waitingFor.some((token) => token?.tokenHash === tokenHash);
  };
