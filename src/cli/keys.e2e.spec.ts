import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { runRollcallCli } from '../../test/spawn-rollcall.js';
import { postgresSigningKeys } from '../commands/accounts/postgres-signing-keys.js';

let db: TestDatabase;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  db = await createTestDatabase();
  env = { ...process.env, DATABASE_URL: db.url };
  delete env.EVENTSTORE_URL;
  await postgresSigningKeys(db.pool, { masterKey: db.masterKey }).load();
});
afterAll(async () => db?.close());

const keys = (...args: string[]) => runRollcallCli(['admin', 'keys', ...args], env);

interface Listed {
  kid: string;
  purpose: string;
  state: string;
  signsFrom: string;
  retiredAt?: string;
}

describe('rollcall admin keys', () => {
  it('lists the keys with their times and states, and nothing of their private halves', async () => {
    const listed = await keys('list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^KID +PURPOSE +STATE +CREATED +SIGNS FROM +RETIRED +VERIFIES UNTIL\n/);
    expect(listed.stdout).toMatch(/access-\S+ +access +signing +\S+Z +\S+Z +- +-\n/);
    const json = await keys('list', '--json');
    expect(json.stdout).not.toMatch(/"d"|sealed|private/i);
    expect((JSON.parse(json.stdout) as Listed[]).map(({ purpose, state }) => ({ purpose, state }))).toEqual([
      { purpose: 'access', state: 'signing' },
      { purpose: 'ticket', state: 'signing' },
    ]);
  });

  it('rotates one purpose on request: the new key published, signing a day later; with --now at once', async () => {
    const rotated = await keys('rotate', '--purpose', 'ticket');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/ticket-\S+ +ticket +published /);
    const afterScheduled = JSON.parse((await keys('list', '--json')).stdout) as Listed[];
    const [next, current] = afterScheduled.filter((key) => key.purpose === 'ticket');
    expect(current!.retiredAt).toBe(next!.signsFrom);
    expect(Date.parse(next!.signsFrom) - Date.now()).toBeGreaterThan(23 * 3_600_000);

    expect((await keys('rotate', '--now')).code).toBe(0);
    const states = (JSON.parse((await keys('list', '--json')).stdout) as Listed[]).map(({ purpose, state }) => `${purpose} ${state}`);
    expect(states).toEqual(['access signing', 'access retired', 'ticket signing', 'ticket retired', 'ticket retired']);
  });

  it('refuses a purpose it does not know, and a rotation without the master key', async () => {
    const unknown = await keys('rotate', '--purpose', 'refresh');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("Option '--purpose <purpose>' argument 'refresh' is invalid. Allowed choices are access, ticket. (--help shows the usage)\n");
    const keyless = { ...env };
    delete keyless.ROLLCALL_MASTER_KEY;
    const refused = await runRollcallCli(['admin', 'keys', 'rotate'], keyless);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^Configuration error: ROLLCALL_MASTER_KEY is required with DATABASE_URL[^\n]*\n$/);
  });
});
