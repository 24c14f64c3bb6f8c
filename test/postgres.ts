import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, loginUrl } from '../src/postgres/database.js';
import { migrateAsOwner } from '../src/postgres/migrate.js';
import { MasterKey } from '../src/security/master-key.js';

export interface TestDatabase {
  /** As the app role, which every Rollcall process works as: no UPDATE, DELETE or TRUNCATE on rollcall.events. */
  url: string;
  /** As the owner, who ran the migrations. */
  ownerUrl: string;
  /** On `url`. */
  pool: pg.Pool;
  /** The run's master key (test/global-setup.ts), which processes started with `process.env` have too. */
  masterKey: MasterKey;
  close(): Promise<void>;
}

/**
 * A fresh database on the test server, so test files never see each other's rows, migrated by
 * its owner and worked on as the app role, as Rollcall runs in production.
 */
export const createTestDatabase = async (): Promise<TestDatabase> => {
  const ownerUrl = await createDatabase(inject('postgresUrl'), `test_${randomBytes(6).toString('hex')}`);
  const { role, password } = inject('appLogin');
  const url = loginUrl(ownerUrl, role, password);
  const pool = new pg.Pool({ connectionString: url, max: 20 });
  try {
    await migrateAsOwner(pool, ownerUrl);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return { url, ownerUrl, pool, masterKey: runMasterKey(), close: () => pool.end() };
};

const runMasterKey = (): MasterKey => {
  const text = process.env.ROLLCALL_MASTER_KEY;
  if (!text) throw new Error('ROLLCALL_MASTER_KEY is unset: test/global-setup.ts gives each run one');
  return MasterKey.fromText(text);
};
