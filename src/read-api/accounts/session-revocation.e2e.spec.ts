import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/test-app.js';
import { LOG_IN, PASSWORD, accountsClient, startAccountsApp } from './accounts-api.fixture.js';

/** Access tokens die with their session, within the session check's cache time (shortened here). */

const CACHE_MS = 300;

let rollcall: TestApp;
let admin: { accountId: string; accessToken: string };

beforeAll(async () => {
  rollcall = await startAccountsApp({ sessionCheckCacheMs: CACHE_MS });
  const { accountId } = await rollcall.app.accounts.createAdmin({ email: 'root@example.org', password: PASSWORD, name: 'Root' });
  admin = { accountId, accessToken: (await logIn('root@example.org')).accessToken };
});
afterAll(() => rollcall?.close());

const { graphql, ok, refusal, mailTo, logIn, anAttendee } = accountsClient(() => rollcall);

const HEALTH = '{ health { status } }';
const REFRESH = `mutation ($refreshToken: String!) { refreshToken(refreshToken: $refreshToken) { accessToken } }`;
const LOG_OUT = `mutation ($refreshToken: String!) { logOut(refreshToken: $refreshToken) { position } }`;
const REQUEST_RESET = `mutation ($email: String!) { requestPasswordReset(email: $email) }`;
const RESET = `mutation ($token: String!, $newPassword: String!) { resetPassword(token: $token, newPassword: $newPassword) { position } }`;
const GRANT = `mutation ($accountId: ID!, $role: AccountRole!) { grantRole(accountId: $accountId, role: $role) { position } }`;
const REVOKE = `mutation ($accountId: ID!, $role: AccountRole!) { revokeRole(accountId: $accountId, role: $role) { position } }`;
const DISABLE = `mutation ($accountId: ID!) { disableAccount(accountId: $accountId) { account { id } position } }`;

/** Whether a request with the token is let in: 200, or refused as a 401 UNAUTHENTICATED. */
const accepted = async (accessToken: string): Promise<boolean> => {
  const response = await graphql(HEALTH, {}, accessToken);
  if (response.statusCode === 200) return true;
  expect(response.statusCode).toBe(401);
  expect(response.json().errors[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringMatching(/session has ended/) });
  return false;
};

/** Past the time a session found alive is remembered. */
const cacheLapses = () => new Promise((resolve) => setTimeout(resolve, CACHE_MS + 100));

describe('An access token', () => {
  it('is refused once its log-in is logged out, while the account\'s other log-ins go on', async () => {
    const { email, session } = await anAttendee();
    const other = await logIn(email);
    expect(await accepted(session.accessToken)).toBe(true);
    await ok(LOG_OUT, { refreshToken: session.refreshToken });
    await cacheLapses();
    expect(await accepted(session.accessToken)).toBe(false);
    expect(await accepted(other.accessToken)).toBe(true);
  });

  it('is refused after a password reset, and a new log-in works at once', async () => {
    const { email, session } = await anAttendee();
    const refreshed = (await ok(REFRESH, { refreshToken: session.refreshToken })).refreshToken;
    expect(await accepted(refreshed.accessToken)).toBe(true);
    await ok(REQUEST_RESET, { email });
    const [mail] = await mailTo(email, 'password-reset');
    await ok(RESET, { token: mail!.token, newPassword: 'a brand new password' });
    await cacheLapses();
    expect(await accepted(session.accessToken)).toBe(false);
    expect(await accepted(refreshed.accessToken)).toBe(false);
    expect(await accepted((await logIn(email, 'a brand new password')).accessToken)).toBe(true);
  });

  it('is refused once its roles are no longer the account\'s; a refreshed one carries the new roles', async () => {
    const { email, accountId } = await anAttendee();
    await ok(GRANT, { accountId, role: 'organizer' }, admin.accessToken);
    const organizer = await logIn(email);
    expect(await accepted(organizer.accessToken)).toBe(true);
    await ok(REVOKE, { accountId, role: 'organizer' }, admin.accessToken);
    await cacheLapses();
    expect(await accepted(organizer.accessToken)).toBe(false);
    const refreshed = (await ok(REFRESH, { refreshToken: organizer.refreshToken })).refreshToken;
    expect(await rollcall.app.tokens.verifyAccessToken(refreshed.accessToken)).toEqual({ accountId, roles: ['attendee'] });
    expect(await accepted(refreshed.accessToken)).toBe(true);
  });
});

describe('disableAccount', () => {
  it('lets an admin disable an account: its tokens are refused and it can no longer log in', async () => {
    const { email, accountId, session } = await anAttendee();
    expect(await accepted(session.accessToken)).toBe(true);
    const disabled = (await ok(DISABLE, { accountId }, admin.accessToken)).disableAccount;
    expect(disabled.account.id).toBe(accountId);
    await cacheLapses();
    expect(await accepted(session.accessToken)).toBe(false);
    expect((await refusal(REFRESH, { refreshToken: session.refreshToken })).code).toBe('UNAUTHENTICATED');
    expect(await refusal(LOG_IN, { email, password: PASSWORD })).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/disabled/) });
  });

  it('refuses a non-admin, an anonymous caller and an admin disabling themselves', async () => {
    const { accountId, session } = await anAttendee();
    expect((await refusal(DISABLE, { accountId }, session.accessToken)).code).toBe('FORBIDDEN');
    expect((await refusal(DISABLE, { accountId })).code).toBe('UNAUTHENTICATED');
    expect((await refusal(DISABLE, { accountId: admin.accountId }, admin.accessToken)).code).toBe('FORBIDDEN');
    expect(await accepted(session.accessToken)).toBe(true);
    expect(await accepted(admin.accessToken)).toBe(true);
  });
});
