import { type Account, type AccountEvent, accountStream, evolve, initialState } from '../../domain/account/account.js';
import { type EmailClaim, type EmailClaimEvent, emailClaimDecider } from '../../domain/account/email-claim.js';
import type { Decider, DomainEvent } from '../../domain/decider.js';
import type { EventStore } from '../../eventstore/event-store.js';
import { emailClaimStream } from './secrets.js';

/**
 * Accounts and address claims as the log has them now, read past the command handler's
 * cache: for look-ups by address, for the checks made before a command, and for the mail
 * worker, which runs in another process.
 */

const fold = async <State, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>,
): Promise<State> =>
  (await store.readStream(streamId))
    .map((recorded) => ({ type: recorded.type, data: recorded.data }) as Event)
    .reduce(decider.evolve, decider.initialState());

export const storedAccount = (store: EventStore, accountId: string): Promise<Account> =>
  fold<Account, AccountEvent>(store, accountStream(accountId), { initialState, evolve });

export const storedClaim = (store: EventStore, email: string): Promise<EmailClaim> =>
  fold<EmailClaim, EmailClaimEvent>(store, emailClaimStream(email), emailClaimDecider);

/** The account an address leads to: that of its latest claim, which may have taken over a lapsed one. */
export const holderOf = async (store: EventStore, email: string): Promise<string | undefined> => {
  const claim = await storedClaim(store, email);
  return claim.status === 'claimed' ? claim.accountId : undefined;
};
