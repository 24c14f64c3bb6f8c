import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { MasterKey } from '../security/master-key.js';
import { PostgresPersonalDataKeys } from './postgres-personal-data-keys.js';

describe('Personal data keys in PostgreSQL', () => {
  let db: TestDatabase;
  const masterKey = MasterKey.generate();
  beforeAll(async () => (db = await createTestDatabase()));
  afterAll(async () => db?.close());

  const storedKey = async (subjectId: string) =>
    (await db.pool.query<{ sealed_key: Buffer | null; erased_at: Date | null }>(`SELECT sealed_key, erased_at FROM rollcall.personal_data_keys WHERE subject_id = $1`, [subjectId])).rows[0];

  it('makes one key per person on first use, sealed under the master key', async () => {
    const keys = new PostgresPersonalDataKeys(db.pool, masterKey);
    const subject = randomUUID();
    const [first, racing] = await Promise.all([keys.keyFor(subject), new PostgresPersonalDataKeys(db.pool, masterKey).keyFor(subject)]);
    expect(first.equals(racing)).toBe(true);
    const row = await storedKey(subject);
    expect(row!.sealed_key!.includes(first)).toBe(false);
  });

  it('opens nothing under another master key', async () => {
    const subject = randomUUID();
    await new PostgresPersonalDataKeys(db.pool, masterKey).keyFor(subject);
    await expect(new PostgresPersonalDataKeys(db.pool, MasterKey.generate()).lookup([subject])).rejects.toThrow();
  });

  it('destroys the key on erasure and keeps a tombstone, so the person never gets a new key', async () => {
    const keys = new PostgresPersonalDataKeys(db.pool, masterKey);
    const subject = randomUUID();
    await keys.keyFor(subject);
    await keys.erase(subject, new Date());
    await keys.erase(subject, new Date());
    expect(await storedKey(subject)).toMatchObject({ sealed_key: null, erased_at: expect.any(Date) });
    await expect(keys.keyFor(subject)).rejects.toThrow(/erased/);
    await expect(new PostgresPersonalDataKeys(db.pool, masterKey).keyFor(subject)).rejects.toThrow(/erased/);
  });

  it("reaches another process's cache once its cache time is over", async () => {
    let now = 0;
    const other = new PostgresPersonalDataKeys(db.pool, masterKey, { cacheMs: 5_000, clock: () => now });
    const subject = randomUUID();
    await other.keyFor(subject);
    await new PostgresPersonalDataKeys(db.pool, masterKey).erase(subject, new Date());
    expect((await other.lookup([subject])).get(subject)?.status).toBe('live');
    now = 5_001;
    expect((await other.lookup([subject])).get(subject)?.status).toBe('erased');
  });
});
