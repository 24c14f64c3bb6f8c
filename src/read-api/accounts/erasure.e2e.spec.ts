import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenAccount } from '../../../test/accounts.js';
import type { TestApp } from '../../../test/test-app.js';
import { ERASED } from '../../domain/personal-data.js';
import { accountStream } from '../../domain/streams.js';
import { type Projector, startProjector } from '../../projections/projector.js';
import { PASSWORD, SIGN_UP, VERIFY, accountsClient, startAccountsApp } from './accounts-api.fixture.js';

const ERASE_MINE = `mutation ($password: String!) { eraseMyAccount(password: $password) { accountId erasedAt position } }`;
const ERASE = `mutation ($accountId: ID!) { eraseAccount(accountId: $accountId) { accountId erasedAt position } }`;
const HISTORY = `query ($streamId: String!) { streamHistory(streamId: $streamId) { type data } }`;
const RESET = `mutation ($email: String!) { requestPasswordReset(email: $email) }`;
const LOG_IN = `mutation ($email: String!, $password: String!) { logIn(email: $email, password: $password) { accessToken } }`;

let rollcall: TestApp;
let projector: Projector;
const client = accountsClient(() => rollcall);

beforeAll(async () => {
  // Every request asks whether its session lives, so that an erasure ends it at once.
  rollcall = await startAccountsApp({ sessionCheckCacheMs: 0 });
  projector = await startProjector({ store: rollcall.store, pool: rollcall.db.pool, onFailure: (failure) => console.error('projection failed', failure) });
});
afterAll(async () => {
  await projector?.stop();
  await rollcall?.close();
});

/** A verified person with an address and a name found nowhere else, logged in. */
const aPerson = async () => {
  const tag = randomBytes(6).toString('hex');
  const email = `erase-me-${tag}@example.org`;
  const name = `Zephyrine Quokka ${tag}`;
  const { accountId } = (await client.ok(SIGN_UP, { email, password: PASSWORD, name })).signUp;
  const [mail] = await client.mailTo(email, 'email-verification');
  await client.ok(VERIFY, { token: mail!.token });
  return { email, name, accountId, session: await client.logIn(email) };
};

const anAdmin = async () => {
  const actor = await givenAccount(rollcall.store, { accountId: crypto.randomUUID(), roles: ['admin'] });
  return (await rollcall.app.tokens.issueAccessToken(actor)).token;
};

/** Every row of every table of every schema but PostgreSQL's own that mentions `text`, as `schema.table`. */
const tablesHolding = async (text: string): Promise<string[]> => {
  const { rows: tables } = await rollcall.db.pool.query<{ name: string }>(
    `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  const holding: string[] = [];
  for (const { name } of tables) {
    const { rows } = await rollcall.db.pool.query(`SELECT 1 FROM ${name} t WHERE t::text ILIKE $1 LIMIT 1`, [`%${text}%`]);
    if (rows.length > 0) holding.push(name);
  }
  return holding;
};

const failedLogInsOf = async (accountId: string): Promise<number> =>
  (await rollcall.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM rollcall.failed_logins WHERE account_id = $1`, [accountId])).rows[0]!.n;

const accountRow = async (accountId: string) =>
  (await rollcall.db.pool.query(`SELECT email, name, status FROM rm_accounts.accounts WHERE account_id = $1`, [accountId])).rows[0];

/** Up to 30 s: the projector works beside the API, and on a busy machine may take seconds to apply the erasure. */
const untilErasedInReadModel = async (accountId: string) => {
  for (let tries = 0; tries < 300 && (await accountRow(accountId))?.status !== 'erased'; tries++) await new Promise((r) => setTimeout(r, 100));
};

describe('Erasing your account', () => {
  it('leaves no trace of your address or name anywhere in the database: events, read models, jobs', async () => {
    const person = await aPerson();
    // Mail queued (and delivered, then kept by pg-boss), a failed log-in recorded, a read model row.
    await client.ok(RESET, { email: person.email });
    await client.mailTo(person.email, 'password-reset');
    await client.graphql(LOG_IN, { email: person.email, password: 'not the password at all' });
    // Before: the accounts read model shows it, as it must; the log, the jobs and the rest never hold it in plain.
    expect(await tablesHolding(person.email)).toEqual(['rm_accounts.accounts']);
    expect(await failedLogInsOf(person.accountId)).toBe(1);

    const erased = (await client.ok(ERASE_MINE, { password: PASSWORD }, person.session.accessToken)).eraseMyAccount;
    expect(erased).toMatchObject({ accountId: person.accountId, erasedAt: expect.any(String) });
    await untilErasedInReadModel(person.accountId);

    expect(await accountRow(person.accountId)).toEqual({ email: null, name: null, status: 'erased' });
    expect(await tablesHolding(person.email)).toEqual([]);
    expect(await tablesHolding(person.name)).toEqual([]);
    // Not personal by its text, but by whose it is: where and when they failed to log in.
    expect(await failedLogInsOf(person.accountId)).toBe(0);
  });

  it('shows the erased data as erased when the log is replayed', async () => {
    const person = await aPerson();
    await client.ok(ERASE_MINE, { password: PASSWORD }, person.session.accessToken);
    const history = (await client.ok(HISTORY, { streamId: accountStream(person.accountId) }, await anAdmin())).streamHistory;
    expect(history[0]).toMatchObject({ type: 'AccountSignedUp', data: { accountId: person.accountId, email: ERASED, name: ERASED } });
    expect(history.at(-1)).toMatchObject({ type: 'PersonalDataErased' });
    expect(JSON.stringify(history)).not.toContain(person.email);
  });

  it('ends your sessions and log-ins, and frees your address for a new account', async () => {
    const person = await aPerson();
    await client.ok(ERASE_MINE, { password: PASSWORD }, person.session.accessToken);
    expect((await client.graphql('{ me { id } }', {}, person.session.accessToken)).statusCode).toBe(401);
    expect((await client.refusal(LOG_IN, { email: person.email, password: PASSWORD })).code).toBe('UNAUTHENTICATED');
    const again = (await client.ok(SIGN_UP, { email: person.email, password: PASSWORD, name: 'Someone new' })).signUp;
    expect(again.accountId).not.toBe(person.accountId);
  });

  it('refuses a wrong password and erases nothing', async () => {
    const person = await aPerson();
    expect((await client.refusal(ERASE_MINE, { password: 'not my password at all' }, person.session.accessToken)).code).toBe('UNAUTHENTICATED');
    expect((await client.ok('{ me { email name } }', {}, person.session.accessToken)).me).toEqual({ email: person.email, name: person.name });
  });

  it('refuses anonymous callers', async () => {
    expect((await client.refusal(ERASE_MINE, { password: PASSWORD })).code).toBe('UNAUTHENTICATED');
  });
});

describe("An admin erasing someone's account", () => {
  it('erases it', async () => {
    const person = await aPerson();
    await client.ok(ERASE, { accountId: person.accountId }, await anAdmin());
    await untilErasedInReadModel(person.accountId);
    expect(await accountRow(person.accountId)).toEqual({ email: null, name: null, status: 'erased' });
  });

  it('is refused to anyone but an admin', async () => {
    const person = await aPerson();
    const other = await aPerson();
    expect((await client.refusal(ERASE, { accountId: person.accountId }, other.session.accessToken)).code).toBe('FORBIDDEN');
  });
});
