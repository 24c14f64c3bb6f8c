import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../../../test/events.js';
import type { TestApp } from '../../../test/test-app.js';
import { accountToken } from '../../commands/accounts/secrets.js';
import { WRONG_CREDENTIALS } from '../../domain/account/business-logic.js';
import { accountStream } from '../../domain/streams.js';
import { PASSWORD, SIGN_UP, accountsClient, startAccountsApp } from './accounts-api.fixture.js';

/**
 * What an anonymous caller learns about other people's accounts: from a token that is not the
 * one sent, only that it is invalid; from another caller's command id, nothing.
 */

let rollcall: TestApp;
beforeAll(async () => {
  rollcall = await startAccountsApp();
});
afterAll(() => rollcall?.close());

const { ok, refusal, mailTo, graphql } = accountsClient(() => rollcall);

const VERIFY = `mutation ($token: String!, $commandId: ID) {
  verifyEmail(token: $token, commandId: $commandId) { account { id email name roles emailVerified } position } }`;
const LOG_IN = `mutation ($email: String!, $password: String!, $commandId: ID) {
  logIn(email: $email, password: $password, commandId: $commandId) { accessToken refreshToken account { id email name roles } } }`;
const REFRESH = `mutation ($token: String!) { refreshToken(refreshToken: $token) { accessToken } }`;
const LOG_OUT = `mutation ($token: String!) { logOut(refreshToken: $token) { position } }`;
const RESET = `mutation ($token: String!) { resetPassword(token: $token, newPassword: "a brand new password") { position } }`;

let counter = 0;
/** A signed-up person who has not verified yet: their address, name, account and the token mailed to them. */
const aSignUp = async (commandId?: string) => {
  const n = ++counter;
  const person = { email: `person-${n}-${Date.now()}@example.org`, name: `Person ${randomUUID().slice(0, 8)}` };
  const { accountId } = (await ok(SIGN_UP, { ...person, password: PASSWORD, commandId })).signUp;
  const [mail] = await mailTo(person.email, 'email-verification');
  return { ...person, accountId: accountId as string, token: mail!.token };
};

/** A verified person who has logged in once, with the refresh token of that log-in. */
const aVerifiedPerson = async () => {
  const person = await aSignUp();
  await ok(VERIFY, { token: person.token });
  const { refreshToken } = (await ok(LOG_IN, { email: person.email, password: PASSWORD })).logIn;
  return { ...person, refreshToken: refreshToken as string };
};

/** Whether a response holds anything of `person`'s: their account id, address or name. */
const mentions = (body: unknown, person: { accountId: string; email: string; name: string }) =>
  [person.accountId, person.email, person.name].some((value) => JSON.stringify(body).includes(value));

describe('a token that is not the one sent', () => {
  /** Junk of every shape: not ours, ours naming no account, and real accounts (unverified, verified, disabled) with a wrong secret. */
  const junkTokens = async () => {
    const unverified = await aSignUp();
    const verified = await aVerifiedPerson();
    const disabled = await aVerifiedPerson();
    await rollcall.store.append(accountStream(disabled.accountId), [anEvent('AccountDisabled', { disabledBy: 'admin-1', disabledAt: new Date().toISOString() })], 'any');
    const accounts = [unverified, verified, disabled].map((person) => person.accountId);
    return {
      accounts,
      tokens: ['not-a-token', 'x'.repeat(83), `${randomUUID()}.${'A'.repeat(43)}`, accountToken(randomUUID()), ...accounts.map(accountToken)],
    };
  };

  it.each([
    ['verifyEmail', VERIFY, 'This verification link is not valid'],
    ['resetPassword', RESET, 'This password reset link is not valid'],
    ['refreshToken', REFRESH, 'This refresh token is not valid'],
    ['logOut', LOG_OUT, 'This refresh token is not valid'],
  ])('gets %s one answer, whatever it is and whichever account it names, and changes nothing', async (_, mutation, message) => {
    const { accounts, tokens } = await junkTokens();
    const before = await Promise.all(accounts.map((id) => rollcall.store.readStream(accountStream(id))));
    for (const token of tokens) expect(await refusal(mutation, { token }), token).toEqual({ code: 'UNAUTHENTICATED', message });
    expect(await Promise.all(accounts.map((id) => rollcall.store.readStream(accountStream(id))))).toEqual(before);
  });
});

describe('a command id another anonymous caller used', () => {
  it('never gets a verification answered with someone else’s account', async () => {
    const victim = await aSignUp();
    const verified = (await ok(VERIFY, { token: victim.token, commandId: 'verify-1' })).verifyEmail;
    expect(verified.account).toMatchObject({ id: victim.accountId, email: victim.email, name: victim.name });

    const attacker = await aSignUp();
    for (const token of ['junk', accountToken(randomUUID()), accountToken(victim.accountId)]) {
      const body = (await graphql(VERIFY, { token, commandId: 'verify-1' })).json();
      expect(body.errors[0], token).toMatchObject({ message: 'This verification link is not valid', extensions: { code: 'UNAUTHENTICATED' } });
      expect(mentions(body, victim), token).toBe(false);
    }
    const own = (await graphql(VERIFY, { token: attacker.token, commandId: 'verify-1' })).json();
    expect(own.data.verifyEmail.account).toMatchObject({ id: attacker.accountId, email: attacker.email, emailVerified: true });
    expect(mentions(own, victim)).toBe(false);

    // The victim's own resend is still answered as the first time.
    expect((await ok(VERIFY, { token: victim.token, commandId: 'verify-1' })).verifyEmail).toEqual(verified);
  });

  it('never gets a sign-up answered with someone else’s account', async () => {
    const victim = await aSignUp('sign-up-1');
    const attacker = { email: `attacker-${Date.now()}@example.org`, name: 'Mallory' };
    const body = (await graphql(SIGN_UP, { ...attacker, password: PASSWORD, commandId: 'sign-up-1' })).json();
    expect(body.errors).toBeUndefined();
    expect(mentions(body, victim)).toBe(false);
    const [mail] = await mailTo(attacker.email, 'email-verification');
    expect((await ok(VERIFY, { token: mail!.token })).verifyEmail.account).toMatchObject({ id: body.data.signUp.accountId, email: attacker.email });
  });

  it('never gets a log-in answered with someone else’s session', async () => {
    const victim = await aVerifiedPerson();
    const attacker = await aVerifiedPerson();
    expect((await ok(LOG_IN, { email: victim.email, password: PASSWORD, commandId: 'log-in-1' })).logIn.account.id).toBe(victim.accountId);

    const guessed = (await graphql(LOG_IN, { email: victim.email, password: 'not the password', commandId: 'log-in-1' })).json();
    expect(guessed.errors[0]).toMatchObject({ message: WRONG_CREDENTIALS, extensions: { code: 'UNAUTHENTICATED' } });
    const own = (await graphql(LOG_IN, { email: attacker.email, password: PASSWORD, commandId: 'log-in-1' })).json();
    expect(own.data.logIn.account).toMatchObject({ id: attacker.accountId, email: attacker.email });
    expect(mentions([guessed, own], victim)).toBe(false);

    // The victim's own resend is known for one: a session is handed out once.
    expect((await refusal(LOG_IN, { email: victim.email, password: PASSWORD, commandId: 'log-in-1' })).code).toBe('CONFLICT');
  });
});
