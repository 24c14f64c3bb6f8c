import { SignJWT, UnsecuredJWT, base64url, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/test-app.js';
import { postgresSigningKeys } from '../../commands/accounts/postgres-signing-keys.js';
import { ACCESS_AUDIENCE, ISSUER, TokenService } from '../../commands/accounts/token-service.js';
import { accountStream } from '../../domain/streams.js';
import { LOG_IN, PASSWORD, SIGN_UP, VERIFY, accountsClient, startAccountsApp } from './accounts-api.fixture.js';

/** What the accounts API refuses end to end: forged, expired and misused tokens, and bad input; and the public keys it serves. */

let rollcall: TestApp;
let tokens: TokenService;
let adminToken: string;

beforeAll(async () => {
  rollcall = await startAccountsApp();
  tokens = rollcall.app.tokens;
  await rollcall.app.accounts.createAdmin({ email: 'root@example.org', password: PASSWORD, name: 'Root' });
  adminToken = (await logIn('root@example.org')).accessToken;
});
afterAll(() => rollcall?.close());

const { graphql, refusal, logIn, anAttendee } = accountsClient(() => rollcall);

const REFRESH = `mutation ($refreshToken: String!) { refreshToken(refreshToken: $refreshToken) { accessToken refreshToken expiresAt position } }`;
const LOG_OUT = `mutation ($refreshToken: String!) { logOut(refreshToken: $refreshToken) { position } }`;
const RESET = `mutation ($token: String!, $newPassword: String!) { resetPassword(token: $token, newPassword: $newPassword) { position } }`;
const GRANT = `mutation ($accountId: ID!, $role: AccountRole!) { grantRole(accountId: $accountId, role: $role) { account { id roles } position } }`;

describe('Bad credentials and bad input', () => {
  /** Sends a grantRole with this Authorization header; must be refused with 401 and write nothing. */
  const expectRefusedToken = async (authorization: string, message: RegExp) => {
    const { accountId } = await anAttendee();
    const before = await rollcall.store.readStream(accountStream(accountId));
    const response = await rollcall.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', authorization },
      payload: JSON.stringify({ query: GRANT, variables: { accountId, role: 'admin' } }),
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/invalid_token/);
    expect(response.json()).toEqual({ data: null, errors: [{ message: expect.stringMatching(message), extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(await rollcall.store.readStream(accountStream(accountId))).toEqual(before);
  };

  const adminClaims = async () => {
    const { accountId } = await tokens.verifyAccessToken(adminToken);
    return { sub: accountId, roles: ['admin'] };
  };

  it('refuses a malformed token', () => expectRefusedToken('Bearer not.a.jwt', /malformed/));

  it('refuses an Authorization header that is not a bearer token', () => expectRefusedToken(`Basic ${adminToken}`, /Bearer/));

  it('refuses an expired token', async () => {
    const past = new TokenService(postgresSigningKeys(rollcall.db.pool, { masterKey: rollcall.db.masterKey }), { clock: () => new Date(Date.now() - 16 * 60_000) });
    const expired = await past.issueAccessToken({ accountId: (await adminClaims()).sub, roles: ['admin'] });
    await expectRefusedToken(`Bearer ${expired.token}`, /expired/);
  });

  it('refuses a token signed with another key', async () => {
    const { privateKey } = await generateKeyPair('Ed25519');
    const kid = (await tokens.jwks()).keys[0]!.kid!;
    const forged = await new SignJWT(await adminClaims())
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setAudience(ACCESS_AUDIENCE)
      .setExpirationTime('5m')
      .sign(privateKey);
    await expectRefusedToken(`Bearer ${forged}`, /not signed by a Rollcall key/);
  });

  it('refuses an unsigned (alg: none) token', async () => {
    const unsigned = new UnsecuredJWT(await adminClaims()).setIssuer(ISSUER).setAudience(ACCESS_AUDIENCE).setExpirationTime('5m').encode();
    await expectRefusedToken(`Bearer ${unsigned}`, /EdDSA/);
  });

  it('refuses an HS256 token keyed with our public key', async () => {
    const publicJwk = (await tokens.jwks()).keys[0]!;
    const forged = await new SignJWT(await adminClaims())
      .setProtectedHeader({ alg: 'HS256', kid: publicJwk.kid!, typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setAudience(ACCESS_AUDIENCE)
      .setExpirationTime('5m')
      .sign(base64url.decode(publicJwk.x!));
    await expectRefusedToken(`Bearer ${forged}`, /EdDSA/);
  });

  it('refuses a ticket token used as an access token', async () => {
    const { signingKey, kid } = await tokens.ticketKeys();
    const ticket = await new SignJWT(await adminClaims())
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setAudience(ACCESS_AUDIENCE)
      .setExpirationTime('5m')
      .sign(signingKey);
    await expectRefusedToken(`Bearer ${ticket}`, /not signed by a Rollcall key/);
  });

  it('refuses a bad token on plain HTTP routes too, and lets requests without one through', async () => {
    const refused = await rollcall.app.inject({ method: 'GET', url: '/healthz', headers: { authorization: 'Bearer nope' } });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'UNAUTHENTICATED', statusCode: 401 });
    expect((await rollcall.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('refuses arguments of the wrong type before running anything', async () => {
    const response = await graphql(SIGN_UP, { email: 42, password: PASSWORD, name: 'Typed' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].extensions.code).toBe('GRAPHQL_VALIDATION');
    expect((await refusal(GRANT, { accountId: 'x', role: 'emperor' }, adminToken)).code).toBe('GRAPHQL_VALIDATION');
  });

  it('refuses bad and oversized strings with VALIDATION and writes nothing', async () => {
    const { accountId, email, session } = await anAttendee();
    const before = await rollcall.store.readStream(accountStream(accountId));
    const cases: [string, Record<string, unknown>, string?][] = [
      [SIGN_UP, { email: 'not-an-email', password: PASSWORD, name: 'X' }],
      [SIGN_UP, { email: `${'a'.repeat(300)}@example.org`, password: PASSWORD, name: 'X' }],
      [SIGN_UP, { email: 'short@example.org', password: 'short', name: 'X' }],
      [SIGN_UP, { email: 'long@example.org', password: 'p'.repeat(201), name: 'X' }],
      [SIGN_UP, { email: 'name@example.org', password: PASSWORD, name: 'n'.repeat(101) }],
      [SIGN_UP, { email: 'blank@example.org', password: PASSWORD, name: '   ' }],
      [SIGN_UP, { email: 'cmd@example.org', password: PASSWORD, name: 'X', commandId: 'c'.repeat(101) }],
      [LOG_IN, { email, password: 'p'.repeat(10_000) }],
      [REFRESH, { refreshToken: `${session.refreshToken}${'x'.repeat(500)}` }],
      [LOG_OUT, { refreshToken: 'r'.repeat(100_000) }],
      [RESET, { token: 'whatever', newPassword: 'short' }],
      [VERIFY, { token: 't'.repeat(201) }],
      [GRANT, { accountId: 'not-a-uuid', role: 'staff' }, adminToken],
    ];
    for (const [query, variables, token] of cases)
      expect((await refusal(query, variables, token)).code, JSON.stringify(variables).slice(0, 120)).toBe('VALIDATION');
    expect(await rollcall.store.readStream(accountStream(accountId))).toEqual(before);
    expect((await rollcall.store.readAll()).some((e) => e.type === 'AccountSignedUp' && e.data.name === 'X')).toBe(false);
  });

  it('refuses forged one-time and refresh tokens', async () => {
    const { accountId } = await anAttendee();
    const forged = `${accountId}.${'A'.repeat(43)}`;
    expect((await refusal(VERIFY, { token: forged })).code).toBe('UNAUTHENTICATED');
    expect((await refusal(REFRESH, { refreshToken: forged })).code).toBe('UNAUTHENTICATED');
    expect((await refusal(RESET, { token: forged, newPassword: 'a long enough one' })).code).toBe('UNAUTHENTICATED');
    expect((await refusal(REFRESH, { refreshToken: 'garbage' })).code).toBe('UNAUTHENTICATED');
  });

  it('serves both purposes\' public keys, and no private part, at /.well-known/jwks.json', async () => {
    const response = await rollcall.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(response.statusCode).toBe(200);
    const { keys } = response.json();
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(key.d).toBeUndefined();
    }
  });
});
