import type { ClaimHolder } from '../../domain/account/email-claim.js';
import { UNVERIFIED_CLAIM_TTL_MS, emailClaimDecider } from '../../domain/account/email-claim.js';
import { normaliseEmail } from '../../domain/account/credentials.js';
import type { Actor } from '../../domain/actor.js';
import { DomainError } from '../../domain/domain-error.js';
import type { CommandContext } from '../command-handler.js';
import { deterministicId } from '../deterministic-id.js';
import { type AccountStreams, after } from './account-streams.js';
import type { OutgoingMail } from './outbox.js';
import { accountToken, sha256 } from './secrets.js';
import { storedAccount } from './stored-accounts.js';

/** As long as the address's claim holds for an unverified account: the link never outlives the address. */
export const INVITATION_TTL_MS = UNVERIFIED_CLAIM_TTL_MS;

/**
 * The account an address leads to, for a registration made on its person's behalf: the one
 * that holds it, or the one an invitation would make. `addressKey` is the address's keyed hash,
 * what ids derived from the address are derived from.
 */
export type AddressOwner =
  | { kind: 'holder'; accountId: string; addressKey: string }
  | { kind: 'invitee'; accountId: string; addressKey: string; commandId: string; holder: ClaimHolder | undefined };

/** Who is invited, and to what (the event whose organizer registered them, for the mail). */
export interface Invitee {
  email: string;
  name: string;
  eventTitle: string;
}

/** Sent with the link's code: the mail kind is a reset's, since a reset link is what it is. */
export const invitationMail = (to: Invitee, token: string): OutgoingMail => ({
  kind: 'password-reset',
  to: normaliseEmail(to.email),
  subject: `You are registered for ${to.eventTitle}`,
  text:
    `Hello ${to.name},\n\nthe organizer of ${to.eventTitle} registered you on Rollcall and made you an account with this address.\n` +
    `Set your password with this code within 7 days (as you would reset a password); it confirms your address too:\n\n${token}\n\n` +
    'If you did not expect this, ignore this message: the account stays without a password.\n',
  token,
});

/**
 * Accounts for people an organizer registers who have none (an import of attendees). An
 * invitation is a sign-up without a password, its link a password reset token (see
 * `resetPassword` in the account decider); like a sign-up it stores the account first and the
 * address's claim last, so an invitation cut short leaves the address free.
 *
 * Its ids are derived from the address and from the holder the invitation takes the address
 * over from (none for a free address), so inviting an address again, after a crash or in
 * another import, lands on the same account; an address whose invited account lost it (never
 * verified within 7 days, or erased) gets a new one.
 */
export class Invitations {
  constructor(private readonly streams: AccountStreams) {}

  async ownerOf(email: string, now = this.streams.clock()): Promise<AddressOwner> {
    const { claims, store } = this.streams;
    const addressKey = claims.keyOf(email);
    const claim = await claims.claimOf(email);
    const holder: ClaimHolder | undefined =
      claim.status === 'claimed' ? { accountId: claim.accountId, status: (await storedAccount(store, claim.accountId)).status } : undefined;
    const commandId = deterministicId('invitation', addressKey, holder?.accountId ?? '');
    const accountId = deterministicId('account', commandId, addressKey);
    try {
      emailClaimDecider.decide({ type: 'ClaimEmail', data: { accountId, holder, now } }, claim);
    } catch (error) {
      // The decider refuses a claim only while the address is held.
      if (!(error instanceof DomainError) || !holder) throw error;
      return { kind: 'holder', accountId: holder.accountId, addressKey };
    }
    return { kind: 'invitee', accountId, addressKey, commandId, holder };
  }

  /**
   * The account the address leads to once invited: its holder's, when it has one, else the
   * invited account, its invitation mailed around the append that records its token. `owner`
   * is what `ownerOf` said a moment ago (an import looks every address up first), or looked up now.
   */
  async invite(invitee: Invitee, by: Actor, trace: { correlationId: string }, owner?: AddressOwner): Promise<string> {
    const now = this.streams.clock();
    const found = owner ?? (await this.ownerOf(invitee.email, now));
    if (found.kind === 'holder') return found.accountId;
    const { accountId, commandId, holder } = found;
    const context: CommandContext = { commandId, actorId: by.accountId, correlationId: trace.correlationId, causationId: commandId, now };
    const token = accountToken(accountId);
    const invitation = { tokenHash: sha256(token), expiresAt: after(now, INVITATION_TTL_MS) };
    const command = { type: 'InviteAccount', data: { accountId, email: invitee.email, name: invitee.name, invitation, by, now } } as const;
    // Sent again after a crash, the command is answered from idempotency and its new token never recorded, so only the first mail goes out.
    await this.streams.mailToken(accountId, invitationMail(invitee, token), () => this.streams.handle(accountId, context, command), context);
    try {
      await this.streams.commands.handle(emailClaimDecider, this.streams.claims.streamOf(invitee.email), { type: 'ClaimEmail', data: { accountId, holder, now } }, context);
    } catch (error) {
      // Someone signed up with the address since it was looked at: theirs it is.
      if (!(error instanceof DomainError && error.code === 'CONFLICT')) throw error;
      const again = await this.ownerOf(invitee.email);
      if (again.kind === 'holder') return again.accountId;
      throw error;
    }
    return accountId;
  }
}
