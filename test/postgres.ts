import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase } from '../src/postgres/database.js';
import { migrate } from '../src/postgres/migrate.js';

export interface TestDatabase {
  url: string;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** A fresh, migrated database on the test server, so test files never see each other's rows. */
export const createTestDatabase = async (): Promise<TestDatabase> => {
  const url = await createDatabase(inject('postgresUrl'), `test_${randomBytes(6).toString('hex')}`);
  const pool = new pg.Pool({ connectionString: url, max: 20 });
  await migrate(pool);
  return { url, pool, close: () => pool.end() };
};
