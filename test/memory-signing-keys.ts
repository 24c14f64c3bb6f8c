import { KEY_PURPOSES, type SigningKeySource, type StoredSigningKey, newSigningKey } from '../src/commands/accounts/signing-keys.js';

/** Keys made on first use and kept in memory, one per purpose: a TokenService without a database. */
export const memorySigningKeys = (): SigningKeySource => {
  let keys: Promise<StoredSigningKey[]> | undefined;
  return { load: () => (keys ??= Promise.all(KEY_PURPOSES.map(newSigningKey))) };
};
