import { DomainError } from '../domain-error.js';

/**
 * One email address, claimed by at most one account. Its stream is appended with
 * `no_stream`, so of two sign-ups racing for one address only one can claim it. The
 * stream is named after a hash of the address, and its events hold no address at all.
 */
export type EmailClaim = { status: 'free' } | { status: 'claimed'; accountId: string };

export type EmailClaimed = { type: 'EmailClaimed'; data: { accountId: string; claimedAt: string } };
export type EmailClaimEvent = EmailClaimed;

export type ClaimEmail = { type: 'ClaimEmail'; data: { accountId: string; now: Date } };
export type EmailClaimCommand = ClaimEmail;

export const initialState = (): EmailClaim => ({ status: 'free' });

export const evolve = (state: EmailClaim, event: EmailClaimEvent): EmailClaim =>
  event.type === 'EmailClaimed' && state.status === 'free' ? { status: 'claimed', accountId: event.data.accountId } : state;

export const claimEmail = ({ data }: ClaimEmail, state: EmailClaim): [EmailClaimed] => {
  if (state.status === 'claimed') throw new DomainError('CONFLICT', 'An account with this email address already exists');
  return [{ type: 'EmailClaimed', data: { accountId: data.accountId, claimedAt: data.now.toISOString() } }];
};

export const decide = (command: EmailClaimCommand, state: EmailClaim): EmailClaimEvent[] => {
  switch (command.type) {
    case 'ClaimEmail':
      return claimEmail(command, state);
    default: {
      const unknown: never = command.type;
      throw new DomainError('VALIDATION', `Unknown command ${String(unknown)}`);
    }
  }
};

export const emailClaimDecider = { initialState, evolve, decide };
