// Over 300 lines on purpose: the account flows (sign-up, verification, log-in, refresh, reset, roles) share the mail-before-append and the claim ordering, which one class keeps in one place.
import { randomUUID } from 'node:crypto';
import type { Actor, Role } from '../../domain/actor.js';
import { SYSTEM } from '../../domain/actor.js';
import { DomainError } from '../../domain/domain-error.js';
import { type Account, type AccountEvent, type ExistingAccount, initialState } from '../../domain/account/account.js';
import { type AccountCommand, type VerifyEmail, WRONG_CREDENTIALS, accountDecider, invalidToken } from '../../domain/account/business-logic.js';
import { normaliseEmail } from '../../domain/account/credentials.js';
import { type ClaimEmail, emailClaimDecider } from '../../domain/account/email-claim.js';
import { accountStream, emailClaimStream } from '../../domain/streams.js';
import type { EventStore } from '../../eventstore/event-store.js';
import type { Position } from '../../eventstore/position.js';
import type { CommandContext, CommandHandler, CommandResult } from '../command-handler.js';
import { deterministicId } from '../deterministic-id.js';
import { passwordResetMail, verificationMail } from './account-mail.js';
import type { MailQueue, OutgoingMail, Outbox } from './outbox.js';
import { decoyHash, hashPassword, verifyPassword } from './passwords.js';
import { accountOfToken, accountToken, sha256 } from './secrets.js';
import { holderOf, storedAccount, storedClaim } from './stored-accounts.js';
import type { TokenService } from './token-service.js';

export const EMAIL_VERIFICATION_TTL_MS = 24 * 60 * 60_000;
export const PASSWORD_RESET_TTL_MS = 60 * 60_000;
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60_000;

/** Who asks, and under which command id (a resent id takes effect once). */
export interface Request {
  commandId: string;
  actor: Actor | undefined;
  /** The fingerprint of the client's request (see `requestHash`); absent for the system's own commands. */
  requestHash?: string;
  /** Whether the client chose the command id, which binds it to this request everywhere. */
  keyedByClient?: boolean;
}

export interface AccountView {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  emailVerified: boolean;
}

export interface Session {
  accessToken: string;
  /** When the access token expires. */
  expiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  account: AccountView;
  position: Position;
}

export interface AccountCommandsDependencies {
  commands: CommandHandler;
  store: EventStore;
  tokens: TokenService;
  outbox: Outbox;
  /** The `mail` job queue (retried, dead-lettered); without it mail is written straight to the outbox. */
  mail?: MailQueue;
  clock?: () => Date;
}

const view = (account: ExistingAccount): AccountView => ({
  id: account.accountId,
  email: account.email,
  name: account.name,
  roles: [...account.roles],
  emailVerified: account.status !== 'unverified',
});

const after = (now: Date, ms: number): string => new Date(now.getTime() + ms).toISOString();

/** The refresh family a log-in or a rotation appended to: the session its access token belongs to. */
const sessionOf = (events: AccountEvent[]): string => {
  for (const event of events) if (event.type === 'LoggedIn' || event.type === 'RefreshTokenRotated') return event.data.familyId;
  throw new Error('A session command appended no refresh family');
};

const positionOf = (result: CommandResult<unknown, unknown>): Position => {
  // Every account command either appends or throws; no events would be a bug in its decider.
  if (!result.position) throw new Error('An account command appended nothing');
  return result.position;
};

/**
 * The account side of the API: turns requests into account commands, doing the work a pure
 * decider cannot (hashing, checking passwords, minting tokens, sending mail), and the
 * lookups it needs (email → account through the email's claim stream).
 *
 * Sign-up and verification each touch two streams, the account and its address's claim, and
 * a failure between the two appends must leave nothing that blocks a retry. Sign-up stores
 * the account first and the claim last: a sign-up cut short leaves an account nobody can
 * reach by its address, and the address free. Verification confirms the claim first: a
 * verification cut short leaves a confirmed claim that its own resend completes.
 */
export class AccountCommands {
  private readonly commands: CommandHandler;
  private readonly store: EventStore;
  private readonly tokens: TokenService;
  private readonly outbox: Outbox;
  private readonly mail: MailQueue | undefined;
  private readonly clock: () => Date;

  constructor(dependencies: AccountCommandsDependencies) {
    this.commands = dependencies.commands;
    this.store = dependencies.store;
    this.tokens = dependencies.tokens;
    this.outbox = dependencies.outbox;
    this.mail = dependencies.mail;
    this.clock = dependencies.clock ?? (() => new Date());
  }

  async signUp(input: { email: string; password: string; name: string }, request: Request): Promise<{ accountId: string; position: Position }> {
    const { accountId, result } = await this.register(input, request, (token) =>
      verificationMail({ email: normaliseEmail(input.email), name: input.name }, token),
    );
    return { accountId, position: positionOf(result) };
  }

  /** Mails a new verification token if the address's account has not verified it yet; says nothing either way. */
  resendVerification(input: { email: string }, request: Request): Promise<void> {
    return this.mailFreshToken(input.email, request, (account, token, now) => ({
      mail: verificationMail(account, token),
      command: {
        type: 'RequestEmailVerification',
        data: { verification: { tokenHash: sha256(token), expiresAt: after(now, EMAIL_VERIFICATION_TTL_MS) }, now },
      },
    }));
  }

  async verifyEmail(input: { token: string }, request: Request): Promise<{ account: AccountView; position: Position }> {
    const accountId = accountOfToken(input.token);
    const account = accountId ? await storedAccount(this.store, accountId) : initialState();
    if (!accountId || account.status === 'none') throw invalidToken('verification link');
    const now = this.clock();
    const context = this.context(request, accountId, now);
    const verify: VerifyEmail = { type: 'VerifyEmail', data: { tokenHash: sha256(input.token), now } };
    const claim = await storedClaim(this.store, account.email);
    // Whoever merely knows an account id must not confirm its claim, which would then never
    // lapse: the token is judged first, unless the claim is confirmed already (a resend).
    if (!(claim.status === 'claimed' && claim.accountId === accountId && claim.confirmed)) accountDecider.decide(verify, account);
    // The claim first, at its revision: of a verification and a takeover racing for the
    // address only one can win there, and an account that lost its address cannot verify.
    await this.commands.handle(emailClaimDecider, emailClaimStream(account.email), { type: 'ConfirmEmailClaim', data: { accountId, now } }, context);
    const result = await this.handle(accountId, context, verify);
    return { account: view(result.state as ExistingAccount), position: positionOf(result) };
  }

  /** The account that lost its address to a takeover cannot be found by it any more; it never verified, so it could not log in anyway. */
  async logIn(input: { email: string; password: string }, request: Request): Promise<Session> {
    const accountId = await holderOf(this.store, input.email);
    const account = accountId ? await storedAccount(this.store, accountId) : initialState();
    // Against a decoy without an account, so that an unknown address takes as long as a known one.
    const passwordMatches = await verifyPassword(input.password, account.status === 'none' ? await decoyHash() : account.passwordHash);
    // Refused before the command id is looked at, so that a resent id answers only whoever knows the password.
    if (!accountId || account.status === 'none' || !passwordMatches) throw new DomainError('UNAUTHENTICATED', WRONG_CREDENTIALS);
    const now = this.clock();
    const refreshToken = accountToken(accountId);
    const refreshExpiresAt = new Date(now.getTime() + REFRESH_TOKEN_TTL_MS);
    const result = await this.handle(accountId, this.context(request, accountId, now), {
      type: 'LogIn',
      data: {
        passwordMatches,
        checkedHash: account.passwordHash,
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
    const now = this.clock();
    const refreshToken = accountToken(accountId);
    const refreshExpiresAt = new Date(now.getTime() + REFRESH_TOKEN_TTL_MS);
    const result = await this.handle(accountId, this.context(request, accountId, now), {
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
    const now = this.clock();
    const result = await this.handle(accountId, this.context(request, accountId, now), {
      type: 'LogOut',
      data: { refreshTokenHash: sha256(input.refreshToken), now },
    });
    return { position: positionOf(result) };
  }

  /** Sends a reset token if the address has an account that may reset; says nothing either way. */
  requestPasswordReset(input: { email: string }, request: Request): Promise<void> {
    return this.mailFreshToken(input.email, request, (account, token, now) => ({
      mail: passwordResetMail(account, token),
      command: { type: 'RequestPasswordReset', data: { reset: { tokenHash: sha256(token), expiresAt: after(now, PASSWORD_RESET_TTL_MS) }, now } },
    }));
  }

  async resetPassword(input: { token: string; newPassword: string }, request: Request): Promise<{ position: Position }> {
    const accountId = accountOfToken(input.token);
    if (!accountId) throw invalidToken('password reset link');
    const passwordHash = await hashPassword(input.newPassword);
    const now = this.clock();
    const result = await this.handle(accountId, this.context(request, accountId, now), {
      type: 'ResetPassword',
      data: { tokenHash: sha256(input.token), passwordHash, now },
    });
    return { position: positionOf(result) };
  }

  grantRole(input: { accountId: string; role: Role }, request: Request): Promise<{ account: AccountView; position: Position }> {
    return this.byAdmin(input.accountId, request, 'change roles', (by, now) => ({ type: 'GrantRole', data: { role: input.role, by, now } }));
  }

  revokeRole(input: { accountId: string; role: Role }, request: Request): Promise<{ account: AccountView; position: Position }> {
    return this.byAdmin(input.accountId, request, 'change roles', (by, now) => ({ type: 'RevokeRole', data: { role: input.role, by, now } }));
  }

  /** Ends every session of the account (their access tokens are refused within seconds, see AccessTokenCheck), and it can no longer log in. */
  disableAccount(input: { accountId: string }, request: Request): Promise<{ account: AccountView; position: Position }> {
    return this.byAdmin(input.accountId, request, 'disable accounts', (by, now) => ({ type: 'DisableAccount', data: { by, now } }));
  }

  /** The first admin, made from the command line: verified at once, no mail sent. */
  async createAdmin(input: { email: string; password: string; name: string }): Promise<{ accountId: string }> {
    const commandId = randomUUID();
    const { accountId, token } = await this.register(input, { actor: SYSTEM, commandId: `${commandId}:sign-up` });
    await this.verifyEmail({ token }, { actor: SYSTEM, commandId: `${commandId}:verify` });
    await this.grantRole({ accountId, role: 'admin' }, { actor: SYSTEM, commandId: `${commandId}:grant-admin` });
    return { accountId };
  }

  /** Creates the account, then claims the address; returns the verification token it minted. */
  private async register(
    input: { email: string; password: string; name: string },
    request: Request,
    /** The verification mail to send; none for an account verified at once. */
    verificationMail?: (token: string) => OutgoingMail,
  ): Promise<{ accountId: string; token: string; result: CommandResult<Account, AccountEvent> }> {
    const email = normaliseEmail(input.email);
    // Derived from the command id, so a resent sign-up lands on the account the first one created.
    const accountId = deterministicId('account', request.commandId, email);
    const now = this.clock();
    const context = this.context(request, accountId, now);
    const claim = await this.claimFor(email, accountId, now);
    const passwordHash = await hashPassword(input.password);
    const token = accountToken(accountId);
    const verification = { tokenHash: sha256(token), expiresAt: after(now, EMAIL_VERIFICATION_TTL_MS) };
    const signUpThenClaim = async () => {
      const result = await this.handle(accountId, context, {
        type: 'SignUp',
        data: { accountId, email, name: input.name, passwordHash, verification, now },
      });
      // Last, because it is what blocks the address: nothing can fail after it.
      await this.commands.handle(emailClaimDecider, emailClaimStream(email), claim, context);
      return result;
    };
    const result = verificationMail ? await this.mailToken(accountId, verificationMail(token), signUpThenClaim) : await signUpThenClaim();
    return { accountId, token, result };
  }

  /**
   * The claim a sign-up appends, refused already when the address is held, so that a taken
   * address leaves no account behind. Decided again when appended, at the claim stream's
   * revision, which settles a race with another sign-up or with the holder's verification.
   */
  private async claimFor(email: string, accountId: string, now: Date): Promise<ClaimEmail> {
    const state = await storedClaim(this.store, email);
    const holder =
      state.status === 'claimed' ? { accountId: state.accountId, status: (await storedAccount(this.store, state.accountId)).status } : undefined;
    const claim: ClaimEmail = { type: 'ClaimEmail', data: { accountId, holder, now } };
    emailClaimDecider.decide(claim, state);
    return claim;
  }

  /**
   * Mints a one-time token for the account that holds `email` and mails it, unless there is
   * no such account or its command would be refused (then nothing is queued either). Says
   * nothing either way, so that nobody learns which addresses have accounts.
   */
  private async mailFreshToken(
    email: string,
    request: Request,
    tokenFor: (account: ExistingAccount, token: string, now: Date) => { mail: OutgoingMail; command: AccountCommand },
  ): Promise<void> {
    const accountId = await holderOf(this.store, email);
    const account = accountId ? await storedAccount(this.store, accountId) : initialState();
    if (!accountId || account.status === 'none') return;
    const now = this.clock();
    const { mail, command } = tokenFor(account, accountToken(accountId), now);
    try {
      accountDecider.decide(command, account);
      await this.mailToken(accountId, mail, () => this.handle(accountId, this.context(request, accountId, now), command));
    } catch (error) {
      if (error instanceof DomainError) return; // disabled, or verified already: nothing to send
      throw error;
    }
  }

  /** A command only an admin may give (the decider judges the roles), on the account `accountId`. */
  private async byAdmin(
    accountId: string,
    request: Request,
    what: string,
    command: (by: Actor, now: Date) => AccountCommand,
  ): Promise<{ account: AccountView; position: Position }> {
    const by = request.actor;
    if (!by) throw new DomainError('UNAUTHENTICATED', `Log in as an admin to ${what}`);
    const now = this.clock();
    const result = await this.handle(accountId, this.context(request, by.accountId, now), command(by, now));
    return { account: view(result.state as ExistingAccount), position: positionOf(result) };
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

  /**
   * Mails a one-time token around the append that records its hash. With the job queue the
   * mail is queued first, keyed by the hash, and sent only once the hash is in the stream and
   * the account holds its address (a sign-up claims it right after): a crash between the two
   * loses no mail and a failed append sends none. A resent command (replayed) mails nothing
   * new: the first attempt's mail carries the recorded token.
   */
  private async mailToken(
    accountId: string,
    mail: OutgoingMail,
    append: () => Promise<CommandResult<Account, AccountEvent>>,
  ): Promise<CommandResult<Account, AccountEvent>> {
    if (this.mail) {
      await this.mail.enqueueTokenMail(mail, { accountId, tokenHash: sha256(mail.token) });
      return append();
    }
    // The outbox without a queue is for tests and tools, where nothing crashes in between.
    const result = await append();
    if (!result.replayed) await this.outbox.send(mail, this.clock());
    return result;
  }

  private handle(accountId: string, context: CommandContext, command: AccountCommand): Promise<CommandResult<Account, AccountEvent>> {
    return this.commands.handle(accountDecider, accountStream(accountId), command, context);
  }

  private context(request: Request, actorId: string, now: Date): CommandContext {
    return {
      commandId: request.commandId,
      actorId: request.actor?.accountId ?? actorId,
      correlationId: request.commandId,
      causationId: request.commandId,
      now,
      requestHash: request.requestHash,
      keyedByClient: request.keyedByClient,
    };
  }
}
