import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { APP_ROLE, ensureLoginRole } from '../src/postgres/app-role.js';
import { startEmbeddedPostgres } from '../src/postgres/embedded.js';
import { MasterKey } from '../src/security/master-key.js';
import { randomSecret } from '../src/security/secret-file.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server for the tests, as a role that may create databases and roles; each test file creates its own database on it. */
    postgresUrl: string;
    /** The role test code and the processes it starts work as, as every Rollcall process does. */
    appLogin: { role: string; password: string };
  }
}

/**
 * Uses DATABASE_URL when set, otherwise starts an embedded PostgreSQL for the run and removes
 * it after; on either, sets up the app role with a password of this run's. Also gives the run a
 * master key in ROLLCALL_MASTER_KEY (unless one is set), which test workers, and the Rollcall
 * processes they start with their environment, inherit: like every process of one deployment,
 * they then open each other's signing keys.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.ROLLCALL_MASTER_KEY ||= MasterKey.generate().toText();
  const external = process.env.DATABASE_URL;
  const dataDir = external ? undefined : await mkdtemp(path.join(tmpdir(), 'rollcall-test-pg-'));
  // When run as root, PostgreSQL runs as the "postgres" user, which must be able to enter the folder.
  if (dataDir) await chmod(dataDir, 0o755);
  const postgres = dataDir ? await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'data') }) : undefined;
  const url = external ?? postgres!.url;
  const appLogin = { role: APP_ROLE, password: randomSecret() };
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await ensureLoginRole(admin, appLogin.role, appLogin.password);
  } finally {
    await admin.end();
  }
  project.provide('postgresUrl', url);
  project.provide('appLogin', appLogin);
  return async () => {
    await postgres?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
}
