import { type Account, type AccountEvent, evolve, initialState } from '../../domain/account/account.js';
import { type EmailClaim, type EmailClaimEvent, emailClaimDecider } from '../../domain/account/email-claim.js';
import { foldStored } from '../../domain/decode.js';
import { accountStream, emailClaimStream } from '../../domain/streams.js';
import type { EventStore } from '../../eventstore/event-store.js';

/**
 * Accounts and address claims as the log has them now, read past the command handler's
 * cache: for look-ups by address, for the checks made before a command, and for the mail
 * worker, which runs in another process.
 */

export const storedAccount = async (store: EventStore, accountId: string): Promise<Account> =>
  foldStored<Account, AccountEvent>({ initialState, evolve }, await store.readStream(accountStream(accountId)));

export const storedClaim = async (store: EventStore, email: string): Promise<EmailClaim> =>
  foldStored<EmailClaim, EmailClaimEvent>(emailClaimDecider, await store.readStream(emailClaimStream(email)));

/** The account an address leads to: that of its latest claim, which may have taken over a lapsed one. */
export const holderOf = async (store: EventStore, email: string): Promise<string | undefined> => {
  const claim = await storedClaim(store, email);
  return claim.status === 'claimed' ? claim.accountId : undefined;
};
