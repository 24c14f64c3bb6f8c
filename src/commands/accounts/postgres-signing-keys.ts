import type { JWK } from 'jose';
import type pg from 'pg';
import { ADVISORY_LOCK } from '../../postgres/advisory-locks.js';
import { KEY_PURPOSES, type KeyPurpose, type SigningKeySource, type StoredSigningKey, newSigningKey } from './signing-keys.js';

interface KeyRow {
  kid: string;
  purpose: KeyPurpose;
  private_jwk: JWK;
  public_jwk: JWK;
}

/**
 * Keys kept in `rollcall.signing_keys`, so every process signs with the same key and
 * verifies the others' tokens. Missing ones are created on first use under an advisory lock,
 * so processes starting together agree on one key per purpose.
 */
export const postgresSigningKeys = (pool: pg.Pool): SigningKeySource => ({
  async load() {
    const rows = await readKeys(pool);
    const missing = KEY_PURPOSES.filter((purpose) => !rows.some((row) => row.purpose === purpose));
    return missing.length > 0 ? createKeys(pool, missing) : rows;
  },
});

const readKeys = async (db: pg.Pool | pg.PoolClient): Promise<StoredSigningKey[]> =>
  (
    await db.query<KeyRow>(
      `SELECT kid, purpose, private_jwk, public_jwk FROM rollcall.signing_keys ORDER BY purpose, created_at DESC, kid`,
    )
  ).rows.map((row) => ({ kid: row.kid, purpose: row.purpose, privateJwk: row.private_jwk, publicJwk: row.public_jwk }));

/** Creates the missing keys unless another process did while we waited for the lock. */
const createKeys = async (pool: pg.Pool, purposes: KeyPurpose[]): Promise<StoredSigningKey[]> => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK.signingKeys]);
    const existing = await readKeys(client);
    for (const purpose of purposes) {
      if (existing.some((row) => row.purpose === purpose)) continue;
      const key = await newSigningKey(purpose);
      await client.query(`INSERT INTO rollcall.signing_keys (kid, purpose, private_jwk, public_jwk) VALUES ($1, $2, $3, $4)`, [
        key.kid,
        key.purpose,
        key.privateJwk,
        key.publicJwk,
      ]);
    }
    const rows = await readKeys(client);
    await client.query('COMMIT');
    return rows;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
};
