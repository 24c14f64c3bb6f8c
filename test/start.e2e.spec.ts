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
    expect(await health.json()).toEqual({ status: 'ok', database: 'up', eventStore: 'postgres' });
    const query = await fetch(`${address}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ health { status } }' }),
    });
    expect(await query.json()).toEqual({ data: { health: { status: 'ok' } } });

    expect(await started.stop()).toBe(0);
    child = undefined;
    await expect(fetch(`${address}/healthz`)).rejects.toThrow();
    // Made on this first start, readable by nobody else: what the data is sealed under, and the two database logins.
    for (const secret of ['master.key', 'postgres-password', 'postgres-app-password'])
      expect((await stat(path.join(dataDir, secret))).mode & 0o777, secret).toBe(0o600);
  });

  const refusal = async (env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> => {
    const refused = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'all'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    refused.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => refused.once('exit', resolve));
    return { code, stderr };
  };

  it('refuses a bad environment variable with a clear message', async () => {
    const { code, stderr } = await refusal({ ...process.env, PORT: 'eighty' });
    expect(code).toBe(1);
    expect(stderr).toContain('Configuration error: PORT must be an integer from 0 to 65535, got "eighty"');
  });

  it('refuses to start on an external database without the master key its other processes share', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: 'postgres://rollcall@127.0.0.1:1/rollcall' };
    delete env.ROLLCALL_MASTER_KEY;
    const { code, stderr } = await refusal(env);
    expect(code).toBe(1);
    expect(stderr).toContain('Configuration error: ROLLCALL_MASTER_KEY is required with DATABASE_URL');
  });
});
