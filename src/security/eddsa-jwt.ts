import { KeyObject } from 'node:crypto';
import { type CryptoKey, type JWSHeaderParameters, type JWTPayload, errors } from 'jose';
import sodium from 'sodium-native';

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
/**
 * A public Ed25519 key's 32 bytes, or undefined for any other key. libsodium checks a signature
 * in 40 µs where OpenSSL 3.0 (node:crypto) takes 87, and the check is most of a small request's
 * CPU: the on-sale verifies one access token per registration, the door one ticket per scan.
 */
const rawKeys = new WeakMap<CryptoKey | KeyObject, Buffer | undefined>();
const rawPublicKeyOf = (key: CryptoKey | KeyObject): Buffer | undefined => {
  if (rawKeys.has(key)) return rawKeys.get(key);
  const keyObject = key instanceof KeyObject ? key : KeyObject.from(key as Parameters<typeof KeyObject.from>[0]);
  const raw = keyObject.type === 'public' && keyObject.asymmetricKeyType === 'ed25519' ? Buffer.from(keyObject.export({ format: 'jwk' }).x!, 'base64url') : undefined;
  rawKeys.set(key, raw);
  return raw;
};

const SIGNATURE_BYTES = 64;

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
 * failed `iat`/`nbf`/`exp`), but checking the signature with libsodium, without jose's and
 * WebCrypto's layers: the door and the on-sale verify one signature per request.
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
  const key = rawPublicKeyOf(await keyFor(header));
  const signature = Buffer.from(signaturePart, 'base64url');
  if (!key || signature.length !== SIGNATURE_BYTES || !sodium.crypto_sign_verify_detached(signature, Buffer.from(`${headerPart}.${payloadPart}`), key))
    throw new errors.JWSSignatureVerificationFailed();

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
