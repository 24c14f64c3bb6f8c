import { KeyObject, verify } from 'node:crypto';
import { promisify } from 'node:util';
import { type CryptoKey, type JWSHeaderParameters, type JWTPayload, errors } from 'jose';

export interface EdDsaJwtOptions {
  issuer: string;
  audience: string;
  /** The header's `typ`, compared as jose compares it (case-insensitive, `application/` implied). */
  typ?: string;
  requiredClaims?: readonly string[];
  currentDate?: Date;
}

export type EdDsaKeyLookup = (header: JWSHeaderParameters) => CryptoKey | KeyObject | Promise<CryptoKey | KeyObject>;

const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** In libuv's thread pool: the calling thread spends about 15 µs on a check that costs 90. */
const verifyInPool = promisify(verify);

const keyObjects = new WeakMap<CryptoKey, KeyObject>();
const keyObjectOf = (key: CryptoKey | KeyObject): KeyObject => {
  if (key instanceof KeyObject) return key;
  let found = keyObjects.get(key);
  if (!found) keyObjects.set(key, (found = KeyObject.from(key as Parameters<typeof KeyObject.from>[0])));
  return found;
};

const jsonObject = (part: string, invalid: () => Error): Record<string, unknown> => {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(part, 'base64url')));
  } catch {
    throw invalid();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid();
  return value as Record<string, unknown>;
};

const normalizedTyp = (typ: string): string => typ.toLowerCase().replace(/^application\//, '');

const numericDate = (claims: JWTPayload, claim: 'iat' | 'nbf' | 'exp'): number | undefined => {
  const value = claims[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new errors.JWTClaimValidationFailed(`"${claim}" claim must be a number`, claims, claim, 'invalid');
  return value;
};

const unexpected = (claims: JWTPayload, claim: string) =>
  new errors.JWTClaimValidationFailed(`unexpected "${claim}" claim value`, claims, claim, 'check_failed');

/**
 * jose's `jwtVerify` for the EdDSA tokens Rollcall issues, refusing with jose's own errors in
 * the same cases (alg other than EdDSA, any `crit`, `b64: false`, a bad signature, a claims set
 * that is no object, a wrong `typ`, a missing or unexpected `iss`/`aud`, a non-numeric or
 * failed `iat`/`nbf`/`exp`), but checking the signature with node:crypto in libuv's thread
 * pool, without jose's and WebCrypto's layers: the door and the on-sale verify one signature
 * per request, and the event loop is what limits them.
 */
export const verifyEdDsaJwt = async (token: string, keyFor: EdDsaKeyLookup, options: EdDsaJwtOptions): Promise<{ payload: JWTPayload; protectedHeader: JWSHeaderParameters }> => {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) throw new errors.JWSInvalid('Invalid Compact JWS');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = jsonObject(headerPart, () => new errors.JWSInvalid('JWS Protected Header is invalid')) as JWSHeaderParameters;
  if (typeof header.alg !== 'string') throw new errors.JWSInvalid('JWS "alg" (Algorithm) Header Parameter missing or invalid');
  if (header.alg !== 'EdDSA') throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  // Rollcall issues neither; a token that needs them understood is not one of ours.
  if (header.b64 === false) throw new errors.JWTInvalid('JWTs MUST NOT use unencoded payload');
  // Stricter than jose, which understands `crit: ["b64"]`: Rollcall's tokens carry no `crit`.
  if ('crit' in header) throw new errors.JOSENotSupported('Extension Header Parameters are not supported');
  const key = keyObjectOf(await keyFor(header));
  if (key.asymmetricKeyType !== 'ed25519' || key.type !== 'public') throw new errors.JWSSignatureVerificationFailed();
  if (!(await verifyInPool(null, Buffer.from(`${headerPart}.${payloadPart}`), key, Buffer.from(signaturePart, 'base64url')))) throw new errors.JWSSignatureVerificationFailed();

  const claims = jsonObject(payloadPart, () => new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object')) as JWTPayload;
  if (options.typ !== undefined && (typeof header.typ !== 'string' || normalizedTyp(header.typ) !== normalizedTyp(options.typ)))
    throw new errors.JWTClaimValidationFailed('unexpected "typ" JWT header value', claims, 'typ', 'check_failed');
  for (const claim of ['iss', 'aud', ...(options.requiredClaims ?? [])])
    if (!Object.hasOwn(claims, claim)) throw new errors.JWTClaimValidationFailed(`missing required "${claim}" claim`, claims, claim, 'missing');
  if (claims.iss !== options.issuer) throw unexpected(claims, 'iss');
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  if (!audiences.includes(options.audience)) throw unexpected(claims, 'aud');
  const now = Math.floor((options.currentDate ?? new Date()).getTime() / 1_000);
  numericDate(claims, 'iat');
  const nbf = numericDate(claims, 'nbf');
  if (nbf !== undefined && nbf > now) throw new errors.JWTClaimValidationFailed('"nbf" claim timestamp check failed', claims, 'nbf', 'check_failed');
  const exp = numericDate(claims, 'exp');
  if (exp !== undefined && exp <= now) throw new errors.JWTExpired('"exp" claim timestamp check failed', claims, 'exp', 'check_failed');
  return { payload: claims, protectedHeader: header };
};
