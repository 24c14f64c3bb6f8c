import { randomUUID } from 'node:crypto';
import { type JWK, exportJWK, generateKeyPair } from 'jose';

export type KeyPurpose = 'access' | 'ticket';

export const KEY_PURPOSES: readonly KeyPurpose[] = ['access', 'ticket'];

/** A key pair as it is kept: both halves as JWKs. */
export interface StoredSigningKey {
  kid: string;
  purpose: KeyPurpose;
  privateJwk: JWK;
  publicJwk: JWK;
}

/**
 * Where TokenService gets its keys: at least one per purpose, the newest of each first (it
 * signs; the others only verify). Asked once per TokenService, on first use.
 */
export interface SigningKeySource {
  load(): Promise<StoredSigningKey[]>;
}

/** A fresh Ed25519 key pair for `purpose`, its kid naming the purpose. */
export const newSigningKey = async (purpose: KeyPurpose): Promise<StoredSigningKey> => {
  const { privateKey, publicKey } = await generateKeyPair('Ed25519', { extractable: true });
  return { kid: `${purpose}-${randomUUID()}`, purpose, privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
};
