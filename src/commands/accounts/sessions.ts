import { randomUUID } from 'node:crypto';
import { type Account, type AccountEvent, type ExistingAccount, initialState, isExisting } from '../../domain/account/account.js';
import { WRONG_CREDENTIALS, invalidToken } from '../../domain/account/business-logic.js';
import { DomainError } from '../../domain/domain-error.js';
import type { Position } from '../../eventstore/position.js';
import type { CommandResult } from '../command-handler.js';
import { type AccountStreams, type AccountView, type Request, positionOf, view } from './account-streams.js';
import type { LogInGuard } from './login-guard.js';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from './passwords.js';
import { accountOfToken, accountToken, sha256 } from './secrets.js';
import { storedAccount } from './stored-accounts.js';
import type { TokenService } from './token-service.js';

export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60_000;

export interface Session {
  accessToken: string;
  /** When the access token expires. */
  expiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  account: AccountView;
  position: Position;
}

/** The refresh family a log-in or a rotation appended to: the session its access token belongs to. */
const sessionOf = (events: AccountEvent[]): string => {
  for (const event of events) if (event.type === 'LoggedIn' || event.type === 'RefreshTokenRotated') return event.data.familyId;
  throw new Error('A session command appended no refresh family');
};

/** Logging in, and a log-in's refresh tokens: rotated, and ended by logging out. */
export class Sessions {
  constructor(
    private readonly streams: AccountStreams,
    private readonly tokens: TokenService,
    /** Throttles log-ins after failures; without it none is refused for them. */
    private readonly logInGuard: LogInGuard | undefined,
  ) {}

  /** The account that lost its address to a takeover cannot be found by it any more; it never verified, so it could not log in anyway. */
  async logIn(input: { email: string; password: string }, request: Request): Promise<Session> {
    const accountId = await this.streams.claims.holderOf(input.email);
    const stored = accountId ? await storedAccount(this.streams.store, accountId) : initialState();
    const account = isExisting(stored) ? stored : undefined;
    // Before the password is checked, and alike for an address without an account (see LogInGuard).
    const attempt = await this.logInGuard?.admit({ email: input.email, ip: request.ip, accountId: account?.accountId });
    // Against a decoy without an account, so that an unknown address takes as long as a known one.
    const passwordMatches = await verifyPassword(input.password, account ? account.passwordHash : await decoyHash());
    // Refused before the command id is looked at, so that a resent id answers only whoever knows the password.
    if (!account || !passwordMatches) {
      await attempt?.failed(account ? 'wrong_password' : 'unknown_account');
      throw new DomainError('UNAUTHENTICATED', WRONG_CREDENTIALS);
    }
    await attempt?.succeeded();
    const now = this.streams.clock();
    const refreshToken = accountToken(account.accountId);
    const refreshExpiresAt = new Date(now.getTime() + REFRESH_TOKEN_TTL_MS);
    const result = await this.streams.handle(account.accountId, this.streams.context(request, account.accountId, now), {
      type: 'LogIn',
      data: {
        passwordMatches,
        checkedHash: account.passwordHash,
        // Only now is the plain password at hand to hash anew.
        rehashedPasswordHash: needsRehash(account.passwordHash) ? await hashPassword(input.password) : undefined,
        familyId: randomUUID(),
        refreshTokenHash: sha256(refreshToken),
        refreshExpiresAt,
        now,
      },
    });
    return this.session(result, refreshToken, refreshExpiresAt);
  }

  async refresh(input: { refreshToken: string }, request: Request): Promise<Session> {
    const accountId = accountOfToken(input.refreshToken);
    if (!accountId) throw invalidToken('refresh token');
    const now = this.streams.clock();
    const refreshToken = accountToken(accountId);
    const refreshExpiresAt = new Date(now.getTime() + REFRESH_TOKEN_TTL_MS);
    const result = await this.streams.handle(accountId, this.streams.context(request, accountId, now), {
      type: 'RotateRefreshToken',
      data: { presentedHash: sha256(input.refreshToken), refreshTokenHash: sha256(refreshToken), refreshExpiresAt, now },
    });
    // Recorded first, refused second: the revocation must stand although this request fails.
    if (result.events[0]?.type === 'RefreshTokenReuseDetected')
      throw new DomainError(
        'UNAUTHENTICATED',
        'This refresh token was used already, so it may have been stolen: every session of its log-in has been ended. Log in again',
      );
    return this.session(result, refreshToken, refreshExpiresAt);
  }

  async logOut(input: { refreshToken: string }, request: Request): Promise<{ position: Position }> {
    const accountId = accountOfToken(input.refreshToken);
    if (!accountId) throw invalidToken('refresh token');
    const now = this.streams.clock();
    const result = await this.streams.handle(accountId, this.streams.context(request, accountId, now), {
      type: 'LogOut',
      data: { refreshTokenHash: sha256(input.refreshToken), now },
    });
    return { position: positionOf(result) };
  }

  private async session(result: CommandResult<Account, AccountEvent>, refreshToken: string, refreshTokenExpiresAt: Date): Promise<Session> {
    // A resend cannot be answered the same way: the refresh token was shown once and only its hash is kept.
    if (result.replayed)
      throw new DomainError('CONFLICT', 'This commandId was used already, and a session is handed out only once: send a new commandId');
    const account = result.state as ExistingAccount;
    const access = await this.tokens.issueAccessToken({ accountId: account.accountId, roles: account.roles }, sessionOf(result.events));
    return {
      accessToken: access.token,
      expiresAt: access.expiresAt,
      refreshToken,
      refreshTokenExpiresAt,
      account: view(account),
      position: positionOf(result),
    };
  }
}
