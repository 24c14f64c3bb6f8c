import type pg from 'pg';
import { openWith, sealWith } from '../security/master-key.js';
import type { PersonalDataKeys } from './personal-data-keys.js';
import { inTransaction } from '../postgres/transaction.js';

/** One enrollment photo's embedding, under the reference its FaceEnrolled event names. */
export interface FaceTemplate {
  reference: string;
  embedding: Float32Array;
}

/** Binds a ciphertext to its person and reference: it cannot be moved to another row and still open. */
const boundTo = (accountId: string, reference: string): string => `face-embedding:${accountId}:${reference}`;

/** Little-endian float32s whatever the platform, so that the bytes of a row mean one thing everywhere. */
const toBytes = (embedding: Float32Array): Buffer => {
  const bytes = Buffer.alloc(embedding.length * 4);
  embedding.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes;
};

const fromBytes = (bytes: Buffer): Float32Array => Float32Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));

/**
 * Enrolled face embeddings in `rollcall.face_embeddings`, each sealed under its person's
 * personal-data key: biometric data stays out of the event log, and once the key is destroyed
 * (account erasure) what is left cannot be opened, whatever copy of the table survives.
 * Nothing else reads or writes the table.
 */
export class FaceEmbeddings {
  constructor(
    private readonly pool: pg.Pool,
    private readonly keys: PersonalDataKeys,
  ) {}

  /** Replaces the person's embeddings with these, at once. Throws PersonErased for an erased person. */
  async replace(accountId: string, templates: readonly FaceTemplate[]): Promise<void> {
    const key = await this.keys.keyFor(accountId);
    const sealed = templates.map(({ reference, embedding }) => sealWith(key, toBytes(embedding), boundTo(accountId, reference)));
    await inTransaction(this.pool, async (client) => {
      await client.query('DELETE FROM rollcall.face_embeddings WHERE account_id = $1', [accountId]);
      await client.query(
        `INSERT INTO rollcall.face_embeddings (reference, account_id, sealed) SELECT unnest($1::uuid[]), $2, unnest($3::bytea[])`,
        [templates.map((t) => t.reference), accountId, sealed],
      );
    });
  }

  /** The person's embeddings: none when they never enrolled, erased their face data, or were erased (their key is gone). */
  async open(accountId: string): Promise<Float32Array[]> {
    const { rows } = await this.pool.query<{ reference: string; sealed: Buffer }>(
      'SELECT reference, sealed FROM rollcall.face_embeddings WHERE account_id = $1 ORDER BY reference',
      [accountId],
    );
    if (rows.length === 0) return [];
    const key = (await this.keys.lookup([accountId])).get(accountId);
    if (key?.status !== 'live') return [];
    return rows.map((row) => fromBytes(openWith(key.key, row.sealed, boundTo(accountId, row.reference))));
  }

  /** Deletes the person's embeddings; how many there were. */
  async forget(accountId: string): Promise<number> {
    return (await this.pool.query('DELETE FROM rollcall.face_embeddings WHERE account_id = $1', [accountId])).rowCount ?? 0;
  }
}
