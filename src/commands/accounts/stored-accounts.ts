import { type Account, type AccountEvent, evolve, initialState } from '../../domain/account/account.js';
import { foldStored } from '../../domain/decode.js';
import { accountStream } from '../../domain/streams.js';
import type { EventStore } from '../../eventstore/event-store.js';

/**
 * An account as the log has it now, read past the command handler's cache: for the checks
 * made before a command, and for the mail worker, which runs in another process.
 */

export const storedAccount = async (store: EventStore, accountId: string): Promise<Account> =>
  foldStored<Account, AccountEvent>({ initialState, evolve }, await store.readStream(accountStream(accountId)));
