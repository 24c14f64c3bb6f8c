import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain-error.js';
import { decide, evolve, initialState, type EmailClaimEvent } from './email-claim.js';

const now = new Date('2030-01-01T12:00:00.000Z');
const claim = { type: 'ClaimEmail' as const, data: { accountId: 'acc-2', now } };
const claimed: EmailClaimEvent = { type: 'EmailClaimed', data: { accountId: 'acc-1', claimedAt: now.toISOString() } };

describe('Claiming an email address', () => {
  it('claims a free address for the account', () =>
    expect(decide(claim, initialState())).toEqual([
      { type: 'EmailClaimed', data: { accountId: 'acc-2', claimedAt: now.toISOString() } },
    ]));

  it('refuses an address claimed by another account', () => {
    const state = [claimed].reduce(evolve, initialState());
    expect(() => decide(claim, state)).toThrow(DomainError);
    expect(() => decide(claim, state)).toThrow(/already exists/);
  });

  it('remembers which account holds the address', () =>
    expect([claimed].reduce(evolve, initialState())).toEqual({ status: 'claimed', accountId: 'acc-1' }));
});
