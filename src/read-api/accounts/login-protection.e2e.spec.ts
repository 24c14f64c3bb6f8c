import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../../../test/events.js';
import type { TestApp } from '../../../test/test-app.js';
import { storedAccount } from '../../commands/accounts/stored-accounts.js';
import { accountStream } from '../../domain/streams.js';
import { LOG_IN, PASSWORD, SIGN_UP, accountsClient, startAccountsApp } from './accounts-api.fixture.js';

/**
 * Passwords and log-ins under attack, end to end: hashes upgraded on log-in, guessable
 * passwords refused, and Keycloak-style lockouts, per address and per network, with the
 * failures shown to admins. The guard's clock is the spec's, so waits pass without sleeping.
 */

let rollcall: TestApp;
let now = new Date();
let adminToken: string;

/** Moves the guard's clock on; every log-in here first moves it 2 s, so no two count as a script's quick succession. */
const pass = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

beforeAll(async () => {
  rollcall = await startAccountsApp({ logInClock: () => now });
  await rollcall.app.accounts.createAdmin({ email: 'root@example.org', password: PASSWORD, name: 'Root' });
  adminToken = (await logIn('root@example.org')).accessToken;
});
afterAll(() => rollcall?.close());

const { graphql, ok, refusal, mailTo, logIn, anAttendee } = accountsClient(() => rollcall);

/** A log-in's first error, with its extensions (undefined when it succeeded). */
const attempt = async (email: string, password: string, ip?: string) => {
  pass(2_000);
  const body = (await graphql(LOG_IN, { email, password }, undefined, ip)).json();
  return body.errors?.[0] as { message: string; extensions: { code: string; retryAfterSeconds?: number } } | undefined;
};

const failFiveTimes = async (email: string) => {
  for (let i = 0; i < 5; i++) expect((await attempt(email, 'not the password'))?.extensions.code).toBe('UNAUTHENTICATED');
};

const FAILED_LOGINS = `query ($accountId: ID, $first: Int, $after: String) {
  failedLogins(accountId: $accountId, first: $first, after: $after) { nodes { at accountId addressKey ip reason } pageInfo { endCursor hasNextPage } } }`;
const LOCKOUT = `query ($accountId: ID!) { loginLockout(accountId: $accountId) { failures lockedUntil } }`;
const UNLOCK = `mutation ($accountId: ID!) { unlockLogIn(accountId: $accountId) { account { id } position } }`;
const REQUEST_RESET = `mutation ($email: String!) { requestPasswordReset(email: $email) }`;
const RESET = `mutation ($token: String!, $newPassword: String!) { resetPassword(token: $token, newPassword: $newPassword) { position } }`;

describe('An address after five wrong passwords', () => {
  it('is refused even the right password, unchecked, and told how long to wait', async () => {
    const { email, accountId } = await anAttendee();
    const before = (await rollcall.store.readStream(accountStream(accountId))).length;
    await failFiveTimes(email);

    const refused = await attempt(email, PASSWORD);
    expect(refused).toMatchObject({ message: expect.stringMatching(/^Too many failed log-ins with this email address: try again in \d+ seconds$/) });
    expect(refused?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 58 });
    expect(await rollcall.store.readStream(accountStream(accountId))).toHaveLength(before);
  });

  it('is answered exactly alike when the address has no account', async () => {
    const { email } = await anAttendee();
    /** The same log-in with both addresses, at the same time by the guard's clock. */
    const sideBySide = async (password: string) => {
      const known = await attempt(email, password);
      pass(-2_000);
      return { known, unknown: await attempt('nobody-here@example.org', password) };
    };
    for (let i = 0; i < 5; i++) {
      const { known, unknown } = await sideBySide('not the password');
      expect(unknown).toEqual(known);
    }
    const { known, unknown } = await sideBySide(PASSWORD);
    expect(known?.extensions.code).toBe('RATE_LIMITED');
    expect(unknown).toEqual(known);
  });

  it('logs in with the right password once the wait is over, which forgets the failures', async () => {
    const { email, accountId } = await anAttendee();
    await failFiveTimes(email);
    pass(60_000);
    expect(await attempt(email, PASSWORD)).toBeUndefined();
    expect((await ok(LOCKOUT, { accountId }, adminToken)).loginLockout).toEqual({ failures: 0, lockedUntil: null });
    expect((await attempt(email, 'not the password'))?.extensions.code).toBe('UNAUTHENTICATED');
    expect(await attempt(email, PASSWORD)).toBeUndefined();
  });

  it('waits longer at every fifth failure after the wait', async () => {
    const { email } = await anAttendee();
    await failFiveTimes(email);
    for (let i = 0; i < 5; i++) {
      pass(60_000);
      expect((await attempt(email, 'not the password'))?.extensions.code).toBe('UNAUTHENTICATED');
    }
    expect((await attempt(email, PASSWORD))?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 118 });
  });
});

describe('Failures in quick succession', () => {
  it('lock the address out for a minute after the second', async () => {
    const { email } = await anAttendee();
    expect((await attempt(email, 'not the password'))?.extensions.code).toBe('UNAUTHENTICATED');
    pass(-1_500);
    expect((await attempt(email, 'not the password'))?.extensions.code).toBe('UNAUTHENTICATED');
    expect((await attempt(email, PASSWORD))?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 58 });
  });
});

describe('A network after 100 failures within an hour', () => {
  const network = '203.0.113.9';

  it('is refused for any address, while other networks are not, until the hour is over', async () => {
    const { email } = await anAttendee();
    for (let i = 0; i < 100; i++) expect((await attempt(`stuffed-${i}@example.org`, 'password from a breach', network))?.extensions.code).toBe('UNAUTHENTICATED');

    const refused = await attempt(email, PASSWORD, network);
    expect(refused?.message).toMatch(/^Too many failed log-ins from your network: try again in \d+ seconds$/);
    expect(refused?.extensions.code).toBe('RATE_LIMITED');
    expect(await attempt(email, PASSWORD, '198.51.100.4')).toBeUndefined();

    pass(60 * 60_000);
    expect(await attempt(email, PASSWORD, network)).toBeUndefined();
  });
});

describe('Failed log-ins', () => {
  it('are listed for admins, newest first, by account, without the password', async () => {
    const { email, accountId } = await anAttendee();
    await failFiveTimes(email);
    await attempt(email, PASSWORD);

    const page = (await ok(FAILED_LOGINS, { accountId, first: 4 }, adminToken)).failedLogins;
    expect(page.nodes.map((node: { reason: string }) => node.reason)).toEqual(['locked', 'wrong_password', 'wrong_password', 'wrong_password']);
    expect(page.nodes[0]).toMatchObject({ accountId, ip: '127.0.0.1', addressKey: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(new Set(page.nodes.map((node: { addressKey: string }) => node.addressKey)).size).toBe(1);
    expect(JSON.stringify(page)).not.toContain('not the password');

    const rest = (await ok(FAILED_LOGINS, { accountId, after: page.pageInfo.endCursor }, adminToken)).failedLogins;
    expect(rest.nodes.map((node: { reason: string }) => node.reason)).toEqual(['wrong_password', 'wrong_password']);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it('of an address without an account are listed without one', async () => {
    await attempt('never-signed-up@example.org', PASSWORD);
    const [latest] = (await ok(FAILED_LOGINS, { first: 1 }, adminToken)).failedLogins.nodes;
    expect(latest).toMatchObject({ accountId: null, reason: 'unknown_account' });
  });

  it('are refused to anybody else', async () => {
    const { session } = await anAttendee();
    expect((await refusal(FAILED_LOGINS, {}, session.accessToken)).code).toBe('FORBIDDEN');
    expect((await refusal(FAILED_LOGINS, {})).code).toBe('UNAUTHENTICATED');
  });
});

describe('A lockout', () => {
  it('is shown to an admin, who can lift it, and the log records who did', async () => {
    const { email, accountId } = await anAttendee();
    await failFiveTimes(email);
    const { loginLockout } = await ok(LOCKOUT, { accountId }, adminToken);
    expect(loginLockout).toEqual({ failures: 5, lockedUntil: new Date(now.getTime() + 60_000).toISOString() });

    await ok(UNLOCK, { accountId }, adminToken);
    expect(await attempt(email, PASSWORD)).toBeUndefined();
    const unlocked = (await rollcall.store.readStream(accountStream(accountId))).find((event) => event.type === 'LogInUnlocked');
    expect(unlocked?.metadata.actorId).toBe((await rollcall.app.tokens.verifyAccessToken(adminToken)).accountId);
  });

  it('is lifted by admins only', async () => {
    const { accountId, session } = await anAttendee();
    expect((await refusal(UNLOCK, { accountId }, session.accessToken)).code).toBe('FORBIDDEN');
    expect((await refusal(LOCKOUT, { accountId }, session.accessToken)).code).toBe('FORBIDDEN');
  });
});

describe('A password hash from before Argon2id', () => {
  /** 'correct horse battery' (PASSWORD), hashed by scrypt at N = 2^15 as Rollcall used to. */
  const SCRYPT_HASH = 'scrypt$32768$8$1$fqjuaLVqs_KkbcyDyAzaMA$JTAYt6UzHbK_H6_slliw-Dk9ZJo-WrqsaHQLst1iVwU';

  it('is replaced by Argon2id when its password logs in, and then kept', async () => {
    const { email, accountId } = await anAttendee();
    await rollcall.store.append(accountStream(accountId), [anEvent('PasswordReset', { passwordHash: SCRYPT_HASH, resetAt: new Date().toISOString() })], 'any');

    expect(await attempt(email, PASSWORD)).toBeUndefined();
    const types = (await rollcall.store.readStream(accountStream(accountId))).map((event) => event.type);
    expect(types.slice(-2)).toEqual(['LoggedIn', 'PasswordRehashed']);
    const account = await storedAccount(rollcall.store, accountId);
    expect(account.status === 'active' && account.passwordHash).toMatch(/^\$argon2id\$/);

    expect(await attempt(email, PASSWORD)).toBeUndefined();
    expect((await rollcall.store.readStream(accountStream(accountId))).map((event) => event.type).slice(-2)).toEqual(['PasswordRehashed', 'LoggedIn']);
  });
});

describe('A new password', () => {
  it.each([
    ['one of the most common', 'password123', /most common passwords/],
    ['the email address', 'careless.person@example.org', /must not be your email address/],
    ["the address's part before the @", 'Careless.Person', /must not be your email address/],
  ])('is refused at sign-up when it is %s', async (_case, password, message) => {
    const refused = await refusal(SIGN_UP, { email: 'careless.person@example.org', password, name: 'Careless' });
    expect(refused).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(message) });
    expect(refused.message).not.toContain(password);
  });

  it('is refused at a password reset when it is the email address, and taken otherwise', async () => {
    const { email } = await anAttendee();
    await ok(REQUEST_RESET, { email });
    const [mail] = await mailTo(email, 'password-reset');
    expect(await refusal(RESET, { token: mail!.token, newPassword: email.toUpperCase() })).toMatchObject({
      code: 'VALIDATION',
      message: 'newPassword must not be your email address, nor its part before the @',
    });
    await ok(RESET, { token: mail!.token, newPassword: 'a brand new password' });
  });

  it('is not judged for someone without the reset token, who learns nothing from it', async () => {
    const { email, accountId } = await anAttendee();
    const forged = `${accountId}.${'A'.repeat(43)}`;
    expect(await refusal(RESET, { token: forged, newPassword: email })).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
