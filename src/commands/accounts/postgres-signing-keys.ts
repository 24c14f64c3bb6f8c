import type { JWK } from 'jose';
import type pg from 'pg';
import { ADVISORY_LOCK } from '../../postgres/advisory-locks.js';
import type { MasterKey } from '../../security/master-key.js';
import { DEFAULT_KEY_SCHEDULE, type KeySchedule } from '../../config.js';
import { type KeyTimes, type KeyWork, dueWork, nothingDue, succession } from './key-schedule.js';
import { KEY_PURPOSES, type KeyPurpose, type SigningKeySource, type StoredSigningKey, newKeyPair } from './signing-keys.js';
import { inTransaction } from '../../postgres/transaction.js';

interface KeyRow {
  kid: string;
  purpose: KeyPurpose;
  public_jwk: JWK;
  /** Only in rows an older version wrote, until the first load seals them. */
  private_jwk: JWK | null;
  sealed_private_key: Buffer | null;
  created_at: Date;
  signs_from: Date;
  retired_at: Date | null;
  verify_until: Date | null;
}

export interface PostgresSigningKeysOptions {
  /** What private halves are sealed under at rest. */
  masterKey: MasterKey;
  schedule?: KeySchedule;
  /** The time keys are rotated, retired and dropped at; tests move it. */
  clock?: () => Date;
}

/** A key as `rollcall admin keys list` shows it: times only, never key material. */
export interface SigningKeyInfo {
  kid: string;
  purpose: KeyPurpose;
  createdAt: Date;
  signsFrom: Date;
  retiredAt: Date | undefined;
  verifyUntil: Date | undefined;
}

/**
 * Keys kept in `rollcall.signing_keys`, so every process signs with the same key and
 * verifies the others' tokens. Private halves are stored sealed under the master key, bound
 * to their kid (a sealed half copied to another row does not open). Each load also does what
 * the schedule says is due (key-schedule.ts): the first keys, rotations, retired keys' private
 * halves destroyed, keys past their last verification dropped, and rows an older version left
 * in plaintext sealed. That work happens under an advisory lock, so processes starting or
 * rotating together agree on one outcome, and the lock is only taken when something is due.
 */
export const postgresSigningKeys = (pool: pg.Pool, options: PostgresSigningKeysOptions): SigningKeySource => ({
  async load() {
    const now = (options.clock ?? (() => new Date()))();
    let rows = await readKeys(pool);
    if (rows.some(isPlaintext) || !nothingDue(dueWork(rows.map(timesOf), now, schedule(options))))
      rows = await inKeyLock(pool, (client) => maintain(client, options, now, { rotate: [], immediately: false }));
    return rows.map((row) => storedKey(row, options.masterKey));
  },
});

/**
 * Gives each of `purposes` a new key now (and does whatever else is due), whatever the schedule
 * says: what `rollcall admin keys rotate` runs. `immediately` makes the new keys sign at once
 * rather than after the publish-ahead day.
 */
export const rotateSigningKeys = async (
  pool: pg.Pool,
  options: PostgresSigningKeysOptions,
  purposes: readonly KeyPurpose[],
  immediately = false,
): Promise<SigningKeyInfo[]> => {
  const now = (options.clock ?? (() => new Date()))();
  return (await inKeyLock(pool, (client) => maintain(client, options, now, { rotate: purposes, immediately }))).map(infoOf);
};

/** Every stored key, newest first, without opening any private half. */
export const listSigningKeys = async (pool: pg.Pool): Promise<SigningKeyInfo[]> => (await readKeys(pool)).map(infoOf);

const schedule = (options: PostgresSigningKeysOptions): KeySchedule => options.schedule ?? DEFAULT_KEY_SCHEDULE;

const sealingPurpose = (kid: string): string => `signing-key:${kid}`;

const isPlaintext = (row: KeyRow): boolean => row.private_jwk !== null;

const timesOf = (row: KeyRow): KeyTimes => ({
  kid: row.kid,
  purpose: row.purpose,
  createdAt: row.created_at,
  signsFrom: row.signs_from,
  retiredAt: row.retired_at ?? undefined,
  verifyUntil: row.verify_until ?? undefined,
  canSign: row.sealed_private_key !== null || row.private_jwk !== null,
});

const infoOf = (row: KeyRow): SigningKeyInfo => ({
  kid: row.kid,
  purpose: row.purpose,
  createdAt: row.created_at,
  signsFrom: row.signs_from,
  retiredAt: row.retired_at ?? undefined,
  verifyUntil: row.verify_until ?? undefined,
});

const storedKey = (row: KeyRow, masterKey: MasterKey): StoredSigningKey => ({
  kid: row.kid,
  purpose: row.purpose,
  publicJwk: row.public_jwk,
  privateJwk: row.sealed_private_key ? openPrivateHalf(row.kid, row.sealed_private_key, masterKey) : undefined,
  signsFrom: row.signs_from,
  signsUntil: row.retired_at ?? undefined,
  verifyUntil: row.verify_until ?? undefined,
});

const openPrivateHalf = (kid: string, sealed: Buffer, masterKey: MasterKey): JWK => {
  try {
    return JSON.parse(masterKey.open(sealed, sealingPurpose(kid)).toString('utf8')) as JWK;
  } catch (error) {
    throw new Error(
      `Signing key ${kid} does not open under this master key: is ROLLCALL_MASTER_KEY the one the database's keys were sealed under?`,
      { cause: error },
    );
  }
};

const sealPrivateHalf = (kid: string, privateJwk: JWK, masterKey: MasterKey): Buffer =>
  masterKey.seal(Buffer.from(JSON.stringify(privateJwk)), sealingPurpose(kid));

const readKeys = async (db: pg.Pool | pg.PoolClient): Promise<KeyRow[]> =>
  (
    await db.query<KeyRow>(
      `SELECT kid, purpose, public_jwk, private_jwk, sealed_private_key, created_at, signs_from, retired_at, verify_until
         FROM rollcall.signing_keys ORDER BY purpose, created_at DESC, kid`,
    )
  ).rows;

const inKeyLock = (pool: pg.Pool, work: (client: pg.PoolClient) => Promise<KeyRow[]>): Promise<KeyRow[]> =>
  inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK.signingKeys]);
    return work(client);
  });

/** What is due now, looked at again under the lock: another process may have done it while we waited. */
const maintain = async (
  client: pg.PoolClient,
  options: PostgresSigningKeysOptions,
  now: Date,
  forced: { rotate: readonly KeyPurpose[]; immediately: boolean },
): Promise<KeyRow[]> => {
  const rows = await readKeys(client);
  for (const row of rows.filter(isPlaintext))
    await client.query('UPDATE rollcall.signing_keys SET sealed_private_key = $2, private_jwk = NULL WHERE kid = $1', [
      row.kid,
      sealPrivateHalf(row.kid, row.private_jwk!, options.masterKey),
    ]);
  const due: KeyWork = dueWork(rows.map(timesOf), now, schedule(options));
  for (const purpose of KEY_PURPOSES.filter((p) => due.rotate.includes(p) || forced.rotate.includes(p)))
    await addKey(client, options, now, purpose, rows.some((row) => row.purpose === purpose), forced.immediately);
  // Only keys seen above: a key just added, or whose predecessor just got a retirement date, is not due.
  await client.query('UPDATE rollcall.signing_keys SET sealed_private_key = NULL, private_jwk = NULL WHERE kid = ANY ($1)', [
    due.destroyPrivate,
  ]);
  await client.query('DELETE FROM rollcall.signing_keys WHERE kid = ANY ($1)', [due.drop]);
  return readKeys(client);
};

/** A new key for `purpose`; the keys it replaces get their retirement and last verification. */
const addKey = async (
  client: pg.PoolClient,
  options: PostgresSigningKeysOptions,
  now: Date,
  purpose: KeyPurpose,
  hasPredecessors: boolean,
  immediately: boolean,
): Promise<void> => {
  const { kid, privateJwk, publicJwk } = await newKeyPair(purpose);
  const { signsFrom, predecessors } = succession(purpose, hasPredecessors, now, schedule(options), immediately);
  if (predecessors)
    await client.query(
      `UPDATE rollcall.signing_keys SET retired_at = $2, verify_until = $3
        WHERE purpose = $1 AND (retired_at IS NULL OR retired_at > $2)`,
      [purpose, predecessors.retiredAt, predecessors.verifyUntil],
    );
  await client.query(
    `INSERT INTO rollcall.signing_keys (kid, purpose, sealed_private_key, public_jwk, created_at, signs_from)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [kid, purpose, sealPrivateHalf(kid, privateJwk, options.masterKey), publicJwk, now, signsFrom],
  );
};
