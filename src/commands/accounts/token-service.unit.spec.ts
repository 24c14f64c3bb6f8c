import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memorySigningKeys } from '../../../test/memory-signing-keys.js';
import { DomainError } from '../../domain/domain-error.js';
import { TicketCodes } from '../tickets/ticket-codes.js';
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
