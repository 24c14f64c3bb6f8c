import path from 'node:path';
import pg from 'pg';
import type { Config } from '../config.js';
import { randomSecret, readOrCreateSecretFile } from '../security/secret-file.js';
import { APP_ROLE, ensureLoginRole } from './app-role.js';
import { createDatabase, loginUrl } from './database.js';
import { startEmbeddedPostgres } from './embedded.js';

export interface OpenDatabase {
  /** What every process works as: the app role, which may append events but never change them. */
  url: string;
  /** The owner, who runs the migrations; undefined when the app role is the owner (see migrateAsOwner). */
  ownerUrl: string | undefined;
  stop(): Promise<void>;
}

/**
 * The database to use: DATABASE_URL (and DATABASE_OWNER_URL), or the embedded server under
 * DATA_DIR, started here. On the embedded default the superuser owns the schema and runs the
 * migrations, and processes work as `rollcall_app`, whose password is made on first start and
 * kept in `$DATA_DIR/postgres-app-password` (mode 0600).
 */
export const openDatabase = async (config: Config, say: (line: string) => void): Promise<OpenDatabase> => {
  if (config.databaseUrl) return { url: config.databaseUrl, ownerUrl: config.databaseOwnerUrl, stop: async () => undefined };
  const dataDir = path.resolve(config.dataDir, 'postgres');
  const server = await startEmbeddedPostgres({ dataDir });
  say(`Embedded PostgreSQL started, data in ${dataDir}`);
  try {
    const ownerUrl = await createDatabase(server.url, 'rollcall', true);
    const password = await readOrCreateSecretFile(path.resolve(config.dataDir, 'postgres-app-password'), randomSecret);
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    try {
      await ensureLoginRole(admin, APP_ROLE, password);
    } finally {
      await admin.end();
    }
    return { url: loginUrl(ownerUrl, APP_ROLE, password), ownerUrl, stop: () => server.stop() };
  } catch (error) {
    await server.stop();
    throw error;
  }
};
