import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Config } from '../config.js';
import { masterKeyFile } from '../security/load-master-key.js';
import { randomSecret, readOrCreateSecretFile, readSecret } from '../security/secret-file.js';
import { APP_ROLE, ensureLoginRole } from './app-role.js';
import { createDatabase, loginUrl } from './database.js';
import { startEmbeddedPostgres, stopLeftoverServer, superuserPasswordFile } from './embedded.js';
import { type EmbeddedOwner, claimOwner, ownerReady, ownerRunning, readOwner, releaseOwner, thisProcess } from './embedded-owner.js';
import { DatabaseUnreachableError, waitForDatabase } from './wait-for-database.js';

export interface OpenDatabase {
  /** What every process works as: the app role, which may append events but never change them. */
  url: string;
  /** The owner, who runs the migrations; undefined when the app role is the owner (see migrateAsOwner). */
  ownerUrl: string | undefined;
  /** Stops what this process started (nothing when it joined a server another process runs). */
  stop(): Promise<void>;
}

/**
 * How a process uses the embedded server: a `server` (a role of src/main.ts) starts it and
 * refuses to share it with another running Rollcall, since the server stops with the process
 * that started it; a `tool` (the CLI) joins the one that runs, or starts its own while none does.
 */
export type EmbeddedUse = 'server' | 'tool';

const DATABASE = 'rollcall';
const appPasswordFile = (config: Config) => path.resolve(config.dataDir, 'postgres-app-password');

/**
 * The database to use: DATABASE_URL (and DATABASE_OWNER_URL), waited for while unreachable for
 * DATABASE_WAIT_SECONDS; or the embedded server under DATA_DIR. On the embedded default the
 * superuser owns the schema and runs the migrations, and processes work as `rollcall_app`,
 * whose password is made on first start and kept in `$DATA_DIR/postgres-app-password`
 * (mode 0600).
 */
export const openDatabase = async (config: Config, say: (line: string) => void, use: EmbeddedUse = 'server'): Promise<OpenDatabase> => {
  const wait = { seconds: config.databaseWaitSeconds, say };
  if (config.databaseUrl) {
    await waitForDatabase('DATABASE_URL', config.databaseUrl, wait);
    if (config.databaseOwnerUrl) await waitForDatabase('DATABASE_OWNER_URL', config.databaseOwnerUrl, wait);
    return { url: config.databaseUrl, ownerUrl: config.databaseOwnerUrl, stop: async () => undefined };
  }
  const dataDir = path.resolve(config.dataDir, 'postgres');
  // Twice at most: a claim lost to a process starting at the same moment is followed by a look at what it claimed.
  for (let attempt = 0; attempt < 2; attempt++) {
    const owner = await readOwner(dataDir);
    if (owner && (await ownerRunning(owner))) {
      if (use === 'server')
        throw new Error(
          `The embedded PostgreSQL in ${dataDir} belongs to another running Rollcall (pid ${owner.pid}): stop it first, or join its database with the DATABASE_URL it printed`,
        );
      return joinEmbedded(config, dataDir, owner, wait.seconds);
    }
    if (owner) await releaseOwner(dataDir, owner);
    if (await claimOwner(dataDir)) return startEmbedded(config, dataDir, say, use);
  }
  throw new Error(`Another process keeps claiming the embedded PostgreSQL in ${dataDir}; try again`);
};

/** Starts the server this process now owns; the record goes with it, whether it stops or fails to start. */
const startEmbedded = async (config: Config, dataDir: string, say: (line: string) => void, use: EmbeddedUse): Promise<OpenDatabase> => {
  const me = await thisProcess();
  const server = await stopLeftoverServer(dataDir, say)
    .then(() => startEmbeddedPostgres({ dataDir }))
    .catch(async (error: unknown) => {
      await releaseOwner(dataDir, me);
      throw error;
    });
  const stop = async () => {
    await server.stop();
    await releaseOwner(dataDir, me);
  };
  say(`Embedded PostgreSQL started on 127.0.0.1:${server.port}, data in ${dataDir}`);
  try {
    const ownerUrl = await createDatabase(server.url, DATABASE, true);
    const password = await readOrCreateSecretFile(appPasswordFile(config), randomSecret);
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    try {
      await ensureLoginRole(admin, APP_ROLE, password);
    } finally {
      await admin.end();
    }
    await ownerReady(dataDir, server.port);
    if (use === 'server') for (const line of joinInstructions(config, dataDir, server.port)) say(line);
    return { url: loginUrl(ownerUrl, APP_ROLE, password), ownerUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};

/** The server another process runs: its port from the record, the passwords from their files. */
const joinEmbedded = async (config: Config, dataDir: string, owner: EmbeddedOwner, waitSeconds: number): Promise<OpenDatabase> => {
  const ready = owner.state === 'ready' ? owner : await readyOwner(dataDir, owner, Math.max(waitSeconds, 10));
  const [superuser, app] = await Promise.all([readSecret(superuserPasswordFile(dataDir)), readSecret(appPasswordFile(config))]);
  if (!superuser || !app)
    throw new Error(`The embedded PostgreSQL in ${dataDir} runs, but its passwords are not readable beside it (${superuserPasswordFile(dataDir)}, ${appPasswordFile(config)})`);
  const at = `postgres://127.0.0.1:${ready.port}/${DATABASE}`;
  const [url, ownerUrl] = [loginUrl(at, APP_ROLE, app), loginUrl(at, 'postgres', superuser)];
  try {
    await waitForDatabase('the embedded PostgreSQL', url, { seconds: 0, say: () => undefined });
  } catch (error) {
    throw new Error(`Joining the embedded PostgreSQL that pid ${owner.pid} runs on 127.0.0.1:${ready.port} failed: ${(error as Error).message}`, { cause: error });
  }
  return { url, ownerUrl, stop: async () => undefined };
};

/** Waits for a server that is still starting (a first start initialises its data directory, which takes a while). */
const readyOwner = async (dataDir: string, owner: EmbeddedOwner, seconds: number): Promise<EmbeddedOwner & { port: number }> => {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const now = await readOwner(dataDir);
    if (now?.state === 'ready' && now.port !== undefined) return { ...now, port: now.port };
    if (!now || !(await ownerRunning(now)) || Date.now() > deadline)
      throw new DatabaseUnreachableError(`The embedded PostgreSQL in ${dataDir} that pid ${owner.pid} was starting did not get ready`);
    await sleep(200);
  }
};

/** Shell lines for other roles and tools: the passwords and the master key are read from their files, never printed. */
const joinInstructions = (config: Config, dataDir: string, port: number): string[] => {
  const file = (name: string) => `$(cat ${shellQuoted(name)})`;
  const at = `127.0.0.1:${port}/${DATABASE}`;
  return [
    'Other roles and tools join this database with (npm run rollcall and admin:create find it by themselves):',
    `  export DATABASE_URL="postgres://${APP_ROLE}:${file(appPasswordFile(config))}@${at}"`,
    `  export DATABASE_OWNER_URL="postgres://postgres:${file(superuserPasswordFile(dataDir))}@${at}"`,
    `  export ROLLCALL_MASTER_KEY="${file(masterKeyFile(config.dataDir))}"`,
  ];
};

const shellQuoted = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
