import type { Actor } from '../src/domain/actor.js';
import { accountStream } from '../src/domain/streams.js';
import type { EventStore } from '../src/eventstore/event-store.js';
import { anEvent } from './events.js';

/**
 * `actor`'s account, active, written straight to the store: for specs that need an account to
 * exist (staff must be a real account) without going through sign-up and mail.
 */
export const givenAccount = async (store: EventStore, actor: Actor): Promise<Actor> => {
  const { accountId, roles } = actor;
  const at = new Date().toISOString();
  await store.append(
    accountStream(accountId),
    [
      anEvent('AccountSignedUp', { accountId, email: `${accountId}@example.test`, name: 'Test account', passwordHash: 'none', roles: [...roles], signedUpAt: at }),
      anEvent('EmailVerified', { verifiedAt: at }),
    ],
    'no_stream',
  );
  return actor;
};
