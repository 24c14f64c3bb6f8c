import type { TokenMailSubject } from '../commands/accounts/outbox.js';
import type { EmailClaims } from '../commands/accounts/email-claims.js';
import { type AccountEvent, evolve, initialState, isExisting } from '../domain/account/account.js';
import { domainEventOf } from '../domain/decode.js';
import { accountStream } from '../domain/streams.js';
import type { EventStore } from '../eventstore/event-store.js';

/**
 * How long a token's mail waits for the appends it depends on: the one that records its token
 * and, for a sign-up, the address's claim right after. The command queues the mail first and
 * appends right after; a mail still waiting after this long belongs to a command that failed
 * (or a resent command that reused its first token).
 */
export const TOKEN_APPEND_GRACE_MS = 60_000;

export class TokenNotRecordedYet extends Error {
  constructor(accountId: string) {
    super(`The one-time token mailed to account ${accountId} is not in its stream yet, or the account does not hold its address yet`);
  }
}

/**
 * Whether a one-time token's mail should go out: only while the token is the one the account
 * waits for (its verification, or its password reset), and only to an account that holds its
 * address (one whose sign-up never claimed it, or that lost it to a takeover, gets no mail).
 * Before its appends show up the mail waits (a retry); once superseded or used, or if they
 * never show up, it is dropped.
 */
export const tokenMailDue =
  (store: EventStore, claims: EmailClaims, now: () => Date = () => new Date()) =>
  async ({ accountId, tokenHash }: TokenMailSubject, queuedAt: Date): Promise<boolean> => {
    const events = (await store.readStream(accountStream(accountId))).map((recorded) => domainEventOf<AccountEvent>(recorded));
    const recorded = events.some((event) => 'tokenHash' in event.data && event.data.tokenHash === tokenHash);
    const account = events.reduce(evolve, initialState());
    // An erased account gets no mail, whatever it was waiting for.
    if (account.status === 'erased') return false;
    const holdsAddress = isExisting(account) && (await claims.holderOf(account.email)) === accountId;
    if (!recorded || !holdsAddress || !isExisting(account)) {
      if (now().getTime() - queuedAt.getTime() < TOKEN_APPEND_GRACE_MS) throw new TokenNotRecordedYet(accountId);
      return false;
    }
    const waitingFor = [account.passwordReset, account.status === 'unverified' ? account.verification : undefined];
    return waitingFor.some((token) => token?.tokenHash === tokenHash);
  };
