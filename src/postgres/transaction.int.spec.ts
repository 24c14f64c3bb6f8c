import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { inTransaction } from './transaction.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  const { rows } = await db.pool.query<{ role: string }>('SELECT current_user AS role');
  // Made by the owner, as the migrations make every table; the work runs as the app role.
  const owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  await owner.query(`CREATE TABLE public.notes (text text NOT NULL); GRANT SELECT, INSERT ON public.notes TO "${rows[0]!.role}"`);
  await owner.end();
});
afterAll(async () => db?.close());

const notes = async () => (await db.pool.query<{ text: string }>('SELECT text FROM notes ORDER BY text')).rows.map((r) => r.text);

describe('a transaction', () => {
  it('commits what its work wrote and answers what the work answered', async () => {
    const answer = await inTransaction(db.pool, async (client) => {
      await client.query("INSERT INTO notes VALUES ('kept')");
      return 42;
    });
    expect(answer).toBe(42);
    expect(await notes()).toEqual(['kept']);
  });

  it('rolls back all of it when the work throws, passing the error on as it was', async () => {
    const failure = new Error('half-way');
    await expect(
      inTransaction(db.pool, async (client) => {
        await client.query("INSERT INTO notes VALUES ('lost')");
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await notes()).toEqual(['kept']);
  });

  it('begins as asked, and gives its connection back either way', async () => {
    await expect(inTransaction(db.pool, (client) => client.query("INSERT INTO notes VALUES ('no')"), 'BEGIN READ ONLY')).rejects.toThrow(/read-only/);
    expect(db.pool.totalCount).toBe(db.pool.idleCount);
    expect(await notes()).toEqual(['kept']);
  });
});
