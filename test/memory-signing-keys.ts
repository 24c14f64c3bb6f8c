import { KEY_PURPOSES, type SigningKeySource, type StoredSigningKey, newKeyPair } from '../src/commands/accounts/signing-keys.js';

/** Keys made on first use and kept in memory, one per purpose, signing from the start and never rotated: a TokenService without a database. */
export const memorySigningKeys = (): SigningKeySource => {
  let keys: Promise<StoredSigningKey[]> | undefined;
  const signingFromTheStart = async (purpose: StoredSigningKey['purpose']): Promise<StoredSigningKey> => ({
    ...(await newKeyPair(purpose)),
    purpose,
    signsFrom: new Date(0),
    signsUntil: undefined,
    verifyUntil: undefined,
  });
  return { load: () => (keys ??= Promise.all(KEY_PURPOSES.map(signingFromTheStart))) };
};
