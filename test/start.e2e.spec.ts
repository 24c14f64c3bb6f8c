import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnRollcall } from './spawn-rollcall.js';

/** `npm start` as a user runs it: the real entry point, the embedded PostgreSQL, a real port. */
describe('npm start', () => {
  let child: ChildProcess | undefined;
  let dataDir: string | undefined;
  afterAll(async () => {
    child?.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('starts on the embedded default, serves /healthz and GraphQL, and stops cleanly on SIGTERM', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'rollcall-start-'));
    await chmod(dataDir, 0o755);
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    delete env.EVENTSTORE_URL;
    delete env.ROLLCALL_MASTER_KEY;
    const started = await spawnRollcall('all', env);
    child = started.child;
    const { address } = started;

    const health = await fetch(`${address}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${address}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', 'event store': 'ok', 'projection attendance': 'ok' } });
    const query = await fetch(`${address}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ health { status } }' }),
    });
    expect(await query.json()).toEqual({ data: { health: { status: 'ok' } } });

    expect(await started.stop()).toBe(0);
    child = undefined;
    // A quiet shutdown: nothing at warn or above once it stops, no "connection dropped" from our own stopping.
    // (Before, with KAFKA_BROKERS, other suites' members joining the reactors' groups may rebalance them.)
    const stopping = started.output().slice(started.output().indexOf('SIGTERM: shutting down'));
    expect(stopping).not.toMatch(/"level":(40|50|60)|connection dropped/);
    await expect(fetch(`${address}/healthz`)).rejects.toThrow();
    // Made on this first start, readable by nobody else: what the data is sealed under, and the two database logins.
    for (const secret of ['master.key', 'postgres-password', 'postgres-app-password'])
      expect((await stat(path.join(dataDir, secret))).mode & 0o777, secret).toBe(0o600);
  });

  /** A refusal is a plain line on stderr while the configuration is being read, and a log line on stdout once it has been. */
  const refusal = async (env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string; stdout: string }> => {
    const refused = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'all'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    refused.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    refused.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => refused.once('exit', resolve));
    return { code, stderr, stdout };
  };

  it('refuses a bad environment variable with a clear message', async () => {
    const { code, stderr } = await refusal({ ...process.env, PORT: 'eighty' });
    expect(code).toBe(1);
    expect(stderr).toContain('Configuration error: PORT must be an integer from 0 to 65535, got "eighty"');
  });

  it('refuses to start on an external database without the master key its other processes share', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: 'postgres://rollcall@127.0.0.1:1/rollcall' };
    delete env.ROLLCALL_MASTER_KEY;
    const { code, stdout } = await refusal(env);
    expect(code).toBe(1);
    expect(stdout).toMatch(/"level":50,.*"msg":"Configuration error: ROLLCALL_MASTER_KEY is required with DATABASE_URL/);
  });
});
