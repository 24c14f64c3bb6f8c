import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDatabase } from '../src/postgres/database.js';
import { startEmbeddedPostgres } from '../src/postgres/embedded.js';

export interface BenchDatabase {
  /** A scratch folder for the run (the embedded server's data, an outbox, …). */
  dir: string;
  /** A fresh database for this run. */
  url: string;
  /** Stops the embedded server, if one was started, and removes the folder. */
  close(): Promise<void>;
}

/** A fresh database on DATABASE_URL's server, or on an embedded PostgreSQL of its own. */
export const openBenchDatabase = async (benchmark: string): Promise<BenchDatabase> => {
  const dir = await mkdtemp(path.join(tmpdir(), `rollcall-bench-${benchmark}-`));
  // When run as root, PostgreSQL runs as the "postgres" user, which must be able to enter the folder.
  await chmod(dir, 0o755);
  const server = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir: path.join(dir, 'data') });
  // A run that fails before close() would leave its server running and its folder behind.
  const leftBehind = () => {
    if (server) stopNow(path.join(dir, 'data'));
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', leftBehind);
  const url = await createDatabase(server?.url ?? process.env.DATABASE_URL!, `bench_${benchmark}_${randomBytes(4).toString('hex')}`);
  return {
    dir,
    url,
    close: async () => {
      process.removeListener('exit', leftBehind);
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

/** PostgreSQL's immediate shutdown, all an `exit` listener can do: it cannot wait. */
const stopNow = (dataDir: string): void => {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGQUIT');
  } catch {
    // No pid file or no such process: the server is not running, which is all this is for.
  }
};
