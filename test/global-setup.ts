import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../src/postgres/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server for the tests; each test file creates its own database on it. */
    postgresUrl: string;
  }
}

/** Uses DATABASE_URL when set, otherwise starts an embedded PostgreSQL for the run and removes it after. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.DATABASE_URL) {
    project.provide('postgresUrl', process.env.DATABASE_URL);
    return async () => undefined;
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'rollcall-test-pg-'));
  // When run as root, PostgreSQL runs as the "postgres" user, which must be able to enter the folder.
  await chmod(dataDir, 0o755);
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'data') });
  project.provide('postgresUrl', postgres.url);
  return async () => {
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
