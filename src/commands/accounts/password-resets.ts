import { isExisting } from '../../domain/account/account.js';
import { invalidToken } from '../../domain/account/business-logic.js';
import type { Position } from '../../eventstore/position.js';
import { passwordResetMail } from './account-mail.js';
import { type AccountStreams, type Request, after, positionOf } from './account-streams.js';
import { checkNewPassword } from './password-policy.js';
import { hashPassword } from './passwords.js';
import { accountOfToken, sha256 } from './secrets.js';
import { storedAccount } from './stored-accounts.js';

export const PASSWORD_RESET_TTL_MS = 60 * 60_000;

/** A forgotten password: a reset token mailed, and a new password set with it. */
export class PasswordResets {
  constructor(private readonly streams: AccountStreams) {}

  /** Sends a reset token if the address has an account that may reset; says nothing either way. */
  requestPasswordReset(input: { email: string }, request: Request): Promise<void> {
    return this.streams.mailFreshToken(input.email, request, (account, token, now) => ({
      mail: passwordResetMail(account, token),
      command: { type: 'RequestPasswordReset', data: { reset: { tokenHash: sha256(token), expiresAt: after(now, PASSWORD_RESET_TTL_MS) }, now } },
    }));
  }

  async resetPassword(input: { token: string; newPassword: string }, request: Request): Promise<{ position: Position }> {
    const accountId = accountOfToken(input.token);
    if (!accountId) throw invalidToken('password reset link');
    const tokenHash = sha256(input.token);
    const account = await storedAccount(this.streams.store, accountId);
    // Judged for the holder of the account's reset token only: its refusal would tell whoever
    // merely names an account what the account's address and name are not. Anyone else is
    // refused by the decider, or answered as before when resending.
    if (isExisting(account) && account.passwordReset?.tokenHash === tokenHash) checkNewPassword(input.newPassword, account, 'newPassword');
    const passwordHash = await hashPassword(input.newPassword);
    const now = this.streams.clock();
    const result = await this.streams.handle(accountId, this.streams.context(request, accountId, now), {
      type: 'ResetPassword',
      data: { tokenHash, passwordHash, now },
    });
    return { position: positionOf(result) };
  }
}
