import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPostgres, startEmbeddedPostgres, superuserPasswordFile } from './embedded.js';

let folder: string;
let server: RunningPostgres | undefined;
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'rollcall-embedded-'));
  // When run as root, PostgreSQL runs as the "postgres" user, which must be able to enter the folder.
  await chmod(folder, 0o755);
});
afterAll(async () => {
  await server?.stop();
  await rm(folder, { recursive: true, force: true });
});

const logsIn = async (url: string, password: string): Promise<boolean> => {
  const target = new URL(url);
  target.password = password;
  const client = new pg.Client({ connectionString: target.toString() });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
};

describe('the embedded server’s superuser', () => {
  const dataDir = () => path.join(folder, 'postgres');

  it('has a password made for its data directory, kept beside it for its owner only', async () => {
    server = await startEmbeddedPostgres({ dataDir: dataDir() });
    const file = superuserPasswordFile(dataDir());
    expect(file).toBe(path.join(folder, 'postgres-password'));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const password = (await readFile(file, 'utf8')).trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await logsIn(server.url, password)).toBe(true);
    expect(await logsIn(server.url, 'rollcall')).toBe(false);
    await server.stop();
    server = undefined;
  });

  it('trades the password every data directory had before for a made one, on the first start that finds it', async () => {
    server = await startEmbeddedPostgres({ dataDir: dataDir() });
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`ALTER ROLE postgres WITH PASSWORD 'rollcall'`);
    await admin.end();
    await server.stop();
    await rm(superuserPasswordFile(dataDir()));

    server = await startEmbeddedPostgres({ dataDir: dataDir() });
    const password = (await readFile(superuserPasswordFile(dataDir()), 'utf8')).trim();
    expect(password).not.toBe('rollcall');
    expect(await logsIn(server.url, password)).toBe(true);
    expect(await logsIn(server.url, 'rollcall')).toBe(false);
  });
});
