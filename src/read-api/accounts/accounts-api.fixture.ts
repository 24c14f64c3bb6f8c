import { expect } from 'vitest';
import { type TestApp, startTestApp } from '../../../test/test-app.js';
import { type MailKind, Outbox } from '../../commands/accounts/outbox.js';
import { EmailClaims } from '../../commands/accounts/email-claims.js';
import { mailWorkersOn, startJobWorkers } from '../../jobs/job-runner.js';

/** What the accounts specs share: the API with mail workers delivering to its outbox, and a GraphQL client of it. */

export const PASSWORD = 'correct horse battery';

export const SIGN_UP = `mutation ($email: String!, $password: String!, $name: String!, $commandId: ID) {
  signUp(email: $email, password: $password, name: $name, commandId: $commandId) { accountId position } }`;

export const VERIFY = `mutation ($token: String!) { verifyEmail(token: $token) { account { id emailVerified roles } position } }`;
export const LOG_IN = `mutation ($email: String!, $password: String!) {
  logIn(email: $email, password: $password) { accessToken expiresAt refreshToken refreshTokenExpiresAt position account { id email name roles emailVerified } } }`;

/** The API on a fresh database, its mail sent by real workers into its outbox. */
export const startAccountsApp = async (options: Parameters<typeof startTestApp>[0] = {}): Promise<TestApp> => {
  const rollcall = await startTestApp(options);
  const { jobs } = rollcall.app;
  const mail = { smtpUrl: undefined, outboxDir: rollcall.outboxDir };
  await startJobWorkers(jobs, mailWorkersOn({ jobs, pool: rollcall.db.pool, store: rollcall.store, keys: rollcall.app.personalData, claims: new EmailClaims(rollcall.store, rollcall.db.masterKey) }, mail, { masterKey: rollcall.db.masterKey }));
  return rollcall;
};

/** Anonymous GraphQL requests, or with an access token, to the app `rollcall` returns once it has started. */
export const accountsClient = (rollcall: () => TestApp) => {
  /** `remoteAddress` is the client's IP as the API sees it (127.0.0.1 unless given). */
  const graphql = (query: string, variables: Record<string, unknown> = {}, accessToken?: string, remoteAddress?: string) =>
    rollcall().app.inject({
      method: 'POST',
      url: '/graphql',
      ...(remoteAddress ? { remoteAddress } : {}),
      headers: { 'content-type': 'application/json', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) },
      payload: JSON.stringify({ query, variables }),
    });

  /** The data of a mutation that must succeed. */
  const ok = async (query: string, variables: Record<string, unknown> = {}, accessToken?: string) => {
    const body = (await graphql(query, variables, accessToken)).json();
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    return body.data;
  };

  /** Mail goes out through the `mail` job, a moment after the mutation: waits for (at least `count` of) it to land. */
  const mailTo = async (to: string, kind: MailKind, count = 1) => {
    const outbox = new Outbox(rollcall().outboxDir);
    for (let tries = 0; ; tries++) {
      const found = (await outbox.messages()).filter((m) => m.to === to && m.kind === kind);
      if (found.length >= count || tries >= 100) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const logIn = async (email: string, password = PASSWORD) => (await ok(LOG_IN, { email, password })).logIn;

  let counter = 0;

  return {
    graphql,
    ok,
    mailTo,
    logIn,

    /** The code and message of a mutation that must fail. */
    refusal: async (query: string, variables: Record<string, unknown> = {}, accessToken?: string) => {
      const body = (await graphql(query, variables, accessToken)).json();
      expect(body.errors?.length, JSON.stringify(body)).toBeGreaterThan(0);
      return { code: body.errors[0].extensions.code as string, message: body.errors[0].message as string };
    },

    /** A signed-up, verified attendee, logged in. */
    anAttendee: async () => {
      const email = `person${++counter}-${Date.now()}@example.org`;
      const { accountId } = (await ok(SIGN_UP, { email, password: PASSWORD, name: 'Person' })).signUp;
      const [mail] = await mailTo(email, 'email-verification');
      await ok(VERIFY, { token: mail!.token });
      return { email, accountId, session: await logIn(email) };
    },
  };
};
