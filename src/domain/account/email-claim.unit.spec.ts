import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../test/decider-spec.js';
import { domainEventOf } from '../decode.js';
import type { Account } from './account.js';
import { type EmailClaimCommand, type EmailClaimEvent, emailClaimDecider, evolve, initialState } from './email-claim.js';

const now = new Date('2030-01-01T12:00:00.000Z');
const days = (n: number) => new Date(now.getTime() + n * 24 * 60 * 60_000);
const iso = (date: Date) => date.toISOString();

const given = (...events: EmailClaimEvent[]) => deciderSpec(emailClaimDecider)(events);

const claimedBy = (accountId: string, at = now): EmailClaimEvent => ({
  type: 'EmailClaimed',
  data: { accountId, claimedAt: iso(at), expiresAt: iso(new Date(at.getTime() + 7 * 24 * 60 * 60_000)) },
});
/** A version-1 claim, stored before unverified claims lapsed (no expiry, never confirmed), decoded as every reader decodes it. */
const claimedInV1 = (accountId: string): EmailClaimEvent =>
  domainEventOf({ type: 'EmailClaimed', data: { accountId, claimedAt: iso(now) }, metadata: { schemaVersion: 1 } });
const confirmedBy = (accountId: string): EmailClaimEvent => ({ type: 'EmailClaimConfirmed', data: { accountId, confirmedAt: iso(now) } });

const claim = (at: Date, holder?: { accountId: string; status: Account['status'] }): EmailClaimCommand => ({
  type: 'ClaimEmail',
  data: { accountId: 'acc-2', holder, now: at },
});
const confirm = (accountId: string): EmailClaimCommand => ({ type: 'ConfirmEmailClaim', data: { accountId, now } });

describe('When the address is free', () => {
  it('claims it for the account, lapsing in 7 days unless verified', () => given().when(claim(now)).then([claimedBy('acc-2')]));

  it('confirms nothing', () => given().when(confirm('acc-1')).thenRefuses('FORBIDDEN'));
});

describe('When an account that has not verified holds the address', () => {
  const unverified = { accountId: 'acc-1', status: 'unverified' } as const;

  it('refuses another sign-up within 7 days', () =>
    given(claimedBy('acc-1')).when(claim(days(6), unverified)).thenRefuses('CONFLICT', /already exists/));

  it('lets another sign-up take the address over after 7 days', () =>
    given(claimedBy('acc-1')).when(claim(days(7), unverified)).then([claimedBy('acc-2', days(7))]));

  it('refuses a takeover judged on another holder than the claim names', () =>
    given(claimedBy('acc-1')).when(claim(days(8), { accountId: 'acc-9', status: 'unverified' })).thenRefuses('CONFLICT'));

  it('refuses a takeover when the holder is disabled', () =>
    given(claimedBy('acc-1')).when(claim(days(8), { accountId: 'acc-1', status: 'disabled' })).thenRefuses('CONFLICT'));

  it('changes nothing for a sign-up resent by the account that holds it', () =>
    given(claimedBy('acc-2')).when(claim(days(1), { accountId: 'acc-2', status: 'unverified' })).then([]));

  it('confirms the claim for its account', () => given(claimedBy('acc-1')).when(confirm('acc-1')).then([confirmedBy('acc-1')]));

  it('refuses to confirm it for an account it was taken from', () =>
    given(claimedBy('acc-1'), claimedBy('acc-2', days(8))).when(confirm('acc-1')).thenRefuses('FORBIDDEN', /no longer holds/));
});

describe('When the holder has verified the address', () => {
  it('never lets it be taken over', () =>
    given(claimedBy('acc-1'), confirmedBy('acc-1'))
      .when(claim(days(365), { accountId: 'acc-1', status: 'unverified' }))
      .thenRefuses('CONFLICT'));

  it('confirms nothing twice', () => given(claimedBy('acc-1'), confirmedBy('acc-1')).when(confirm('acc-1')).then([]));

  it('lets a new sign-up take it at once when the holder was erased', () =>
    given(claimedBy('acc-1'), confirmedBy('acc-1'))
      .when(claim(now, { accountId: 'acc-1', status: 'erased' }))
      .then([claimedBy('acc-2')]));
});

describe('When the claim was stored in schema version 1, before claims lapsed', () => {
  it('never lets it be taken over from an account that verified', () =>
    given(claimedInV1('acc-1')).when(claim(days(365), { accountId: 'acc-1', status: 'active' })).thenRefuses('CONFLICT'));

  it('lets it lapse 7 days after the claim when its account never verified', () => {
    given(claimedInV1('acc-1')).when(claim(days(6), { accountId: 'acc-1', status: 'unverified' })).thenRefuses('CONFLICT');
    given(claimedInV1('acc-1')).when(claim(days(7), { accountId: 'acc-1', status: 'unverified' })).then([claimedBy('acc-2', days(7))]);
  });

  it('frees it at once when its account was never stored (a sign-up that failed after claiming)', () =>
    given(claimedInV1('acc-1')).when(claim(now, { accountId: 'acc-1', status: 'none' })).then([claimedBy('acc-2')]));
});

describe('The claim state', () => {
  it('follows the latest claim', () =>
    expect([claimedBy('acc-1'), confirmedBy('acc-9'), claimedBy('acc-2', days(8))].reduce(evolve, initialState())).toEqual({
      status: 'claimed',
      accountId: 'acc-2',
      expiresAt: iso(days(15)),
      confirmed: false,
    }));
});
