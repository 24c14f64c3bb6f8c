import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { processRunning } from '../src/postgres/processes.js';
import { type RunningRollcall, spawnRollcall } from './spawn-rollcall.js';

/**
 * `npm start` on the embedded default as its own process, through the ways it ends: every
 * way out stops the embedded PostgreSQL it started, and a start clears the one a killed
 * Rollcall left behind, so that no start on the directory after it fails.
 */

const folders: string[] = [];
const running: RunningRollcall[] = [];
afterAll(async () => {
  for (const rollcall of running) rollcall.child.kill('SIGKILL');
  for (const folder of folders) {
    const leftover = await postmaster(folder);
    if (leftover && (await processRunning(leftover))) process.kill(leftover, 'SIGQUIT');
    await rm(folder, { recursive: true, force: true });
  }
});

const dataDirectory = async (): Promise<string> => {
  const folder = await mkdtemp(path.join(tmpdir(), 'rollcall-lifecycle-'));
  // As root, PostgreSQL runs as the `postgres` user, who must be able to enter the folder.
  await chmod(folder, 0o755);
  folders.push(folder);
  return folder;
};

/** The embedded default on `dataDir`: nothing in the caller's environment points elsewhere. */
const embedded = (dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...extra };
  for (const name of ['DATABASE_URL', 'DATABASE_OWNER_URL', 'EVENTSTORE_URL', 'ROLLCALL_MASTER_KEY', 'KAFKA_BROKERS']) if (!(name in extra)) delete env[name];
  return env;
};

const start = async (env: NodeJS.ProcessEnv): Promise<RunningRollcall> => {
  const rollcall = await spawnRollcall('all', env);
  running.push(rollcall);
  return rollcall;
};

/** `npm start` that is expected to stop by itself: its exit code and what it said, a line each. */
const failedStart = (env: NodeJS.ProcessEnv): Promise<{ code: number | null; lines: string[] }> => {
  const child = spawn(process.execPath, ['--import', 'tsx/esm', 'src/main.ts', 'all'], { env: { METRICS_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, lines: said(output) })));
};

/** What a process said, a message per line: pino's JSON lines by their `msg`, others as they are. */
const said = (output: string): string[] =>
  output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return (JSON.parse(line) as { msg?: string }).msg ?? line;
      } catch {
        return line;
      }
    });

/** The pid of the PostgreSQL running on `dataDir`'s embedded data, from its postmaster.pid. */
const postmaster = async (dataDir: string): Promise<number | undefined> => {
  const text = await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : Number(text.split('\n')[0]);
};

const ownerRecord = (dataDir: string) => readFile(path.join(dataDir, 'postgres.json'), 'utf8').then(JSON.parse, () => undefined);

/** Nothing left behind: no PostgreSQL on the data directory, no record of an owner. */
const nothingLeftRunning = async (dataDir: string): Promise<void> => {
  const pid = await postmaster(dataDir);
  expect(pid === undefined || !(await processRunning(pid)), `PostgreSQL ${pid} still runs`).toBe(true);
  expect(await ownerRecord(dataDir)).toBeUndefined();
};

const listening = async (address: string) => (await fetch(`${address}/healthz`)).status;

describe('npm start on the embedded PostgreSQL', () => {
  it('says how other roles and tools join its database without printing a password, and stops it on SIGTERM', async () => {
    const dataDir = await dataDirectory();
    const rollcall = await start(embedded(dataDir));
    const lines = said(rollcall.output());
    const appPassword = (await readFile(path.join(dataDir, 'postgres-app-password'), 'utf8')).trim();
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^ {2}export DATABASE_URL="postgres://rollcall_app:\\$\\(cat '${dataDir}/postgres-app-password'\\)@127\\.0\\.0\\.1:\\d+/rollcall"$`)),
    );
    expect(lines).toContainEqual(`  export ROLLCALL_MASTER_KEY="$(cat '${dataDir}/master.key')"`);
    expect(rollcall.output()).not.toContain(appPassword);
    expect(await ownerRecord(dataDir)).toMatchObject({ pid: rollcall.child.pid, state: 'ready', port: expect.any(Number) });

    expect(await rollcall.stop()).toBe(0);
    await nothingLeftRunning(dataDir);
  });

  it('stops the PostgreSQL a killed Rollcall left running on its data directory, then starts', async () => {
    const dataDir = await dataDirectory();
    const killed = await start(embedded(dataDir));
    const orphan = (await postmaster(dataDir))!;
    killed.child.kill('SIGKILL');
    await new Promise((resolve) => killed.child.once('exit', resolve));
    expect(await processRunning(orphan)).toBe(true);

    const next = await start(embedded(dataDir));
    expect(said(next.output())).toContain(`Stopping the embedded PostgreSQL (pid ${orphan}) that a Rollcall which is no longer running left in ${dataDir}/postgres`);
    expect(await processRunning(orphan)).toBe(false);
    expect(await listening(next.address)).toBe(200);
    expect(await next.stop()).toBe(0);
    await nothingLeftRunning(dataDir);
  });

  it('refuses to start on a data directory another running Rollcall uses, and leaves that one running', async () => {
    const dataDir = await dataDirectory();
    const first = await start(embedded(dataDir));
    const second = await failedStart(embedded(dataDir));
    expect(second.code).toBe(1);
    expect(second.lines.at(-1)).toBe(
      `Failed to start: The embedded PostgreSQL in ${dataDir}/postgres belongs to another running Rollcall (pid ${first.child.pid}): stop it first, or join its database with the DATABASE_URL it printed`,
    );
    expect(await listening(first.address)).toBe(200);
    expect(await first.stop()).toBe(0);
  });

  it('stops the database it started when its port is taken, so that the next start works', async () => {
    const dataDir = await dataDirectory();
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const failed = await failedStart(embedded(dataDir, { PORT: String(port) }));
      expect(failed.code).toBe(1);
      expect(failed.lines.at(-1)).toBe(
        `Failed to start: listen EADDRINUSE: address already in use 127.0.0.1:${port} (another process listens there: stop it, or choose another PORT)`,
      );
    } finally {
      taken.close();
    }
    await nothingLeftRunning(dataDir);
    const next = await start(embedded(dataDir));
    expect(await next.stop()).toBe(0);
  });

  it('stops the database it started when Kafka cannot be reached', async () => {
    const dataDir = await dataDirectory();
    const failed = await failedStart(embedded(dataDir, { KAFKA_BROKERS: '127.0.0.1:1' }));
    expect(failed.code).toBe(1);
    expect(failed.lines.at(-1)).toMatch(/^Failed to start: .*ECONNREFUSED 127\.0\.0\.1:1/);
    // A database shutting down on a busy machine can take longer than 5 s to be gone.
    await vi.waitFor(() => nothingLeftRunning(dataDir), { timeout: 30_000, interval: 200 });
  });
});

describe('npm start on DATABASE_URL', () => {
  it('retries an unreachable database with backoff, then gives up naming DATABASE_URL without its password', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      DATABASE_URL: 'postgres://rollcall:s3cret-pw@127.0.0.1:1/rollcall',
      DATABASE_WAIT_SECONDS: '2',
    };
    delete env.DATABASE_OWNER_URL;
    delete env.EVENTSTORE_URL;
    const started = Date.now();
    const { code, lines } = await failedStart(env);
    expect(code).toBe(1);
    expect(Date.now() - started).toBeGreaterThan(2_000);
    const retries = lines.filter((line) => line.startsWith('DATABASE_URL (postgres://rollcall:***@127.0.0.1:1/rollcall) is unreachable (connect ECONNREFUSED'));
    expect(retries.map((line) => /retrying in ([\d.]+) s$/.exec(line)?.[1])).toEqual(['0.5', '1.0', expect.any(String)]);
    expect(lines.at(-1)).toBe(
      'Failed to start: DATABASE_URL (postgres://rollcall:***@127.0.0.1:1/rollcall) is unreachable after 2 s of retries: connect ECONNREFUSED 127.0.0.1:1',
    );
    expect(lines.join('\n')).not.toContain('s3cret');
  });
});
