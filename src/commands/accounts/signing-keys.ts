import { randomUUID } from 'node:crypto';
import { type JWK, exportJWK, generateKeyPair } from 'jose';

export type KeyPurpose = 'access' | 'ticket';

export const KEY_PURPOSES: readonly KeyPurpose[] = ['access', 'ticket'];

/** A key as TokenService uses it: its public half, its private half while it may sign, and its times. */
export interface StoredSigningKey {
  kid: string;
  purpose: KeyPurpose;
  publicJwk: JWK;
  /** Gone once the key has retired: it never signs again. */
  privateJwk: JWK | undefined;
  /** Published from the start; signs from this moment (see key-schedule.ts). */
  signsFrom: Date;
  /** When its successor takes over signing; undefined while it has none. */
  signsUntil: Date | undefined;
  /** Tokens it signed verify until then; undefined while it has no successor. */
  verifyUntil: Date | undefined;
}

/**
 * Where TokenService gets its keys: every key of each purpose that still verifies, the one
 * signing now among them. Asked again as the keys it has grow old, and on a kid it does not know.
 */
export interface SigningKeySource {
  load(): Promise<StoredSigningKey[]>;
}

/** A fresh Ed25519 key pair for `purpose`, its kid naming the purpose. */
export const newKeyPair = async (purpose: KeyPurpose): Promise<{ kid: string; privateJwk: JWK; publicJwk: JWK }> => {
  const { privateKey, publicKey } = await generateKeyPair('Ed25519', { extractable: true });
  return { kid: `${purpose}-${randomUUID()}`, privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
};
