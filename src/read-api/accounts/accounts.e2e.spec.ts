import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestApp } from '../../../test/test-app.js';
import { Outbox } from '../../commands/accounts/outbox.js';
import type { TokenService } from '../../commands/accounts/token-service.js';
import { accountStream } from '../../domain/streams.js';
import { MAIL_QUEUE } from '../../jobs/queues.js';
import { LOG_IN, PASSWORD, SIGN_UP, VERIFY, accountsClient, startAccountsApp } from './accounts-api.fixture.js';

/** Accounts end to end, with real mail workers and signing keys. */

let rollcall: TestApp;
let tokens: TokenService;
let outbox: Outbox;
let adminToken: string;

beforeAll(async () => {
  rollcall = await startAccountsApp();
  outbox = new Outbox(rollcall.outboxDir);
  tokens = rollcall.app.tokens;
  await rollcall.app.accounts.createAdmin({ email: 'root@example.org', password: PASSWORD, name: 'Root' });
  adminToken = (await logIn('root@example.org')).accessToken;
});
afterAll(() => rollcall?.close());

const { graphql, ok, refusal, mailTo, logIn, anAttendee } = accountsClient(() => rollcall);

const REFRESH = `mutation ($refreshToken: String!) { refreshToken(refreshToken: $refreshToken) { accessToken refreshToken expiresAt position } }`;
const LOG_OUT = `mutation ($refreshToken: String!) { logOut(refreshToken: $refreshToken) { position } }`;
const REQUEST_RESET = `mutation ($email: String!) { requestPasswordReset(email: $email) }`;
const RESEND = `mutation ($email: String!) { resendVerification(email: $email) }`;
const RESET = `mutation ($token: String!, $newPassword: String!) { resetPassword(token: $token, newPassword: $newPassword) { position } }`;
const GRANT = `mutation ($accountId: ID!, $role: AccountRole!) { grantRole(accountId: $accountId, role: $role) { account { id roles } position } }`;
const REVOKE = `mutation ($accountId: ID!, $role: AccountRole!) { revokeRole(accountId: $accountId, role: $role) { account { id roles } position } }`;
const HEALTH = '{ health { status } }';

describe('An attendee account', () => {
  it('signs up, verifies by mail, logs in, uses, rotates and ends its session', async () => {
    const email = 'Ada@Example.org';
    const signUp = (await ok(SIGN_UP, { email, password: PASSWORD, name: 'Ada' })).signUp;
    expect(signUp.position).toMatch(/^\d+$/);

    expect((await refusal(LOG_IN, { email, password: PASSWORD })).code).toBe('FORBIDDEN');

    const [mail, ...more] = await mailTo('ada@example.org', 'email-verification');
    expect(more).toEqual([]);
    const verified = (await ok(VERIFY, { token: mail!.token })).verifyEmail;
    expect(verified.account).toEqual({ id: signUp.accountId, emailVerified: true, roles: ['attendee'] });

    const session = await logIn(email);
    expect(session.account).toEqual({ id: signUp.accountId, email: 'ada@example.org', name: 'Ada', roles: ['attendee'], emailVerified: true });
    expect(new Date(session.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    expect((await tokens.verifyAccessToken(session.accessToken)).accountId).toBe(signUp.accountId);

    // The token is accepted on a request, and identifies an attendee (who may not grant roles).
    expect((await graphql(HEALTH, {}, session.accessToken)).statusCode).toBe(200);
    expect((await refusal(GRANT, { accountId: signUp.accountId, role: 'admin' }, session.accessToken)).code).toBe('FORBIDDEN');

    const rotated = (await ok(REFRESH, { refreshToken: session.refreshToken })).refreshToken;
    expect(rotated.refreshToken).not.toBe(session.refreshToken);
    expect((await tokens.verifyAccessToken(rotated.accessToken)).accountId).toBe(signUp.accountId);

    // The old token comes back: refused, and the whole family, the new token included, is revoked.
    const reuse = await refusal(REFRESH, { refreshToken: session.refreshToken });
    expect(reuse).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/used already/) });
    expect((await refusal(REFRESH, { refreshToken: rotated.refreshToken })).code).toBe('UNAUTHENTICATED');
    const types = (await rollcall.store.readStream(accountStream(signUp.accountId))).map((e) => e.type);
    expect(types.slice(-3)).toEqual(['LoggedIn', 'RefreshTokenRotated', 'RefreshTokenReuseDetected']);

    const again = await logIn(email);
    expect((await ok(LOG_OUT, { refreshToken: again.refreshToken })).logOut.position).toMatch(/^\d+$/);
    expect((await refusal(REFRESH, { refreshToken: again.refreshToken })).code).toBe('UNAUTHENTICATED');
  });

  it('keeps the address for the first sign-up when a second comes with it, whatever its case (see held-addresses.e2e.spec.ts)', async () => {
    const first = (await ok(SIGN_UP, { email: 'twice@example.org', password: PASSWORD, name: 'One' })).signUp;
    await ok(SIGN_UP, { email: ' TWICE@example.org', password: PASSWORD, name: 'Two' });
    const [mail, ...more] = await mailTo('twice@example.org', 'email-verification');
    expect(more).toEqual([]);
    expect((await ok(VERIFY, { token: mail!.token })).verifyEmail.account.id).toBe(first.accountId);
  });

  it('takes a resent sign-up once and answers it the same', async () => {
    const variables = { email: 'resent@example.org', password: PASSWORD, name: 'Resent', commandId: 'sign-up-resent-1' };
    const first = (await ok(SIGN_UP, variables)).signUp;
    const second = (await ok(SIGN_UP, variables)).signUp;
    expect(second).toEqual(first);
    expect(await mailTo('resent@example.org', 'email-verification')).toHaveLength(1);
    expect(await rollcall.store.readStream(accountStream(first.accountId))).toHaveLength(2);
  });

  it('refuses a wrong password and an unknown address alike', async () => {
    const { email } = await anAttendee();
    const wrong = await refusal(LOG_IN, { email, password: 'not the password' });
    const unknown = await refusal(LOG_IN, { email: 'nobody@example.org', password: PASSWORD });
    expect(wrong).toEqual(unknown);
    expect(wrong.code).toBe('UNAUTHENTICATED');
  });
});

describe('An address nobody can lock out', () => {
  /** Signs up, verifies by mail and logs in, as the address's owner would. */
  const ownerSignsUp = async (email: string) => {
    const { accountId } = (await ok(SIGN_UP, { email, password: PASSWORD, name: 'Owner' })).signUp;
    const [mail] = await mailTo(email, 'email-verification');
    await ok(VERIFY, { token: mail!.token });
    expect((await logIn(email)).account.id).toBe(accountId);
  };

  // Finding 5: these were a 500 after the address's claim was stored, and its owner got CONFLICT for ever.
  it.each([
    ['a lone surrogate in the name', { email: 'victim@example.org', name: 'x\uD800' }, 'victim@example.org'],
    ['a NUL in the email', { email: 'victim-2@example.org\u0000', name: 'X' }, 'victim-2@example.org'],
    ['a lone surrogate in the password', { email: 'victim-3@example.org', name: 'X', password: `${PASSWORD}\uDC00` }, 'victim-3@example.org'],
  ])('refuses a sign-up with %s before storing anything, and the owner then signs up', async (_case, variables, owner) => {
    const before = (await rollcall.store.readAll()).length;
    const refused = await refusal(SIGN_UP, { password: PASSWORD, ...variables });
    expect(refused.code).toBe('VALIDATION');
    expect((await rollcall.store.readAll()).length).toBe(before);
    await ownerSignsUp(owner);
  });

  /** Sends a sign-up whose second append (of its two streams) fails, as a lost connection would. */
  const cutShort = async (variables: Record<string, unknown>) => {
    const append = rollcall.store.append.bind(rollcall.store);
    const secondFails = vi.spyOn(rollcall.store, 'append').mockImplementationOnce(append);
    secondFails.mockImplementationOnce(() => {
      secondFails.mockRestore();
      return Promise.reject(new Error('connection lost between the two appends'));
    });
    expect((await refusal(SIGN_UP, { password: PASSWORD, name: 'Cut', ...variables })).code).toBe('INTERNAL');
    expect(vi.isMockFunction(rollcall.store.append), 'the second append was never tried').toBe(false);
  };

  it('leaves the address to its owner after a sign-up cut short between its two appends', async () => {
    await cutShort({ email: 'cut-short@example.org' });
    await ownerSignsUp('cut-short@example.org');
  });

  it('completes a sign-up cut short between its two appends when it is resent', async () => {
    const variables = { email: 'cut-short-2@example.org', commandId: 'sign-up-cut-short' };
    await cutShort(variables);
    const { accountId } = (await ok(SIGN_UP, { password: PASSWORD, name: 'Cut', ...variables })).signUp;
    // The code the first attempt stored goes out once the address is claimed.
    const [mail, ...more] = await mailTo(variables.email, 'email-verification');
    expect(more).toEqual([]);
    await ok(VERIFY, { token: mail!.token });
    expect((await logIn(variables.email)).account.id).toBe(accountId);
  });
});

describe('Resending the verification code', () => {
  it('mails a new code, and the one before stops working', async () => {
    const email = 'resend@example.org';
    await ok(SIGN_UP, { email, password: PASSWORD, name: 'Resend' });
    // Once it is out: a code superseded before its mail is sent is never sent.
    await mailTo(email, 'email-verification');
    expect((await ok(RESEND, { email: 'Resend@Example.org' })).resendVerification).toBe(true);
    const [first, second] = await mailTo(email, 'email-verification', 2);
    expect((await refusal(VERIFY, { token: first!.token })).code).toBe('UNAUTHENTICATED');
    expect((await ok(VERIFY, { token: second!.token })).verifyEmail.account.emailVerified).toBe(true);
  });

  it('answers true for an unknown address and for a verified one, and queues no mail', async () => {
    const { email } = await anAttendee();
    const queued = async () => {
      const sql = `SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'to' = ANY($2)`;
      return (await rollcall.db.pool.query(sql, [MAIL_QUEUE, [email, 'nobody-here@example.org']])).rows[0].n;
    };
    const before = await queued();
    expect((await ok(RESEND, { email: 'nobody-here@example.org' })).resendVerification).toBe(true);
    expect((await ok(RESEND, { email })).resendVerification).toBe(true);
    expect(await queued()).toBe(before);
  });
});

describe('Password reset', () => {
  it('mails a token, sets the new password with it once, and ends every session', async () => {
    const { email, session } = await anAttendee();
    expect((await ok(REQUEST_RESET, { email })).requestPasswordReset).toBe(true);
    const [mail] = await mailTo(email, 'password-reset');
    await ok(RESET, { token: mail!.token, newPassword: 'a brand new password' });

    expect((await refusal(LOG_IN, { email, password: PASSWORD })).code).toBe('UNAUTHENTICATED');
    await logIn(email, 'a brand new password');
    expect((await refusal(REFRESH, { refreshToken: session.refreshToken })).code).toBe('UNAUTHENTICATED');
    expect((await refusal(RESET, { token: mail!.token, newPassword: 'yet another password' })).code).toBe('UNAUTHENTICATED');
  });

  it('answers true for an unknown address and sends nothing', async () => {
    const before = (await outbox.messages()).length;
    expect((await ok(REQUEST_RESET, { email: 'ghost@example.org' })).requestPasswordReset).toBe(true);
    expect((await outbox.messages()).length).toBe(before);
  });
});

describe('Roles', () => {
  it('lets an admin grant and revoke a role', async () => {
    const { accountId } = await anAttendee();
    const granted = (await ok(GRANT, { accountId, role: 'organizer' }, adminToken)).grantRole;
    expect(granted.account.roles).toEqual(['attendee', 'organizer']);
    expect(granted.position).toMatch(/^\d+$/);
    const revoked = (await ok(REVOKE, { accountId, role: 'organizer' }, adminToken)).revokeRole;
    expect(revoked.account.roles).toEqual(['attendee']);
  });

  it('refuses a grant by a non-admin, and by nobody, and writes nothing', async () => {
    const { accountId, session } = await anAttendee();
    const before = await rollcall.store.readStream(accountStream(accountId));
    expect((await refusal(GRANT, { accountId, role: 'admin' }, session.accessToken)).code).toBe('FORBIDDEN');
    expect((await refusal(GRANT, { accountId, role: 'admin' })).code).toBe('UNAUTHENTICATED');
    expect((await refusal(REVOKE, { accountId, role: 'attendee' }, session.accessToken)).code).toBe('FORBIDDEN');
    expect(await rollcall.store.readStream(accountStream(accountId))).toEqual(before);
  });

  it('refuses a grant to an account that does not exist', async () => {
    expect((await refusal(GRANT, { accountId: '00000000-0000-4000-8000-000000000000', role: 'staff' }, adminToken)).code).toBe('NOT_FOUND');
  });
});
