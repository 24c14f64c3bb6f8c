import { generateKeyPairSync, sign } from 'node:crypto';
import { type JWTVerifyOptions, SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { type EdDsaJwtOptions, verifyEdDsaJwt } from './eddsa-jwt.js';

const now = new Date('2031-03-04T05:06:07.000Z');
const seconds = Math.floor(now.getTime() / 1_000);
const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
const stranger = await generateKeyPair('EdDSA');
const options: EdDsaJwtOptions = { issuer: 'rollcall', audience: 'rollcall-api', typ: 'at+jwt', requiredClaims: ['exp', 'sub'], currentDate: now };
const joseOptions: JWTVerifyOptions = { ...options, requiredClaims: [...options.requiredClaims!], algorithms: ['EdDSA'] };

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const nodePrivate = generateKeyPairSync('ed25519');
/** A token signed over whatever header and payload text it is given, as an attacker would make one. */
const forged = async (header: unknown, payload: unknown): Promise<string> => {
  const input = `${b64(header)}.${b64(payload)}`;
  const key = (await importJWK(await exportJWK(privateKey), 'EdDSA')) as Parameters<typeof crypto.subtle.sign>[1];
  const signature = Buffer.from(await crypto.subtle.sign('Ed25519', key, Buffer.from(input)));
  return `${input}.${signature.toString('base64url')}`;
};
const claims = { iss: 'rollcall', aud: 'rollcall-api', sub: 'someone', iat: seconds - 10, exp: seconds + 600 };
const header = { alg: 'EdDSA', typ: 'at+jwt' };

const corpus = async (): Promise<[string, string][]> => {
  const good = await new SignJWT({ sub: 'someone' }).setProtectedHeader(header).setIssuer('rollcall').setAudience('rollcall-api').setIssuedAt(now).setExpirationTime(seconds + 60).sign(privateKey);
  const [h, p, s] = good.split('.') as [string, string, string];
  return [
    ['valid', good],
    ['valid, audience in a list', await forged(header, { ...claims, aud: ['other', 'rollcall-api'] })],
    ['valid, typ spelt application/AT+JWT', await forged({ ...header, typ: 'application/AT+JWT' }, claims)],
    ['expired', await forged(header, { ...claims, exp: seconds })],
    ['not yet valid', await forged(header, { ...claims, nbf: seconds + 5 })],
    ['nbf now', await forged(header, { ...claims, nbf: seconds })],
    ['iat a string', await forged(header, { ...claims, iat: 'yesterday' })],
    ['exp a string', await forged(header, { ...claims, exp: String(seconds + 60) })],
    ['no exp', await forged(header, { ...claims, exp: undefined })],
    ['no sub', await forged(header, { ...claims, sub: undefined })],
    ['no iss', await forged(header, { ...claims, iss: undefined })],
    ['wrong iss', await forged(header, { ...claims, iss: 'someone-else' })],
    ['wrong aud', await forged(header, { ...claims, aud: 'rollcall-ticket' })],
    ['aud a number', await forged(header, { ...claims, aud: 7 })],
    ['wrong typ', await forged({ ...header, typ: 'JWT' }, claims)],
    ['no typ', await forged({ alg: 'EdDSA' }, claims)],
    ['alg none', `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`],
    ['alg missing', await forged({ typ: 'at+jwt' }, claims)],
    ['alg HS256', `${b64({ alg: 'HS256', typ: 'at+jwt' })}.${b64(claims)}.${s}`],
    ['crit', await forged({ ...header, crit: ['exp'] }, claims)],
    ['b64 false', await forged({ ...header, b64: false, crit: ['b64'] }, claims)],
    ['payload an array', await forged(header, [claims])],
    ['payload not JSON', await forged(header, 'not json')],
    ['header not JSON', `${b64('nope')}.${p}.${s}`],
    ['payload altered', `${h}.${b64({ ...claims, sub: 'admin' })}.${s}`],
    ['signature altered', `${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`],
    ['signature cut', `${h}.${p}.${s.slice(0, -4)}`],
    ['signature empty', `${h}.${p}.`],
    ['signature 65 bytes', `${h}.${p}.${Buffer.concat([Buffer.from(s, 'base64url'), Buffer.from([0])]).toString('base64url')}`],
    ['signature with a stray character', `${h}.${p}.${s.slice(0, 20)}*${s.slice(20)}`],
    ['two parts', `${h}.${p}`],
    ['four parts', `${good}.${s}`],
    ['empty', ''],
    ['signed by another key', await new SignJWT(claims).setProtectedHeader(header).sign(stranger.privateKey)],
    ['signed with an RSA-sized junk signature', `${h}.${p}.${Buffer.from(sign(null, Buffer.from('x'), nodePrivate.privateKey)).toString('base64url')}`],
  ];
};

const outcome = async (verifying: Promise<{ payload: object }>) => {
  try {
    return { ok: (await verifying).payload };
  } catch (error) {
    return { refused: (error as Error).constructor.name, code: (error as { code?: string }).code };
  }
};

describe('verifyEdDsaJwt', () => {
  it('accepts and refuses exactly what jose\'s jwtVerify does, with jose\'s error for each refusal', async () => {
    const cases = await corpus();
    const outcomes = await Promise.all(
      cases.map(async ([name, token]) => ({
        name,
        ours: await outcome(verifyEdDsaJwt(token, () => publicKey, options)),
        jose: await outcome(jwtVerify(token, publicKey, joseOptions)),
      })),
    );
    for (const { name, ours, jose } of outcomes) expect({ name, ...ours }).toEqual({ name, ...jose });
    expect(outcomes.filter(({ ours }) => 'ok' in ours).map(({ name }) => name)).toEqual(['valid', 'valid, audience in a list', 'valid, typ spelt application/AT+JWT', 'nbf now']);
  });

  it('refuses a key that is not an Ed25519 public key', async () => {
    const token = await new SignJWT(claims).setProtectedHeader(header).sign(privateKey);
    await expect(verifyEdDsaJwt(token, () => privateKey, options)).rejects.toThrow();
  });
});
