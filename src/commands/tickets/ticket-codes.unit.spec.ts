import { randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT, createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { TicketCodes } from './ticket-codes.js';

const claims = { eventId: randomUUID(), registrationId: randomUUID(), attendeeId: 'ann', version: 1 };
let codes: TicketCodes;
let foreign: TicketCodes;

const keysFor = async (kid: string) => {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'EdDSA' };
  return { pair, jwks: createLocalJWKSet({ keys: [jwk] }) };
};

beforeAll(async () => {
  const ours = await keysFor('ticket-1');
  const theirs = await keysFor('ticket-1');
  codes = new TicketCodes(async () => ({ signingKey: ours.pair.privateKey, kid: 'ticket-1', verificationKeys: ours.jwks }));
  // Same kid, another key: what a forger with their own key would send.
  foreign = new TicketCodes(async () => ({ signingKey: theirs.pair.privateKey, kid: 'ticket-1', verificationKeys: theirs.jwks }));
});

describe('ticket codes', () => {
  it('reads back what it signed', async () => {
    expect(await codes.read(await codes.sign(claims))).toEqual(claims);
  });

  it('refuses a code signed with another key', async () => {
    expect(await codes.read(await foreign.sign(claims))).toBeUndefined();
  });

  it('refuses a tampered code', async () => {
    const [header, payload, signature] = (await codes.sign(claims)).split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), ver: 2 })).toString('base64url');
    expect(await codes.read(`${header}.${forged}.${signature}`)).toBeUndefined();
  });

  it('refuses an unsigned (alg: none) code and an HMAC one', async () => {
    const body = { tid: `${claims.eventId}_${claims.registrationId}`, eid: claims.eventId, aid: 'ann', ver: 1 };
    const unsecured = new UnsecuredJWT(body).setIssuer('rollcall').setAudience('rollcall-ticket').encode();
    expect(await codes.read(unsecured)).toBeUndefined();
    const hmac = await new SignJWT(body).setProtectedHeader({ alg: 'HS256', kid: 'ticket-1' }).setIssuer('rollcall').setAudience('rollcall-ticket').sign(new TextEncoder().encode('x'.repeat(32)));
    expect(await codes.read(hmac)).toBeUndefined();
  });

  it('refuses malformed, oversized and non-string input', async () => {
    for (const input of ['', 'not.a.jwt', 'a'.repeat(5_000), 42, null, { token: 'x' }]) expect(await codes.read(input)).toBeUndefined();
  });
});
