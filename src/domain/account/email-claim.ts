import { DomainError } from '../domain-error.js';
import type { Account } from './account.js';

/**
 * One email address, held by at most one account. The stream is named after a hash of the
 * address, and its events hold no address at all. Every claim is appended at the stream's
 * expected revision, so of two sign-ups racing for one address only one can claim it, and a
 * takeover races a verification on this one stream.
 *
 * An address nobody verifies must not stay locked: a claim whose account has not verified
 * it lapses after seven days, and the next sign-up takes the address over. Verifying
 * confirms the claim here first, so a confirmed claim never lapses.
 */
export const UNVERIFIED_CLAIM_TTL_MS = 7 * 24 * 60 * 60_000;

export type FreeAddress = { status: 'free' };
export type ClaimedAddress = { status: 'claimed'; accountId: string; expiresAt: string; confirmed: boolean };
export type EmailClaim = FreeAddress | ClaimedAddress;

/** Schema version 2: every claim says when it lapses unless its account verifies the address. */
export type EmailClaimed = { type: 'EmailClaimed'; data: { accountId: string; claimedAt: string; expiresAt: string } };
/** The holding account verified the address: its claim never lapses. */
export type EmailClaimConfirmed = { type: 'EmailClaimConfirmed'; data: { accountId: string; confirmedAt: string } };
export type EmailClaimEvent = EmailClaimed | EmailClaimConfirmed;

/**
 * The account that holds the address, as the command side found it. Version-1 claims, written
 * before verification confirmed them, cannot tell on their own whether their account verified.
 */
export type ClaimHolder = { accountId: string; status: Account['status'] };

export type ClaimEmail = { type: 'ClaimEmail'; data: { accountId: string; holder: ClaimHolder | undefined; now: Date } };
export type ConfirmEmailClaim = { type: 'ConfirmEmailClaim'; data: { accountId: string; now: Date } };
export type EmailClaimCommand = ClaimEmail | ConfirmEmailClaim;

export const initialState = (): EmailClaim => ({ status: 'free' });

const plus = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

/**
 * Schema version 1 of `EmailClaimed`, written before unverified claims lapsed: no `expiresAt`.
 * The code that added it went on stamping version 1 until version 2 was named, so a stored
 * version-1 claim may hold one already.
 */
export type EmailClaimedV1 = { accountId: string; claimedAt: string; expiresAt?: string };

/**
 * A version-1 claim lapses as a claim made at its time would now: 7 days after it was made,
 * unless its account verified. Such claims were never confirmed, so whether their account
 * verified is the holder's to tell (`ClaimHolder`), and `lapsed` asks it.
 */
export const emailClaimedFromV1 = (data: EmailClaimedV1): EmailClaimed['data'] => ({
  ...data,
  expiresAt: data.expiresAt ?? plus(data.claimedAt, UNVERIFIED_CLAIM_TTL_MS),
});

export const evolve = (state: EmailClaim, event: EmailClaimEvent): EmailClaim => {
  switch (event.type) {
    case 'EmailClaimed': {
      const { accountId, expiresAt } = event.data;
      // The latest claim holds the address: a later one is a takeover of a lapsed claim.
      return { status: 'claimed', accountId, expiresAt, confirmed: false };
    }
    case 'EmailClaimConfirmed':
      return state.status === 'claimed' && state.accountId === event.data.accountId ? { ...state, confirmed: true } : state;
    default: {
      // An event type this code does not know (written by a newer version) changes nothing here.
      const _unknown: never = event;
      return state;
    }
  }
};

/**
 * Whether a claim no longer holds its address: its account did not verify it in time, was
 * erased, or was never created (sign-ups used to claim first and could fail before the account was stored).
 * A holder the command side saw for another claim than this one tells nothing: the claim holds.
 */
const lapsed = (claim: ClaimedAddress, holder: ClaimHolder | undefined, now: Date): boolean => {
  if (holder?.accountId !== claim.accountId) return false;
  // An erased account gave its address up with its data, verified or not.
  if (holder.status === 'erased') return true;
  if (claim.confirmed) return false;
  if (holder.status === 'none') return true;
  return holder.status === 'unverified' && claim.expiresAt <= now.toISOString();
};

export const claimEmail = ({ data }: ClaimEmail, state: EmailClaim): [EmailClaimed] | [] => {
  // Claimed by this very account already: a sign-up resent after its claim was stored.
  if (state.status === 'claimed' && state.accountId === data.accountId) return [];
  if (state.status === 'claimed' && !lapsed(state, data.holder, data.now))
    throw new DomainError('CONFLICT', 'An account with this email address already exists');
  const claimedAt = data.now.toISOString();
  return [{ type: 'EmailClaimed', data: { accountId: data.accountId, claimedAt, expiresAt: plus(claimedAt, UNVERIFIED_CLAIM_TTL_MS) } }];
};

export const confirmEmailClaim = ({ data }: ConfirmEmailClaim, state: EmailClaim): [EmailClaimConfirmed] | [] => {
  if (state.status !== 'claimed' || state.accountId !== data.accountId)
    throw new DomainError('FORBIDDEN', 'This account no longer holds its email address: it was not verified within 7 days. Sign up again');
  if (state.confirmed) return [];
  return [{ type: 'EmailClaimConfirmed', data: { accountId: data.accountId, confirmedAt: data.now.toISOString() } }];
};

export const decide = (command: EmailClaimCommand, state: EmailClaim): EmailClaimEvent[] => {
  switch (command.type) {
    case 'ClaimEmail':
      return claimEmail(command, state);
    case 'ConfirmEmailClaim':
      return confirmEmailClaim(command, state);
    default: {
      const unknown: never = command;
      throw new DomainError('VALIDATION', `Unknown command ${(unknown as { type: string }).type}`);
    }
  }
};

export const emailClaimDecider = { initialState, evolve, decide };
