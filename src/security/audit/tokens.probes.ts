import { type JsonWebKey, createPublicKey, randomUUID } from 'node:crypto';
import { type JWK, SignJWT, UnsecuredJWT, base64url, decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose';
import { DISABLE_ACCOUNT, HEALTH, LOG_IN, LOG_OUT, ME, REFRESH_TOKEN } from './documents.js';
import { type AuditClient, type Exchange, type GraphqlAnswer, asGraphql } from './http-client.js';
import { type Probe, codeOf, eventually, expectField, expectRefusal, expectThat, fail } from './probe.js';
import { type World, currentTicketCode, logIn } from './world.js';

/** What a forged token claims: the admin's account, its roles and its live session, as a real admin token would. */
const adminClaims = (world: World) => {
  const { sid } = decodeJwt(world.admin.accessToken);
  return { sub: world.admin.accountId, roles: ['admin'], ...(typeof sid === 'string' ? { sid } : {}) };
};

/** A token made outside Rollcall, with the issuer, audience and lifetime Rollcall's own carry. */
const forged = (world: World) => new SignJWT(adminClaims(world)).setIssuer('rollcall').setAudience('rollcall-api').setIssuedAt().setJti(randomUUID()).setExpirationTime('5m');

/** The server's public key for `purpose`, as it publishes it; its kids name their purpose (`access-…`, `ticket-…`). */
export const publishedKey = async (client: AuditClient, purpose: 'access' | 'ticket'): Promise<JWK> => {
  const answer = await client.send({ path: '/.well-known/jwks.json' });
  const key = (answer.json as { keys?: JWK[] } | undefined)?.keys?.find((candidate) => candidate.kid?.startsWith(purpose));
  return key ?? fail(`expected an ${purpose} key in /.well-known/jwks.json`, answer);
};

/** A public query with `authorization`: a 401 can only be the token's refusal, never the query's. */
const withAuthorization = async (client: AuditClient, authorization: string): Promise<GraphqlAnswer> =>
  asGraphql(
    await client.send({
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query: HEALTH }),
    }),
  );

/** The API's one answer to a token it does not accept. */
const expectTokenRefused = (answer: GraphqlAnswer): void => {
  expectRefusal(answer, 'UNAUTHENTICATED', 401);
  expectThat(answer.contentType.startsWith('application/json'), 'expected the refusal as JSON', answer);
};

const refusesBearer = (token: (world: World) => Promise<string> | string) => async (world: World) => {
  expectTokenRefused(await withAuthorization(world.client, `Bearer ${await token(world)}`));
};

/** Whether `accessToken` is refused within 10 s; the API checks a session at most every few seconds. */
const refusedWithinTenSeconds = async (client: AuditClient, accessToken: string): Promise<{ refused: boolean; last: Exchange }> => {
  let last: GraphqlAnswer | undefined;
  const refused = await eventually(async () => {
    last = await client.graphql(ME, {}, accessToken);
    return last.status === 401 && codeOf(last) === 'UNAUTHENTICATED' ? true : undefined;
  }, 10_000);
  return { refused: refused === true, last: last! };
};

export const tokenProbes: Probe[] = [
  {
    area: 'tokens',
    name: 'a request without a token is anonymous: public queries answer, `me` is UNAUTHENTICATED',
    run: async ({ client }) => {
      expectField(await client.graphql(HEALTH), 'health');
      expectRefusal(await client.graphql(ME), 'UNAUTHENTICATED');
    },
  },
  {
    area: 'tokens',
    name: 'an Authorization header that is no bearer token, or a bearer of junk, is 401 UNAUTHENTICATED',
    run: async (world) => {
      expectTokenRefused(await withAuthorization(world.client, `Basic ${Buffer.from('admin:admin').toString('base64')}`));
      expectTokenRefused(await withAuthorization(world.client, 'Bearer not.a.jwt'));
      const rest = await world.client.send({ path: '/healthz', headers: { authorization: 'Bearer not.a.jwt' } });
      expectThat(rest.status === 401 && (rest.json as { code?: string } | undefined)?.code === 'UNAUTHENTICATED', 'expected 401 UNAUTHENTICATED in JSON on a REST route too', rest);
    },
  },
  {
    area: 'tokens',
    name: 'an unsigned token (alg: none) claiming admin is 401 UNAUTHENTICATED',
    run: refusesBearer((world) => new UnsecuredJWT(adminClaims(world)).setIssuer('rollcall').setAudience('rollcall-api').setExpirationTime('5m').encode()),
  },
  {
    area: 'tokens',
    name: 'an HS256 token keyed with the JWKS public key (raw bytes, and as PEM) is 401 UNAUTHENTICATED',
    run: async (world) => {
      const jwk = await publishedKey(world.client, 'access');
      const pem = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
      for (const secret of [base64url.decode(jwk.x!), new TextEncoder().encode(String(pem))]) {
        const token = await forged(world).setProtectedHeader({ alg: 'HS256', kid: jwk.kid!, typ: 'at+jwt' }).sign(secret);
        expectTokenRefused(await withAuthorization(world.client, `Bearer ${token}`));
      }
    },
  },
  {
    area: 'tokens',
    name: "a real token whose payload was edited to roles ['admin'] is 401 UNAUTHENTICATED",
    run: refusesBearer(({ organizerA }) => {
      const [header, payload, signature] = organizerA.accessToken.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as { roles: string[] };
      const edited = Buffer.from(JSON.stringify({ ...claims, roles: ['admin', ...claims.roles] })).toString('base64url');
      return `${header}.${edited}.${signature}`;
    }),
  },
  {
    area: 'tokens',
    name: 'a token signed by a foreign key under an unknown kid is 401 UNAUTHENTICATED',
    run: refusesBearer(async (world) => {
      const { privateKey } = await generateKeyPair('Ed25519');
      return forged(world).setProtectedHeader({ alg: 'EdDSA', kid: `access-${randomUUID()}`, typ: 'at+jwt' }).sign(privateKey);
    }),
  },
  {
    area: 'tokens',
    name: "a token signed by a foreign key under the server's own access kid is 401 UNAUTHENTICATED",
    run: refusesBearer(async (world) => {
      const { privateKey } = await generateKeyPair('Ed25519');
      return forged(world).setProtectedHeader({ alg: 'EdDSA', kid: (await publishedKey(world.client, 'access')).kid!, typ: 'at+jwt' }).sign(privateKey);
    }),
  },
  {
    // A token cannot be made to expire from outside before its 15 minutes are up; its lifetime can be read.
    area: 'tokens',
    name: 'an access token is EdDSA-signed and expires at most 15 minutes after it was issued',
    run: async ({ client, attendee }) => {
      const answer = await client.graphql(LOG_IN, { email: attendee.email, password: attendee.password });
      const { accessToken } = expectField<{ accessToken: string }>(answer, 'logIn');
      const header = decodeProtectedHeader(accessToken);
      const { exp, iat } = decodeJwt(accessToken);
      expectThat(header.alg === 'EdDSA' && typeof header.kid === 'string', `expected alg EdDSA and a kid, got ${JSON.stringify(header)}`, answer);
      expectThat(typeof exp === 'number' && typeof iat === 'number' && exp - iat <= 900, `expected exp - iat <= 900 s, got exp ${exp} iat ${iat}`, answer);
      expectThat(exp! * 1000 <= Date.now() + 900_000 + 60_000, `expected exp within 15 minutes (and a minute of clock skew) from now, got ${new Date(exp! * 1000).toISOString()}`, answer);
    },
  },
  {
    area: 'tokens',
    name: 'a refresh token sent as an access token is 401 UNAUTHENTICATED',
    run: refusesBearer(({ attendee }) => attendee.refreshToken),
  },
  {
    area: 'tokens',
    name: 'a ticket code sent as an access token is 401 UNAUTHENTICATED',
    run: refusesBearer(currentTicketCode),
  },
  {
    area: 'tokens',
    name: 'a refresh token works once: sent again after it was exchanged, it is UNAUTHENTICATED',
    run: async ({ client, otherAttendee }) => {
      const { refreshToken } = await logIn(client, otherAttendee.email, otherAttendee.password);
      expectField(await client.graphql(REFRESH_TOKEN, { refreshToken }), 'refreshToken');
      expectRefusal(await client.graphql(REFRESH_TOKEN, { refreshToken }), 'UNAUTHENTICATED');
    },
  },
  {
    area: 'tokens',
    name: "an access token is refused within 10 s of its log-in's logOut, and the account's other log-ins go on",
    run: async ({ client, otherAttendee }) => {
      const second = await logIn(client, otherAttendee.email, otherAttendee.password);
      expectField(await client.graphql(ME, {}, second.accessToken), 'me');
      expectField(await client.graphql(LOG_OUT, { refreshToken: second.refreshToken }), 'logOut');
      const { refused, last } = await refusedWithinTenSeconds(client, second.accessToken);
      expectThat(refused, 'expected 401 UNAUTHENTICATED for the logged-out token within 10 s', last);
      expectField(await client.graphql(ME, {}, otherAttendee.accessToken), 'me');
    },
  },
  {
    area: 'tokens',
    name: "a disabled account's access token is refused within 10 s, and it can log in no more",
    run: async ({ client, admin, toDisable }) => {
      expectField(await client.graphql(DISABLE_ACCOUNT, { accountId: toDisable.accountId }, admin.accessToken), 'disableAccount');
      const { refused, last } = await refusedWithinTenSeconds(client, toDisable.accessToken);
      expectThat(refused, 'expected 401 UNAUTHENTICATED for the disabled account within 10 s', last);
      const again = await client.graphql(LOG_IN, { email: toDisable.email, password: toDisable.password });
      expectThat(['UNAUTHENTICATED', 'FORBIDDEN'].includes(codeOf(again) ?? ''), 'expected the log-in refused', again);
    },
  },
];

export const keyProbes: Probe[] = [
  {
    area: 'keys',
    name: '/.well-known/jwks.json lists public keys only (no d), each with a unique kid',
    run: async ({ client }) => {
      const answer = await client.send({ path: '/.well-known/jwks.json' });
      const keys = (answer.json as { keys?: Record<string, unknown>[] } | undefined)?.keys;
      expectThat(answer.status === 200 && Array.isArray(keys) && keys.length > 0, 'expected 200 with a non-empty keys array', answer);
      // Private members of every key type JWKs know (RFC 7518 section 6).
      const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];
      for (const key of keys!) {
        expectThat(typeof key.kid === 'string' && key.kid.length > 0, `expected every key to have a kid, got ${JSON.stringify(key)}`, answer);
        const leaked = privateMembers.filter((member) => member in key);
        if (leaked.length) fail(`expected no private key material, found ${leaked.join(', ')} in key ${String(key.kid)}`, answer);
      }
      expectThat(new Set(keys!.map((key) => key.kid)).size === keys!.length, 'expected every kid to be unique', answer);
    },
  },
];
