import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memorySigningKeys } from '../../../test/memory-signing-keys.js';
import { DomainError } from '../../domain/domain-error.js';
import { TicketCodes } from '../tickets/ticket-codes.js';
import { type KeyPurpose, type SigningKeySource, type StoredSigningKey, newKeyPair } from './signing-keys.js';
import { TokenService } from './token-service.js';

const refusalOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => (error instanceof DomainError ? `${error.code}: ${error.message}` : error),
  );

describe('TokenService', () => {
  it('refuses an access token once its 15 minutes are over', async () => {
    let now = new Date();
    const service = new TokenService(memorySigningKeys(), { clock: () => now });
    const { token, expiresAt } = await service.issueAccessToken({ accountId: 'acc-1', roles: [] });
    expect(expiresAt.getTime() - now.getTime()).toBeLessThanOrEqual(15 * 60_000);
    now = new Date(now.getTime() + 15 * 60_000 + 1_000);
    expect(await refusalOf(service.verifyAccessToken(token))).toBe('UNAUTHENTICATED: The access token has expired');
  });

  it('refuses a token it verified before once that token expires, or once its key stops verifying', async () => {
    const start = new Date('2030-01-01T00:00:00Z');
    let now = start;
    const keys: StoredSigningKey[] = [];
    const source = { load: async () => [...keys] } satisfies SigningKeySource;
    keys.push({ ...(await newKeyPair('access')), purpose: 'access', signsFrom: start, signsUntil: undefined, verifyUntil: new Date(start.getTime() + 10 * 60_000) });
    const service = new TokenService(source, { clock: () => now });
    const retiring = await service.issueAccessToken({ accountId: 'acc-1', roles: [] });
    await service.verifyAccess(retiring.token);
    now = new Date(start.getTime() + 10 * 60_000);
    expect(await refusalOf(service.verifyAccessToken(retiring.token))).toMatch(/^UNAUTHENTICATED/);

    now = new Date();
    const lasting = new TokenService(memorySigningKeys(), { clock: () => now });
    const { token, expiresAt } = await lasting.issueAccessToken({ accountId: 'acc-1', roles: [] });
    expect((await lasting.verifyAccess(token)).expiresAt).toEqual(expiresAt);
    now = expiresAt;
    expect(await refusalOf(lasting.verifyAccessToken(token))).toBe('UNAUTHENTICATED: The access token has expired');
  });

  it('names the session (the log-in\'s refresh family) a token belongs to, if it was given one', async () => {
    const service = new TokenService(memorySigningKeys());
    const actor = { accountId: 'acc-1', roles: ['staff' as const] };
    const withSession = await service.issueAccessToken(actor, 'family-1');
    expect(await service.verifyAccess(withSession.token)).toEqual({ actor, sessionId: 'family-1', expiresAt: withSession.expiresAt });
    expect((await service.verifyAccess((await service.issueAccessToken(actor)).token)).sessionId).toBeUndefined();
  });

  it('keeps ticket keys apart from access keys', async () => {
    const service = new TokenService(memorySigningKeys());
    const keys = await service.ticketKeys();
    const codes = new TicketCodes(async () => keys);
    const ticket = await codes.sign({ eventId: randomUUID(), registrationId: randomUUID(), attendeeId: 'att-1', version: 1 });
    expect(await codes.read(ticket)).toMatchObject({ attendeeId: 'att-1' });
    expect(keys.publicKeys.map((key) => key.kid)).toEqual([keys.kid]);
    const access = await service.issueAccessToken({ accountId: 'acc-1', roles: [] });
    expect(await codes.read(access.token)).toBeUndefined();
    expect(await refusalOf(service.verifyAccessToken(ticket))).toMatch(/^UNAUTHENTICATED/);
  });

  it('refuses garbage and oversized tokens as malformed', async () => {
    const service = new TokenService(memorySigningKeys());
    expect(await refusalOf(service.verifyAccessToken('abc'))).toBe('UNAUTHENTICATED: The access token is malformed');
    expect(await refusalOf(service.verifyAccessToken('a'.repeat(5000)))).toBe('UNAUTHENTICATED: The access token is malformed');
  });
});

/** Keys another process may add to at any time, and how often they were asked for. */
const sharedKeys = () => {
  const keys: StoredSigningKey[] = [];
  const source = {
    loads: 0,
    failing: false,
    async load() {
      source.loads += 1;
      if (source.failing) throw new Error('database down');
      return [...keys];
    },
  } satisfies SigningKeySource & Record<string, unknown>;
  const add = async (purpose: KeyPurpose, signsFrom: Date) =>
    keys.push({ ...(await newKeyPair(purpose)), purpose, signsFrom, signsUntil: undefined, verifyUntil: undefined });
  return { source, add };
};

describe('TokenService as keys rotate', () => {
  const start = new Date('2030-01-01T00:00:00Z');

  it('loads the keys again once those it has are 5 minutes old, and signs with a new one from its start', async () => {
    let now = start;
    const { source, add } = sharedKeys();
    await add('access', start);
    await add('ticket', start);
    const service = new TokenService(source, { clock: () => now });
    const first = await service.jwks();
    await add('access', new Date(start.getTime() + 6 * 60_000));
    now = new Date(start.getTime() + 4 * 60_000);
    expect(await service.jwks()).toEqual(first);
    now = new Date(start.getTime() + 6 * 60_000);
    expect((await service.jwks()).keys).toHaveLength(3);
    const { token } = await service.issueAccessToken({ accountId: 'acc-1', roles: [] });
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid).toBe((await service.jwks()).keys[0]!.kid);
    expect(source.loads).toBe(2);
  });

  it('asks again for a token naming a kid it does not know, at most once every 10 seconds', async () => {
    let now = start;
    const { source, add } = sharedKeys();
    await add('access', start);
    await add('ticket', start);
    const service = new TokenService(source, { clock: () => now });
    const other = new TokenService(source, { clock: () => now });
    await service.jwks();
    await add('access', new Date(start.getTime() + 1));
    now = new Date(start.getTime() + 1);
    const { token } = await other.issueAccessToken({ accountId: 'acc-1', roles: [] });
    const junk = async () => refusalOf(service.verifyAccessToken(token));
    expect(await junk()).toBe('UNAUTHENTICATED: The access token is not signed by a Rollcall key');
    expect(source.loads).toBe(2);
    now = new Date(start.getTime() + 10_000);
    expect(await service.verifyAccessToken(token)).toEqual({ accountId: 'acc-1', roles: [] });
    expect(source.loads).toBe(3);
  });

  it('keeps the keys it has while the source cannot be reached', async () => {
    let now = start;
    const { source, add } = sharedKeys();
    await add('access', start);
    await add('ticket', start);
    const service = new TokenService(source, { clock: () => now });
    const { token } = await service.issueAccessToken({ accountId: 'acc-1', roles: [] });
    source.failing = true;
    now = new Date(start.getTime() + 6 * 60_000);
    expect(await service.verifyAccessToken(token)).toEqual({ accountId: 'acc-1', roles: [] });
    expect(source.loads).toBe(2);
  });
});
