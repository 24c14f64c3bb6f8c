import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
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
  });

  it('refuses a bad environment variable with a clear message', async () => {
    const refused = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'all'], {
      env: { ...process.env, PORT: 'eighty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    refused.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => refused.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('Configuration error: PORT must be an integer from 0 to 65535, got "eighty"');
  });
});
