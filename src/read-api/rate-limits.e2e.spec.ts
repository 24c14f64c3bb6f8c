import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../../test/test-app.js';
import { RATE_LIMITS } from '../rate-limits/limits.js';

/** Rate limits through the API, each made small enough to reach: per network, per address, per device, and the ceiling on every request. */

const MINUTE = 60_000;

const LOG_IN = `mutation ($email: String!, $password: String!) { logIn(email: $email, password: $password) { accessToken } }`;
const SIGN_UP = `mutation ($email: String!, $password: String!, $name: String!) { signUp(email: $email, password: $password, name: $name) { accountId } }`;
const REQUEST_RESET = `mutation ($email: String!) { requestPasswordReset(email: $email) }`;
const RESEND = `mutation ($email: String!) { resendVerification(email: $email) }`;
const CHECK_IN = `mutation ($e: ID!, $s: ID!, $c: String!) { checkIn(eventId: $e, sessionId: $s, code: $c) { result } }`;
const PASSWORD = 'correct horse battery';

/** POST /graphql from `remoteAddress`, as `accessToken` or anonymously: the first error's code, message and extensions, if any. */
const graphqlOn =
  (rollcall: () => TestApp) =>
  async (query: string, variables: Record<string, unknown>, { remoteAddress = '127.0.0.1', accessToken }: { remoteAddress?: string; accessToken?: string } = {}) => {
    const response = await rollcall().app.inject({
      method: 'POST',
      url: '/graphql',
      remoteAddress,
      headers: { 'content-type': 'application/json', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) },
      payload: JSON.stringify({ query, variables }),
    });
    const { data, errors } = response.json();
    return { data, error: errors?.[0] as { message: string; extensions: { code: string; retryAfterSeconds?: number } } | undefined };
  };

describe('Limits per operation', () => {
  let rollcall: TestApp;
  const graphql = graphqlOn(() => rollcall);

  beforeAll(async () => {
    rollcall = await startTestApp({
      rateLimits: {
        signUpsPerNetwork: { ...RATE_LIMITS.signUpsPerNetwork, max: 2 },
        passwordResetsPerNetwork: { ...RATE_LIMITS.passwordResetsPerNetwork, max: 3 },
        passwordResetsPerAddress: { ...RATE_LIMITS.passwordResetsPerAddress, max: 2 },
        verificationResendsPerAddress: { ...RATE_LIMITS.verificationResendsPerAddress, max: 2 },
        scansPerSession: { ...RATE_LIMITS.scansPerSession, max: 3 },
        scansPerAccount: { ...RATE_LIMITS.scansPerAccount, max: 5 },
      },
    });
  });
  afterAll(() => rollcall?.close());

  const signUp = (remoteAddress: string) =>
    graphql(SIGN_UP, { email: `${randomUUID()}@example.org`, password: PASSWORD, name: 'Someone' }, { remoteAddress });

  it('refuses a network\'s sign-ups beyond its limit, saying how long to wait, and lets other networks sign up', async () => {
    expect((await signUp('203.0.113.1')).error).toBeUndefined();
    expect((await signUp('203.0.113.1')).error).toBeUndefined();
    const { error } = await signUp('203.0.113.1');
    expect(error).toMatchObject({ message: expect.stringMatching(/^Too many sign-ups from your network/), extensions: { code: 'RATE_LIMITED' } });
    expect(error!.extensions.retryAfterSeconds).toBeGreaterThan(3_500);
    expect((await signUp('203.0.113.2')).error).toBeUndefined();
  });

  it('refuses reset requests for one address beyond its limit alike, whether or not the address has an account', async () => {
    const known = `known-${randomUUID()}@example.org`;
    await rollcall.app.accounts.createAdmin({ email: known, password: PASSWORD, name: 'Known' });
    const refusals = [];
    for (const [email, remoteAddress] of [
      [known, '198.51.100.1'],
      [`unknown-${randomUUID()}@example.org`, '198.51.100.2'],
    ] as const) {
      for (let i = 0; i < 2; i++) expect((await graphql(REQUEST_RESET, { email }, { remoteAddress })).data).toEqual({ requestPasswordReset: true });
      refusals.push((await graphql(REQUEST_RESET, { email }, { remoteAddress })).error);
    }
    expect(refusals[0]).toMatchObject({ message: expect.stringMatching(/^Too many password reset requests for this address/), extensions: { code: 'RATE_LIMITED' } });
    expect(refusals[1]!.message).toBe(refusals[0]!.message);
  });

  it('refuses a network\'s reset requests beyond its limit, whichever addresses they name', async () => {
    for (let i = 0; i < 3; i++) expect((await graphql(REQUEST_RESET, { email: `${randomUUID()}@example.org` }, { remoteAddress: '198.51.100.3' })).error).toBeUndefined();
    const { error } = await graphql(REQUEST_RESET, { email: `${randomUUID()}@example.org` }, { remoteAddress: '198.51.100.3' });
    expect(error).toMatchObject({ message: expect.stringMatching(/from your network/), extensions: { code: 'RATE_LIMITED' } });
  });

  it('refuses verification mail asked for one address beyond its limit', async () => {
    const email = `unverified-${randomUUID()}@example.org`;
    await graphql(SIGN_UP, { email, password: PASSWORD, name: 'Unverified' }, { remoteAddress: '198.51.100.4' });
    for (let i = 0; i < 2; i++) expect((await graphql(RESEND, { email }, { remoteAddress: `198.51.100.${5 + i}` })).error).toBeUndefined();
    const { error } = await graphql(RESEND, { email }, { remoteAddress: '198.51.100.7' });
    expect(error).toMatchObject({ message: expect.stringMatching(/for this address/), extensions: { code: 'RATE_LIMITED' } });
  });

  it('refuses a device\'s scans beyond its limit, whatever they scan, and an account\'s across its devices', async () => {
    const email = `staff-${randomUUID()}@example.org`;
    await rollcall.app.accounts.createAdmin({ email, password: PASSWORD, name: 'Door' });
    const [door, spare] = [(await graphql(LOG_IN, { email, password: PASSWORD })).data.logIn, (await graphql(LOG_IN, { email, password: PASSWORD })).data.logIn];
    const scan = async (device: { accessToken: string }) =>
      (await graphql(CHECK_IN, { e: randomUUID(), s: randomUUID(), c: 'not a ticket' }, { accessToken: device.accessToken })).error;
    for (let i = 0; i < 3; i++) expect((await scan(door))?.extensions.code).not.toBe('RATE_LIMITED');
    expect(await scan(door)).toMatchObject({ message: expect.stringMatching(/^Too many scans from this device/), extensions: { code: 'RATE_LIMITED' } });
    // The refused scan counted against the account too: its fifth is the spare device's first.
    expect((await scan(spare))?.extensions.code).not.toBe('RATE_LIMITED');
    expect(await scan(spare)).toMatchObject({ message: expect.stringMatching(/^Too many scans by this account/), extensions: { code: 'RATE_LIMITED' } });
  });
});

describe('The ceiling on requests per network', () => {
  let rollcall: TestApp;
  const graphql = graphqlOn(() => rollcall);

  beforeAll(async () => {
    rollcall = await startTestApp({ rateLimits: { requestsPerNetwork: { ...RATE_LIMITS.requestsPerNetwork, max: 3, windowMs: MINUTE } } });
  });
  afterAll(() => rollcall?.close());

  const get = (url: string, remoteAddress = '192.0.2.10') => rollcall.app.inject({ method: 'GET', url, remoteAddress });

  it('answers 429 with the error body and Retry-After once a network is over it, on every route but health and metrics', async () => {
    for (let i = 0; i < 3; i++) expect((await get('/.well-known/jwks.json')).statusCode).toBe(200);
    const refused = await get('/.well-known/jwks.json');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json()).toEqual({ error: expect.stringMatching(/^Too many requests from your network/), code: 'RATE_LIMITED', statusCode: 429 });
    expect((await get('/healthz')).statusCode).toBe(200);
    expect((await get('/metrics')).statusCode).toBe(200);
    expect((await get('/.well-known/jwks.json', '192.0.2.11')).statusCode).toBe(200);
  });

  it('answers GraphQL clients with a GraphQL error', async () => {
    const remoteAddress = '192.0.2.12';
    for (let i = 0; i < 3; i++) await graphql('{ health { status } }', {}, { remoteAddress });
    const refused = await rollcall.app.inject({
      method: 'POST',
      url: '/graphql',
      remoteAddress,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ query: '{ health { status } }' }),
    });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({
      data: null,
      errors: [{ message: expect.stringMatching(/^Too many requests/), extensions: { code: 'RATE_LIMITED', retryAfterSeconds: Number(refused.headers['retry-after']) } }],
    });
  });
});
