import type { Account, AccountEvent, ExistingAccount } from '../../domain/account/account.js';
import { initialState, isExisting } from '../../domain/account/account.js';
import { type VerifyEmail, accountDecider, invalidToken } from '../../domain/account/business-logic.js';
import { normaliseEmail } from '../../domain/account/credentials.js';
import { type ClaimEmail, emailClaimDecider } from '../../domain/account/email-claim.js';
import { DomainError } from '../../domain/domain-error.js';
import type { Position } from '../../eventstore/position.js';
import { SIGN_UP_ATTEMPT_NOTICE_WINDOW_MS } from '../../rate-limits/limits.js';
import type { CommandResult } from '../command-handler.js';
import { deterministicId } from '../deterministic-id.js';
import { IdempotencyKeys } from '../idempotency-keys.js';
import { signUpAttemptMail, verificationMail } from './account-mail.js';
import { type AccountStreams, type AccountView, type Request, after, positionOf, view } from './account-streams.js';
import type { OutgoingMail } from './outbox.js';
import { checkNewPassword } from './password-policy.js';
import { hashPassword } from './passwords.js';
import { accountOfToken, accountToken, sha256 } from './secrets.js';
import { storedAccount } from './stored-accounts.js';

export const EMAIL_VERIFICATION_TTL_MS = 24 * 60 * 60_000;

/** What a sign-up came to: a new account with its verification token, or nothing stored, as the address is held. */
export type Registration =
  | { outcome: 'registered'; accountId: string; token: string; result: CommandResult<Account, AccountEvent> }
  | { outcome: 'held'; accountId: string; holder: string; refusal: DomainError };

/**
 * Signing up and verifying the address.
 *
 * Sign-up and verification each touch two streams, the account and its address's claim, and
 * a failure between the two appends must leave nothing that blocks a retry. Sign-up stores
 * the account first and the claim last: a sign-up cut short leaves an account nobody can
 * reach by its address, and the address free. Verification confirms the claim first: a
 * verification cut short leaves a confirmed claim that its own resend completes.
 */
export class SignUps {
  /** Binds the requests of sign-ups with a held address, which append nothing else. */
  private readonly keys: IdempotencyKeys;

  constructor(private readonly streams: AccountStreams) {
    this.keys = new IdempotencyKeys(streams.store);
  }

  /**
   * Creates an attendee account and mails its verification code. With an address that has an
   * account already it answers just the same (see `noticeOfHeldAddress`), so that nobody
   * learns which addresses have one, and the address's owner is told instead.
   */
  async signUp(input: { email: string; password: string; name: string }, request: Request): Promise<{ accountId: string; position: Position }> {
    const email = normaliseEmail(input.email);
    const registration = await this.register(input, request, (token) => verificationMail({ email, name: input.name }, token));
    if (registration.outcome === 'registered') return { accountId: registration.accountId, position: positionOf(registration.result) };
    return { accountId: registration.accountId, position: await this.noticeOfHeldAddress(email, registration.holder, registration.accountId, request) };
  }

  /** Mails a new verification token if the address's account has not verified it yet; says nothing either way. */
  resendVerification(input: { email: string }, request: Request): Promise<void> {
    return this.streams.mailFreshToken(input.email, request, (account, token, now) => ({
      mail: verificationMail(account, token),
      command: {
        type: 'RequestEmailVerification',
        data: { verification: { tokenHash: sha256(token), expiresAt: after(now, EMAIL_VERIFICATION_TTL_MS) }, now },
      },
    }));
  }

  async verifyEmail(input: { token: string }, request: Request): Promise<{ account: AccountView; position: Position }> {
    const accountId = accountOfToken(input.token);
    const account = accountId ? await storedAccount(this.streams.store, accountId) : initialState();
    if (!accountId || !isExisting(account)) throw invalidToken('verification link');
    const now = this.streams.clock();
    const context = this.streams.context(request, accountId, now);
    const verify: VerifyEmail = { type: 'VerifyEmail', data: { tokenHash: sha256(input.token), now } };
    const claim = await this.streams.claims.claimOf(account.email);
    // Whoever merely knows an account id must not confirm its claim, which would then never
    // lapse: the token is judged first, unless the claim is confirmed already (a resend).
    if (!(claim.status === 'claimed' && claim.accountId === accountId && claim.confirmed)) accountDecider.decide(verify, account);
    // The claim first, at its revision: of a verification and a takeover racing for the
    // address only one can win there, and an account that lost its address cannot verify.
    await this.streams.commands.handle(emailClaimDecider, this.streams.claims.streamOf(account.email), { type: 'ConfirmEmailClaim', data: { accountId, now } }, context);
    const result = await this.streams.handle(accountId, context, verify);
    return { account: view(result.state as ExistingAccount), position: positionOf(result) };
  }

  /**
   * Creates the account, then claims the address; returns the verification token it minted,
   * or, when the address is held, its holder, having stored nothing.
   */
  async register(
    input: { email: string; password: string; name: string },
    request: Request,
    /** The verification mail to send; none for an account verified at once. */
    verificationMail?: (token: string) => OutgoingMail,
  ): Promise<Registration> {
    const email = normaliseEmail(input.email);
    // First, so that a password too easy to guess costs no look-up and no hash.
    checkNewPassword(input.password, { email, name: input.name });
    // Derived from the command id, so a resent sign-up lands on the account the first one created;
    // and from the address's keyed hash, since the command id is in the log and an erased
    // person's address must not be guessable from the two.
    const accountId = deterministicId('account', request.commandId, this.streams.claims.keyOf(email));
    const now = this.streams.clock();
    const context = this.streams.context(request, accountId, now);
    // Before the address is looked at, so that a held address costs the hash a free one does.
    const passwordHash = await hashPassword(input.password);
    const claim = await this.claimFor(email, accountId, now);
    if ('holder' in claim) return { outcome: 'held', accountId, ...claim };
    const token = accountToken(accountId);
    const verification = { tokenHash: sha256(token), expiresAt: after(now, EMAIL_VERIFICATION_TTL_MS) };
    const signUpThenClaim = async () => {
      const result = await this.streams.handle(accountId, context, {
        type: 'SignUp',
        data: { accountId, email, name: input.name, passwordHash, verification, now },
      });
      // Last, because it is what blocks the address: nothing can fail after it.
      await this.streams.commands.handle(emailClaimDecider, this.streams.claims.streamOf(email), claim.claim, context);
      return result;
    };
    try {
      const result = verificationMail ? await this.streams.mailToken(accountId, verificationMail(token), signUpThenClaim, context) : await signUpThenClaim();
      return { outcome: 'registered', accountId, token, result };
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'CONFLICT')) throw error;
      // Another sign-up claimed the address since it was looked at: held after all, like the
      // address of a sign-up cut short (the account stored is one nobody reaches by its address).
      const again = await this.claimFor(email, accountId, now);
      if ('holder' in again) return { outcome: 'held', accountId, ...again };
      throw error;
    }
  }

  /**
   * The claim a sign-up appends, or the account that holds the address and the claim's
   * refusal, judged before anything is stored so that a taken address leaves no account
   * behind. Decided again when appended, at the claim stream's revision, which settles a race
   * with another sign-up or with the holder's verification.
   */
  private async claimFor(email: string, accountId: string, now: Date): Promise<{ claim: ClaimEmail } | { holder: string; refusal: DomainError }> {
    const state = await this.streams.claims.claimOf(email);
    const holder =
      state.status === 'claimed' ? { accountId: state.accountId, status: (await storedAccount(this.streams.store, state.accountId)).status } : undefined;
    const claim: ClaimEmail = { type: 'ClaimEmail', data: { accountId, holder, now } };
    try {
      emailClaimDecider.decide(claim, state);
      return { claim };
    } catch (error) {
      // The decider refuses a claim only while the address is held.
      if (!(error instanceof DomainError) || !holder) throw error;
      return { holder: holder.accountId, refusal: error };
    }
  }

  /**
   * The rest of a sign-up with a held address, which must look like one with a free address:
   * its request is recorded (its command id bound, as a client's key always is), whose position
   * is as new as a sign-up's and the same when the request is resent, and a key reused for
   * another request is refused as it would be there. In place of a verification code, the
   * holder is told, at most once a SIGN_UP_ATTEMPT_NOTICE_WINDOW_MS.
   */
  private async noticeOfHeldAddress(email: string, holder: string, accountId: string, request: Request): Promise<Position> {
    const now = this.streams.clock();
    // The system's own requests carry no fingerprint: the command id stands for the request.
    const context = this.streams.context(request, accountId, now);
    const position = await this.keys.bind({ ...context, requestHash: request.requestHash ?? request.commandId });
    const mail = signUpAttemptMail(email);
    // One job an address and window, however many sign-ups try it: queued by each of them, so
    // that each costs what queueing a verification code does, and mailed once. Without the
    // queue (specs, tools) every one is written to the outbox.
    const window = String(Math.floor(now.getTime() / SIGN_UP_ATTEMPT_NOTICE_WINDOW_MS));
    if (this.streams.mail) await this.streams.mail.enqueueNotice(holder, mail, deterministicId('sign-up-attempt', this.streams.claims.keyOf(email), window), context);
    else await this.streams.outbox.send(mail, now);
    return position;
  }
}
