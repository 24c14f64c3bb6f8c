// Over 300 lines on purpose: the account flows (sign-up, verification, log-in, refresh, reset, roles) share the mail-before-append and the claim ordering, which one class keeps in one place.
import { randomUUID } from 'node:crypto';
import type { Actor, Role } from '../../domain/actor.js';
import { SYSTEM } from '../../domain/actor.js';
import { DomainError } from '../../domain/domain-error.js';
import { type Account, type AccountEvent, type ExistingAccount, initialState, isExisting } from '../../domain/account/account.js';
import { type AccountCommand, type VerifyEmail, WRONG_CREDENTIALS, accountDecider, invalidToken } from '../../domain/account/business-logic.js';
import { normaliseEmail } from '../../domain/account/credentials.js';
import { type ClaimEmail, emailClaimDecider } from '../../domain/account/email-claim.js';
import { accountStream } from '../../domain/streams.js';
import type { EventStore } from '../../eventstore/event-store.js';
import type { Position } from '../../eventstore/position.js';
import type { CommandContext, CommandHandler, CommandResult } from '../command-handler.js';
import { deterministicId } from '../deterministic-id.js';
import { SIGN_UP_ATTEMPT_NOTICE_WINDOW_MS } from '../../rate-limits/limits.js';
import { IdempotencyKeys } from '../idempotency-keys.js';
import { passwordResetMail, signUpAttemptMail, verificationMail } from './account-mail.js';
import type { MailQueue, OutgoingMail, Outbox } from './outbox.js';
import type { LogInGuard } from './login-guard.js';
import { checkNewPassword } from './password-policy.js';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from './passwords.js';
import { accountOfToken, accountToken, sha256 } from './secrets.js';
import type { EmailClaims } from './email-claims.js';
import { storedAccount } from './stored-accounts.js';
import type { TokenService } from './token-service.js';
import type { PersonalDataKeys } from '../../personal-data/personal-data-keys.js';

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
  /** The client's address as the server sees it, by which failed log-ins are also counted; absent for the system's own commands. */
  ip?: string;
}

export interface AccountView {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  emailVerified: boolean;
}

export interface Erasure {
  accountId: string;
  erasedAt: Date;
  position: Position;
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
  /** Throttles log-ins after failures; without it (tools, specs of other things) none is refused for them. */
  logInGuard?: LogInGuard;
  /** Whose keys an erasure destroys. */
  personalData: PersonalDataKeys;
  /** Which account holds an address. */
  claims: EmailClaims;
  /** Forgets what else is kept about the person outside the log (failed log-ins); runs after each erasure. */
  forgetPerson?: (accountId: string) => Promise<void>;
  clock?: () => Date;
}

/** What a sign-up came to: a new account with its verification token, or nothing stored, as the address is held. */
type Registration =
  | { outcome: 'registered'; accountId: string; token: string; result: CommandResult<Account, AccountEvent> }
  | { outcome: 'held'; accountId: string; holder: string; refusal: DomainError };

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
  private readonly logInGuard: LogInGuard | undefined;
  private readonly personalData: PersonalDataKeys;
  private readonly claims: EmailClaims;
  private readonly forgetPerson: (accountId: string) => Promise<void>;
  /** Binds the requests of sign-ups with a held address, which append nothing else. */
  private readonly keys: IdempotencyKeys;
  private readonly clock: () => Date;

  constructor(dependencies: AccountCommandsDependencies) {
    this.commands = dependencies.commands;
    this.store = dependencies.store;
    this.tokens = dependencies.tokens;
    this.outbox = dependencies.outbox;
    this.mail = dependencies.mail;
    this.logInGuard = dependencies.logInGuard;
    this.personalData = dependencies.personalData;
    this.claims = dependencies.claims;
    this.forgetPerson = dependencies.forgetPerson ?? (async () => undefined);
    this.keys = new IdempotencyKeys(dependencies.store);
    this.clock = dependencies.clock ?? (() => new Date());
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
    if (!accountId || !isExisting(account)) throw invalidToken('verification link');
    const now = this.clock();
    const context = this.context(request, accountId, now);
    const verify: VerifyEmail = { type: 'VerifyEmail', data: { tokenHash: sha256(input.token), now } };
    const claim = await this.claims.claimOf(account.email);
    // Whoever merely knows an account id must not confirm its claim, which would then never
    // lapse: the token is judged first, unless the claim is confirmed already (a resend).
    if (!(claim.status === 'claimed' && claim.accountId === accountId && claim.confirmed)) accountDecider.decide(verify, account);
    // The claim first, at its revision: of a verification and a takeover racing for the
    // address only one can win there, and an account that lost its address cannot verify.
    await this.commands.handle(emailClaimDecider, this.claims.streamOf(account.email), { type: 'ConfirmEmailClaim', data: { accountId, now } }, context);
    const result = await this.handle(accountId, context, verify);
    return { account: view(result.state as ExistingAccount), position: positionOf(result) };
  }

  /** The account that lost its address to a takeover cannot be found by it any more; it never verified, so it could not log in anyway. */
  async logIn(input: { email: string; password: string }, request: Request): Promise<Session> {
    const accountId = await this.claims.holderOf(input.email);
    const stored = accountId ? await storedAccount(this.store, accountId) : initialState();
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
    const now = this.clock();
    const refreshToken = accountToken(account.accountId);
    const refreshExpiresAt = new Date(now.getTime() + REFRESH_TOKEN_TTL_MS);
    const result = await this.handle(account.accountId, this.context(request, account.accountId, now), {
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
    const tokenHash = sha256(input.token);
    const account = await storedAccount(this.store, accountId);
    // Judged for the holder of the account's reset token only: its refusal would tell whoever
    // merely names an account what the account's address and name are not. Anyone else is
    // refused by the decider, or answered as before when resending.
    if (isExisting(account) && account.passwordReset?.tokenHash === tokenHash) checkNewPassword(input.newPassword, account, 'newPassword');
    const passwordHash = await hashPassword(input.newPassword);
    const now = this.clock();
    const result = await this.handle(accountId, this.context(request, accountId, now), {
      type: 'ResetPassword',
      data: { tokenHash, passwordHash, now },
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

  /** Lets log-ins with the account's address be checked again at once, as a Keycloak admin's unlock does; the log records who did it. */
  async unlockLogIn(input: { accountId: string }, request: Request): Promise<{ account: AccountView; position: Position }> {
    const unlocked = await this.byAdmin(input.accountId, request, 'unlock log-ins', (by, now) => ({ type: 'UnlockLogIn', data: { by, now } }));
    await this.logInGuard?.unlock(unlocked.account.email);
    return unlocked;
  }

  /** How often log-ins with the account's address failed lately, and until when they are refused; for admins (the caller checks). */
  async logInLockout(input: { accountId: string }): Promise<{ failures: number; lockedUntil: Date | null }> {
    const account = await storedAccount(this.store, input.accountId);
    if (!isExisting(account)) throw new DomainError('NOT_FOUND', 'No account has this id');
    return this.logInGuard ? this.logInGuard.lockoutOf(account.email) : { failures: 0, lockedUntil: null };
  }

  /** The person erases their own account, confirming it with their password. */
  async eraseMyAccount(input: { password: string }, request: Request): Promise<Erasure> {
    const by = request.actor;
    if (!by) throw new DomainError('UNAUTHENTICATED', 'Log in to erase your account');
    const stored = await storedAccount(this.store, by.accountId);
    const account = isExisting(stored) ? stored : undefined;
    // Guarded as a log-in is: a stolen access token must not become a way to guess the password.
    const attempt = account && (await this.logInGuard?.admit({ email: account.email, ip: request.ip, accountId: account.accountId }));
    const reauthenticated = account !== undefined && (await verifyPassword(input.password, account.passwordHash));
    await (reauthenticated ? attempt?.succeeded() : attempt?.failed('wrong_password'));
    return this.erase(by.accountId, by, reauthenticated, request);
  }

  /** An admin erases an account, on its person's request (the decider judges the role). */
  eraseAccount(input: { accountId: string }, request: Request): Promise<Erasure> {
    const by = request.actor;
    if (!by) throw new DomainError('UNAUTHENTICATED', 'Log in as an admin to erase accounts');
    return this.erase(input.accountId, by, undefined, request);
  }

  /** The first admin, made from the command line: verified at once, no mail sent. */
  async createAdmin(input: { email: string; password: string; name: string }): Promise<{ accountId: string }> {
    const commandId = randomUUID();
    const registration = await this.register(input, { actor: SYSTEM, commandId: `${commandId}:sign-up` });
    if (registration.outcome === 'held') throw registration.refusal;
    const { accountId, token } = registration;
    await this.verifyEmail({ token }, { actor: SYSTEM, commandId: `${commandId}:verify` });
    await this.grantRole({ accountId, role: 'admin' }, { actor: SYSTEM, commandId: `${commandId}:grant-admin` });
    return { accountId };
  }

  /**
   * Records the erasure, then destroys the key. Recorded first, so that the key is never gone
   * while the log still calls the account alive; a crash in between leaves the key until the
   * request is resent (a replayed command destroys it again, harmlessly).
   */
  private async erase(accountId: string, by: Actor, reauthenticated: boolean | undefined, request: Request): Promise<Erasure> {
    const now = this.clock();
    const result = await this.handle(accountId, this.context(request, by.accountId, now), { type: 'EraseAccount', data: { by, ...(reauthenticated === undefined ? {} : { reauthenticated }), now } });
    const erased = result.events.find((event) => event.type === 'PersonalDataErased');
    const erasedAt = erased ? new Date(erased.data.erasedAt) : now;
    await this.personalData.erase(accountId, erasedAt);
    await this.forgetPerson(accountId);
    return { accountId, erasedAt, position: positionOf(result) };
  }

  /**
   * Creates the account, then claims the address; returns the verification token it minted,
   * or, when the address is held, its holder, having stored nothing.
   */
  private async register(
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
    const accountId = deterministicId('account', request.commandId, this.claims.keyOf(email));
    const now = this.clock();
    const context = this.context(request, accountId, now);
    // Before the address is looked at, so that a held address costs the hash a free one does.
    const passwordHash = await hashPassword(input.password);
    const claim = await this.claimFor(email, accountId, now);
    if ('holder' in claim) return { outcome: 'held', accountId, ...claim };
    const token = accountToken(accountId);
    const verification = { tokenHash: sha256(token), expiresAt: after(now, EMAIL_VERIFICATION_TTL_MS) };
    const signUpThenClaim = async () => {
      const result = await this.handle(accountId, context, {
        type: 'SignUp',
        data: { accountId, email, name: input.name, passwordHash, verification, now },
      });
      // Last, because it is what blocks the address: nothing can fail after it.
      await this.commands.handle(emailClaimDecider, this.claims.streamOf(email), claim.claim, context);
      return result;
    };
    try {
      const result = verificationMail ? await this.mailToken(accountId, verificationMail(token), signUpThenClaim) : await signUpThenClaim();
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
    const state = await this.claims.claimOf(email);
    const holder =
      state.status === 'claimed' ? { accountId: state.accountId, status: (await storedAccount(this.store, state.accountId)).status } : undefined;
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
    const now = this.clock();
    // The system's own requests carry no fingerprint: the command id stands for the request.
    const position = await this.keys.bind({ ...this.context(request, accountId, now), requestHash: request.requestHash ?? request.commandId });
    const mail = signUpAttemptMail(email);
    // One job an address and window, however many sign-ups try it: queued by each of them, so
    // that each costs what queueing a verification code does, and mailed once. Without the
    // queue (specs, tools) every one is written to the outbox.
    const window = String(Math.floor(now.getTime() / SIGN_UP_ATTEMPT_NOTICE_WINDOW_MS));
    if (this.mail) await this.mail.enqueueNotice(holder, mail, deterministicId('sign-up-attempt', this.claims.keyOf(email), window));
    else await this.outbox.send(mail, now);
    return position;
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
    const accountId = await this.claims.holderOf(email);
    const account = accountId ? await storedAccount(this.store, accountId) : initialState();
    if (!accountId || !isExisting(account)) return;
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
