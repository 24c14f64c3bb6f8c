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
 * (postgres-signing-keys.ts), or memory in specs without a database. They rotate
 * (key-schedule.ts), so a TokenService loads them again once those it has are `reloadAfterMs`
 * old, and sooner when a token names a kid it does not know (at most once per
 * `unknownKidReloadMs`, so junk kids cannot make it hammer the database). Which key signs and
 * which verify is decided by the clock at each use, from the times every key carries: all
 * processes switch to a new key at the same moment without talking to each other.
 */
import { randomUUID } from 'node:crypto';
import {
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
  type JWSHeaderParameters,
  type JWTPayload,
  SignJWT,
  errors,
  importJWK,
} from 'jose';
import { type Actor, ROLES, type Role } from '../../domain/actor.js';
import { DomainError } from '../../domain/domain-error.js';
import { type EdDsaKeyLookup, verifyEdDsaJwt } from '../../security/eddsa-jwt.js';
import type { KeyPurpose, SigningKeySource, StoredSigningKey } from './signing-keys.js';

export const ISSUER = 'rollcall';
export const ACCESS_AUDIENCE = 'rollcall-api';
export const TICKET_AUDIENCE = 'rollcall-ticket';
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** How long a TokenService keeps the keys it loaded before it asks again, by default. */
export const KEY_RELOAD_MS = 5 * 60_000;
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
  /** Resolves a token's `kid` to one of the ticket public keys still in force. */
  verificationKeys: EdDsaKeyLookup;
  publicKeys: JWK[];
}

/** A stored key with its halves imported, so signing and verifying never import again. */
interface RingKey extends Omit<StoredSigningKey, 'privateJwk'> {
  publicKey: CryptoKey;
  privateKey: CryptoKey | undefined;
}

export interface TokenServiceOptions {
  /** The time tokens are issued and checked at, and keys chosen and reloaded by; tests move it. */
  clock?: () => Date;
  /** How old the loaded keys may grow before they are loaded again (default 5 minutes). */
  reloadAfterMs?: number;
  /** How soon after a load a token with an unknown kid makes it load again (default 10 s). */
  unknownKidReloadMs?: number;
}

/** Verified access tokens remembered at once; beyond it the memory starts over rather than growing. */
const MAX_VERIFIED = 10_000;

export class TokenService {
  private keys: RingKey[] | undefined;
  private loading: Promise<RingKey[]> | undefined;
  /** When the last load began, by `clock`. */
  private loadedAt = -Infinity;
  private readonly clock: () => Date;
  /** Access tokens verified, by their text, and until when that holds. */
  private readonly verified = new Map<string, { access: VerifiedAccess; until: number }>();
  private readonly reloadAfterMs: number;
  private readonly unknownKidReloadMs: number;

  constructor(
    private readonly source: SigningKeySource,
    options: TokenServiceOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.reloadAfterMs = options.reloadAfterMs ?? KEY_RELOAD_MS;
    this.unknownKidReloadMs = options.unknownKidReloadMs ?? 10_000;
  }

  async issueAccessToken(actor: Actor, sessionId?: string): Promise<AccessToken> {
    const key = await this.signer('access');
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

  /**
   * Signature, issuer, audience and expiry only: whether its session still lives is
   * AccessTokenCheck's question. A token verified before is answered from memory until it
   * expires (or its key stops verifying, or the keys are due to be loaded again): a client
   * sends the same token with every request for 15 minutes, and an Ed25519 check costs more
   * CPU than the rest of a small request.
   */
  async verifyAccess(token: string): Promise<VerifiedAccess> {
    const now = this.clock().getTime();
    const known = this.verified.get(token);
    if (known && now < known.until) return known.access;
    const { payload, key } = await this.verify(token, 'access', 'access token');
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
    const access = { actor: { accountId: payload.sub, roles }, sessionId: sid, expiresAt: new Date(payload.exp! * 1000) };
    if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
    const until = Math.min(access.expiresAt.getTime(), key.verifyUntil?.getTime() ?? Infinity, now + this.reloadAfterMs);
    this.verified.set(token, { access, until });
    return access;
  }

  async ticketKeys(): Promise<TicketKeys> {
    const signing = await this.signer('ticket');
    return {
      kid: signing.kid,
      signingKey: signing.privateKey,
      verificationKeys: async (header) => (await this.verificationKey('ticket', header)).publicKey,
      publicKeys: await this.publicKeys('ticket'),
    };
  }

  /** Public keys of every purpose that still verify, those not signing yet included, as served at /.well-known/jwks.json. */
  async jwks(): Promise<JSONWebKeySet> {
    return { keys: [...(await this.publicKeys('access')), ...(await this.publicKeys('ticket'))] };
  }

  private async verify(token: string, purpose: KeyPurpose, what: string): Promise<{ payload: JWTPayload; key: RingKey }> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH)
      throw new DomainError('UNAUTHENTICATED', `The ${what} is malformed`);
    // Outside the try: keys that cannot be loaded are this server's failure, not a bad token.
    await this.ring();
    let key: RingKey | undefined;
    try {
      const { payload } = await verifyEdDsaJwt(token, async (header) => (key = await this.verificationKey(purpose, header)).publicKey, {
        issuer: ISSUER,
        audience: purpose === 'access' ? ACCESS_AUDIENCE : TICKET_AUDIENCE,
        ...(purpose === 'access' ? { typ: ACCESS_TOKEN_TYPE, requiredClaims: ['exp', 'sub'] } : {}),
        currentDate: this.clock(),
      });
      return { payload, key: key! };
    } catch (error) {
      throw new DomainError('UNAUTHENTICATED', refusal(error, what));
    }
  }

  /**
   * The key of `purpose` signing now: the latest to have started, among those that have not
   * stopped. A clock before every key's start (a spec minting a token in the past) gets the
   * oldest: a purpose's first key has nothing before it.
   */
  private async signer(purpose: KeyPurpose): Promise<{ kid: string; privateKey: CryptoKey }> {
    const now = this.clock();
    const candidates = (await this.ring()).filter(
      (key) => key.purpose === purpose && key.privateKey && !(key.signsUntil && key.signsUntil <= now),
    );
    const signing = candidates.find((key) => key.signsFrom <= now) ?? candidates.at(-1);
    if (!signing?.privateKey) throw new Error(`No ${purpose} key can sign at ${now.toISOString()}`);
    return { kid: signing.kid, privateKey: signing.privateKey };
  }

  private async publicKeys(purpose: KeyPurpose): Promise<JWK[]> {
    const now = this.clock();
    return (await this.ring()).filter((key) => key.purpose === purpose && verifiesAt(key, now)).map((key) => key.publicJwk);
  }

  /** The public key a token names, loading the keys again (rate-limited) when its kid is new to this process. */
  private async verificationKey(purpose: KeyPurpose, header: JWSHeaderParameters): Promise<RingKey> {
    const find = (keys: RingKey[]) => {
      const now = this.clock();
      return keys.find((key) => key.kid === header.kid && key.purpose === purpose && verifiesAt(key, now));
    };
    const found = find(await this.ring());
    if (found) return found;
    if (this.clock().getTime() - this.loadedAt >= this.unknownKidReloadMs) {
      const reloaded = find(await this.reload());
      if (reloaded) return reloaded;
    }
    throw new errors.JWKSNoMatchingKey();
  }

  private async ring(): Promise<RingKey[]> {
    if (this.keys && this.clock().getTime() - this.loadedAt < this.reloadAfterMs) return this.keys;
    return this.reload();
  }

  /**
   * One load at a time. A failed first load fails the call (the next call tries again); a failed
   * reload keeps the keys this process has, until the next reload is due.
   */
  private reload(): Promise<RingKey[]> {
    this.loading ??= (async () => {
      this.loadedAt = this.clock().getTime();
      try {
        this.keys = await importKeys(await this.source.load());
        return this.keys;
      } catch (error) {
        if (this.keys) return this.keys;
        throw error;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}

const verifiesAt = (key: RingKey, now: Date): boolean => !key.verifyUntil || now < key.verifyUntil;

/** Why jose refused a token, in words a client developer can act on. */
const refusal = (error: unknown, what: string): string => {
  if (error instanceof errors.JWTExpired) return `The ${what} has expired`;
  if (error instanceof errors.JOSEAlgNotAllowed) return `The ${what} must be signed with EdDSA`;
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWSSignatureVerificationFailed)
    return `The ${what} is not signed by a Rollcall key`;
  if (error instanceof errors.JWTClaimValidationFailed) return `The ${what} is not valid: ${error.message}`;
  return `The ${what} is malformed`;
};

/** Newest first: the order the JWKS lists them in, and the order a signer is looked for in. */
const importKeys = async (keys: readonly StoredSigningKey[]): Promise<RingKey[]> =>
  (await Promise.all(
    keys.map(async ({ privateJwk, ...key }) => {
      const publicJwk: JWK = { ...key.publicJwk, kid: key.kid, alg: ALGORITHM, use: 'sig' };
      return {
        ...key,
        publicJwk,
        publicKey: (await importJWK(publicJwk, ALGORITHM)) as CryptoKey,
        privateKey: privateJwk ? ((await importJWK(privateJwk, ALGORITHM)) as CryptoKey) : undefined,
      };
    }),
  )).sort((a, b) => b.signsFrom.getTime() - a.signsFrom.getTime());
