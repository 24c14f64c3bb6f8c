import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import { loadMasterKey, masterKeyFile } from './load-master-key.js';
import { MasterKey } from './master-key.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'rollcall-master-key-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const embedded = () => ({ masterKey: undefined, databaseUrl: undefined, dataDir });

describe('the master key', () => {
  it('is ROLLCALL_MASTER_KEY when set, and nothing is written', async () => {
    const key = MasterKey.generate();
    expect((await loadMasterKey({ ...embedded(), masterKey: key })).toText()).toBe(key.toText());
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('is made on the embedded default’s first start, kept in $DATA_DIR/master.key for its owner only, and the same on every start after', async () => {
    const first = await loadMasterKey(embedded());
    const file = masterKeyFile(dataDir);
    expect(file).toBe(path.join(dataDir, 'master.key'));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(first.toText());
    expect((await loadMasterKey(embedded())).toText()).toBe(first.toText());
  });

  it('is one key when several processes start together on a new data directory', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadMasterKey(embedded())));
    expect(new Set(keys.map((key) => key.toText())).size).toBe(1);
    expect(await readdir(dataDir)).toEqual(['master.key']);
  });

  it('is required with an external database, where a key made per process would leave processes unable to read each other', async () => {
    await expect(loadMasterKey({ ...embedded(), databaseUrl: 'postgres://db/rollcall' })).rejects.toThrow(
      new ConfigError(
        'ROLLCALL_MASTER_KEY is required with DATABASE_URL: every process on the database must share one key (make one with: openssl rand -base64 32)',
      ),
    );
  });

  it('refuses a damaged key file rather than making another key', async () => {
    await writeFile(masterKeyFile(dataDir), 'not a key\n', { mode: 0o600 });
    await expect(loadMasterKey(embedded())).rejects.toThrow(/master\.key does not hold a master key/);
  });
});
