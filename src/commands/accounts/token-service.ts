/**
 * JWTs signed with Ed25519 (alg EdDSA), for two purposes with separate keys:
 *
 * - `access`: user access tokens, 15 minutes. Header `typ: at+jwt`; claims `iss: rollcall`,
 *   `aud: rollcall-api`, `sub` = account id, `roles`, `sid` = the log-in's refresh family (its
 *   session, which AccessTokenCheck asks is still alive), `iat`, `exp`, `jti`.
 * - `ticket`: QR tickets. `iss: rollcall`, `aud: rollcall-ticket`.
 *
 * Tickets are signed and read by TicketCodes (src/commands/tickets/ticket-codes.ts) with the
 * keys `ticketKeys()` hands out; the public ones are also served for offline scanners.
 *
 * Verification pins `algorithms: ['EdDSA']`, the issuer and the audience, and only tries the
 * keys of the token's purpose: `alg: none`, HS256 signed with a public key, an access token
 * shown as a ticket (or the reverse) and expired tokens are all refused.
 *
 * Keys come from a `SigningKeySource`: `rollcall.signing_keys`, shared by every process
 * (postgres-signing-keys.ts), or memory in specs without a database. Each TokenService loads
 * them once and keeps them: there is no key rotation yet.
 */
import { randomUUID } from 'node:crypto';
import {
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
  SignJWT,
  createLocalJWKSet,
  errors,
  importJWK,
  jwtVerify,
} from 'jose';
import { type Actor, ROLES, type Role } from '../../domain/actor.js';
import { DomainError } from '../../domain/domain-error.js';
import type { KeyPurpose, SigningKeySource } from './signing-keys.js';

export const ISSUER = 'rollcall';
export const ACCESS_AUDIENCE = 'rollcall-api';
export const TICKET_AUDIENCE = 'rollcall-ticket';
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ACCESS_TOKEN_TYPE = 'at+jwt';
const ALGORITHM = 'EdDSA';
/** Far above any token we issue; refuses to parse megabytes of header. */
const MAX_TOKEN_LENGTH = 4096;

export interface AccessToken {
  token: string;
  expiresAt: Date;
}

/** What a verified access token says. */
export interface VerifiedAccess {
  actor: Actor;
  /** The refresh family of the log-in that issued it; absent on tokens minted for a made-up actor (specs, tools). */
  sessionId: string | undefined;
  expiresAt: Date;
}

/** The raw ticket keys, for code that signs and verifies tickets itself (see ticketKeys()). */
export interface TicketKeys {
  kid: string;
  signingKey: CryptoKey;
  /** Resolves a token's `kid` to one of the ticket public keys (jose's createLocalJWKSet). */
  verificationKeys: JWTVerifyGetKey;
  publicKeys: JWK[];
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

interface KeyRing {
  signing: Record<KeyPurpose, SigningKey>;
  /** Public keys per purpose, newest first. */
  public: Record<KeyPurpose, JWK[]>;
  /** Built once per ring: jose keeps the imported keys inside, so verifying never imports again. */
  verifiers: Record<KeyPurpose, JWTVerifyGetKey>;
}

export interface TokenServiceOptions {
  /** The time tokens are issued and checked at; tests move it. */
  clock?: () => Date;
}

export class TokenService {
  private keys: Promise<KeyRing> | undefined;
  private readonly clock: () => Date;

  constructor(
    private readonly source: SigningKeySource,
    options: TokenServiceOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  async issueAccessToken(actor: Actor, sessionId?: string): Promise<AccessToken> {
    const key = (await this.keyRing()).signing.access;
    const now = Math.floor(this.clock().getTime() / 1000);
    const expiresAt = new Date((now + ACCESS_TOKEN_TTL_SECONDS) * 1000);
    const token = await new SignJWT({ roles: [...actor.roles], ...(sessionId === undefined ? {} : { sid: sessionId }) })
      .setProtectedHeader({ alg: ALGORITHM, kid: key.kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(ISSUER)
      .setAudience(ACCESS_AUDIENCE)
      .setSubject(actor.accountId)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + ACCESS_TOKEN_TTL_SECONDS)
      .sign(key.privateKey);
    return { token, expiresAt };
  }

  async verifyAccessToken(token: string): Promise<Actor> {
    return (await this.verifyAccess(token)).actor;
  }

  /** Signature, issuer, audience and expiry only: whether its session still lives is AccessTokenCheck's question. */
  async verifyAccess(token: string): Promise<VerifiedAccess> {
    const payload = await this.verify(token, 'access', 'access token');
    const { roles, sid } = payload;
    if (
      typeof payload.sub !== 'string' ||
      payload.sub.length === 0 ||
      !Array.isArray(roles) ||
      !roles.every((role): role is Role => (ROLES as readonly unknown[]).includes(role)) ||
      (sid !== undefined && typeof sid !== 'string')
    )
      throw new DomainError('UNAUTHENTICATED', 'The access token is malformed: it lacks a subject or roles');
    // `exp` is a required claim, checked above.
    return { actor: { accountId: payload.sub, roles }, sessionId: sid, expiresAt: new Date(payload.exp! * 1000) };
  }

  async ticketKeys(): Promise<TicketKeys> {
    const ring = await this.keyRing();
    const publicKeys = ring.public.ticket;
    return {
      kid: ring.signing.ticket.kid,
      signingKey: ring.signing.ticket.privateKey,
      verificationKeys: ring.verifiers.ticket,
      publicKeys,
    };
  }

  /** Public keys of every purpose, as served at /.well-known/jwks.json. */
  async jwks(): Promise<JSONWebKeySet> {
    const ring = await this.keyRing();
    return { keys: [...ring.public.access, ...ring.public.ticket] };
  }

  private async verify(token: string, purpose: KeyPurpose, what: string): Promise<JWTPayload> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH)
      throw new DomainError('UNAUTHENTICATED', `The ${what} is malformed`);
    const keys = (await this.keyRing()).verifiers[purpose];
    try {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: purpose === 'access' ? ACCESS_AUDIENCE : TICKET_AUDIENCE,
        ...(purpose === 'access' ? { typ: ACCESS_TOKEN_TYPE, requiredClaims: ['exp', 'sub'] } : {}),
        currentDate: this.clock(),
      });
      return payload;
    } catch (error) {
      throw new DomainError('UNAUTHENTICATED', refusal(error, what));
    }
  }

  private keyRing(): Promise<KeyRing> {
    this.keys ??= loadKeyRing(this.source).catch((error: unknown) => {
      this.keys = undefined; // try again on the next call rather than failing forever
      throw error;
    });
    return this.keys;
  }
}

/** Why jose refused a token, in words a client developer can act on. */
const refusal = (error: unknown, what: string): string => {
  if (error instanceof errors.JWTExpired) return `The ${what} has expired`;
  if (error instanceof errors.JOSEAlgNotAllowed) return `The ${what} must be signed with EdDSA`;
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWSSignatureVerificationFailed)
    return `The ${what} is not signed by a Rollcall key`;
  if (error instanceof errors.JWTClaimValidationFailed) return `The ${what} is not valid: ${error.message}`;
  return `The ${what} is malformed`;
};

const loadKeyRing = async (source: SigningKeySource): Promise<KeyRing> => {
  const ring: Omit<KeyRing, 'verifiers'> = { signing: {} as KeyRing['signing'], public: { access: [], ticket: [] } };
  for (const key of await source.load()) {
    const publicJwk: JWK = { ...key.publicJwk, kid: key.kid, alg: ALGORITHM, use: 'sig' };
    ring.public[key.purpose].push(publicJwk);
    if (!ring.signing[key.purpose]) {
      const privateKey = (await importJWK(key.privateJwk, ALGORITHM)) as CryptoKey;
      ring.signing[key.purpose] = { kid: key.kid, privateKey, publicJwk };
    }
  }
  return {
    ...ring,
    verifiers: { access: createLocalJWKSet({ keys: ring.public.access }), ticket: createLocalJWKSet({ keys: ring.public.ticket }) },
  };
};
