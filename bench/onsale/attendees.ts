import { randomUUID } from 'node:crypto';
import { givenAccount } from '../../test/accounts.js';
import type { TokenService } from '../../src/commands/accounts/token-service.js';
import type { EventStore } from '../../src/eventstore/event-store.js';
import { inParallel } from '../../src/imports/in-parallel.js';

/** Appends in flight at once while preparing: enough for the store's group commit to gather them. */
const APPENDS_IN_FLIGHT = 64;

export interface Attendee {
  accountId: string;
  /** A bearer access token of the attendee's own. */
  token: string;
}

/**
 * `count` real accounts, active, with an address each (sealed under its person's key, as the
 * store the bench hands in seals it), written straight to the store as sign-up would after
 * verification: the people whose tickets are mailed.
 */
export const givenAttendeeAccounts = async (store: EventStore, count: number, progress?: (done: number) => void): Promise<string[]> => {
  const ids = Array.from({ length: count }, () => randomUUID());
  let done = 0;
  await inParallel(ids, APPENDS_IN_FLIGHT, async (accountId) => {
    await givenAccount(store, { accountId, roles: ['attendee'] });
    if (++done % 10_000 === 0) progress?.(done);
  });
  return ids;
};

/**
 * An access token for each account, minted with the server's own signing keys. Minted last
 * before the clock starts: they live 15 minutes, and a large run's set-up takes minutes.
 */
export const accessTokens = (tokens: TokenService, accountIds: readonly string[]): Promise<Attendee[]> =>
  inParallel(accountIds, 16, async (accountId) => ({ accountId, token: (await tokens.issueAccessToken({ accountId, roles: ['attendee'] })).token }));
