// Over 300 lines on purpose: the account decider's fourteen commands, a small decision each, and the decide that switches over them all, in one file as Emmett's businessLogic.ts keeps them, so the exhaustive switch sits beside every decision it dispatches.
import { type Actor, type Role, hasRole } from '../actor.js';
import { DomainError } from '../domain-error.js';
import type {
  Account,
  AccountEvent,
  AccountInvited,
  AccountSignedUp,
  EmailVerificationRequested,
  EmailVerified,
  ExistingAccount,
  LoggedIn,
  LoggedOut,
  OneTimeToken,
  PasswordRehashed,
  PasswordReset,
  PasswordResetRequested,
  RefreshTokenReuseDetected,
  RefreshTokenRotated,
  RoleGranted,
  RoleRevoked,
  AccountDisabled,
  LogInUnlocked,
  PersonalDataErased,
  UnverifiedAccount,
} from './account.js';
import { NO_PASSWORD, evolve, initialState, isExisting } from './account.js';
import { emailAddress, personName } from './credentials.js';

/**
 * Commands carry hashes, never secrets: the command side hashes passwords (Argon2id) and
 * tokens (SHA-256) before deciding, and checks a password against the stored hash itself,
 * since that check is slow, asynchronous work that has no place in a pure decision.
 */
export type SignUp = {
  type: 'SignUp';
  data: { accountId: string; email: string; name: string; passwordHash: string; verification: OneTimeToken; now: Date };
};
/**
 * An account for someone an organizer registers, who has none: `invitation` is the token of
 * the link that lets them set their password, mailed to the address.
 */
export type InviteAccount = {
  type: 'InviteAccount';
  data: { accountId: string; email: string; name: string; invitation: OneTimeToken; by: Actor; now: Date };
};
/** A new verification token for an account that has not verified yet; the one before stops working. */
export type RequestEmailVerification = { type: 'RequestEmailVerification'; data: { verification: OneTimeToken; now: Date } };
export type VerifyEmail = { type: 'VerifyEmail'; data: { tokenHash: string; now: Date } };
export type LogIn = {
  type: 'LogIn';
  data: {
    /** Whether the password matched `checkedHash`, the hash the command side checked it against. */
    passwordMatches: boolean;
    checkedHash: string;
    /** The password hashed again at today's cost, when `checkedHash` is older or weaker (see `needsRehash`). */
    rehashedPasswordHash?: string;
    familyId: string;
    refreshTokenHash: string;
    refreshExpiresAt: Date;
    now: Date;
  };
};
export type RotateRefreshToken = {
  type: 'RotateRefreshToken';
  data: { presentedHash: string; refreshTokenHash: string; refreshExpiresAt: Date; now: Date };
};
export type LogOut = { type: 'LogOut'; data: { refreshTokenHash: string; now: Date } };
export type RequestPasswordReset = { type: 'RequestPasswordReset'; data: { reset: OneTimeToken; now: Date } };
export type ResetPassword = { type: 'ResetPassword'; data: { tokenHash: string; passwordHash: string; now: Date } };
export type GrantRole = { type: 'GrantRole'; data: { role: Role; by: Actor; now: Date } };
export type RevokeRole = { type: 'RevokeRole'; data: { role: Role; by: Actor; now: Date } };
export type DisableAccount = { type: 'DisableAccount'; data: { by: Actor; now: Date } };
export type UnlockLogIn = { type: 'UnlockLogIn'; data: { by: Actor; now: Date } };
/**
 * Erases the account's personal data, asked by its owner, who proved it with their password
 * just now (`reauthenticated`, present only then), or by an admin for someone else.
 */
export type EraseAccount = { type: 'EraseAccount'; data: { by: Actor; reauthenticated?: boolean; now: Date } };

export type AccountCommand =
  | SignUp
  | InviteAccount
  | RequestEmailVerification
  | VerifyEmail
  | LogIn
  | RotateRefreshToken
  | LogOut
  | RequestPasswordReset
  | ResetPassword
  | GrantRole
  | RevokeRole
  | DisableAccount
  | UnlockLogIn
  | EraseAccount;

/** Said for an unknown email and for a wrong password alike, so neither reveals which it was. */
export const WRONG_CREDENTIALS = 'The email address or password is wrong';

/** Said when a logged-in person confirms a grave step with their password, and it is not theirs. */
export const WRONG_PASSWORD = 'The password is wrong';

/** Commands that name their account through a token call a missing account an invalid token. */
const existing = (state: Account, refusal = new DomainError('NOT_FOUND', 'No account has this id')): ExistingAccount => {
  // An erased account is gone for every purpose but its id in other streams.
  if (!isExisting(state)) throw refusal;
  return state;
};

/**
 * The one answer to a token that is not the one sent, whatever it is: not shaped like ours,
 * naming no account, or the wrong secret for an account in any state. Whoever does not hold
 * the token learns nothing, not even whether its account exists.
 */
export const invalidToken = (kind: 'verification link' | 'password reset link' | 'refresh token'): DomainError =>
  new DomainError('UNAUTHENTICATED', `This ${kind} is not valid`);

const requireAdmin = (by: Actor, what: string): void => {
  if (!hasRole(by, 'admin')) throw new DomainError('FORBIDDEN', `Only an admin can ${what}`);
};

const isExpired = (token: { expiresAt: string }, now: Date): boolean => token.expiresAt <= now.toISOString();

const unverified = (account: ExistingAccount): UnverifiedAccount => {
  if (account.status === 'active') throw new DomainError('CONFLICT', 'This email address is already verified');
  if (account.status === 'disabled') throw new DomainError('FORBIDDEN', 'This account is disabled');
  return account;
};

const verificationRequested = (verification: OneTimeToken, now: Date): EmailVerificationRequested => ({
  type: 'EmailVerificationRequested',
  data: { ...verification, requestedAt: now.toISOString() },
});

export const signUp = ({ data }: SignUp, state: Account): [AccountSignedUp, EmailVerificationRequested] => {
  // Checked before anything is stored: what a stream cannot hold would fail the append half-way through a sign-up.
  const email = emailAddress(data.email);
  const name = personName(data.name);
  if (state.status !== 'none') throw new DomainError('CONFLICT', 'This account already exists');
  return [
    {
      type: 'AccountSignedUp',
      data: { accountId: data.accountId, email, name, passwordHash: data.passwordHash, roles: ['attendee'], signedUpAt: data.now.toISOString() },
    },
    verificationRequested(data.verification, data.now),
  ];
};

export const inviteAccount = ({ data }: InviteAccount, state: Account): [AccountInvited] => {
  const email = emailAddress(data.email);
  const name = personName(data.name);
  if (!hasRole(data.by, 'organizer') && !hasRole(data.by, 'admin')) throw new DomainError('FORBIDDEN', 'Only organizers and admins can invite people');
  if (state.status !== 'none') throw new DomainError('CONFLICT', 'This account already exists');
  const { tokenHash, expiresAt } = data.invitation;
  return [
    {
      type: 'AccountInvited',
      data: { accountId: data.accountId, email, name, roles: ['attendee'], invitedBy: data.by.accountId, invitedAt: data.now.toISOString(), tokenHash, expiresAt },
    },
  ];
};

export const requestEmailVerification = ({ data }: RequestEmailVerification, state: Account): [EmailVerificationRequested] => {
  unverified(existing(state));
  return [verificationRequested(data.verification, data.now)];
};

/** The token is all that is judged: only an unverified account holds one, so a used link is as invalid as a forged one. */
export const verifyEmail = ({ data }: VerifyEmail, state: Account): [EmailVerified] => {
  if (state.status !== 'unverified' || !state.verification || state.verification.tokenHash !== data.tokenHash)
    throw invalidToken('verification link');
  if (isExpired(state.verification, data.now))
    throw new DomainError('UNAUTHENTICATED', 'This verification link has expired');
  return [{ type: 'EmailVerified', data: { verifiedAt: data.now.toISOString() } }];
};

export const logIn = ({ data }: LogIn, state: Account): [LoggedIn] | [LoggedIn, PasswordRehashed] => {
  // The password is judged before the account's status, so that only its owner learns the status.
  // An account with no password yet (invited) matches none, whatever the command side judged.
  if (!isExisting(state) || !data.passwordMatches || data.checkedHash !== state.passwordHash || state.passwordHash === NO_PASSWORD)
    throw new DomainError('UNAUTHENTICATED', WRONG_CREDENTIALS);
  if (state.status === 'disabled') throw new DomainError('FORBIDDEN', 'This account is disabled');
  if (state.status === 'unverified') throw new DomainError('FORBIDDEN', 'Verify your email address before logging in');
  const loggedIn: LoggedIn = {
    type: 'LoggedIn',
    data: {
      familyId: data.familyId,
      refreshTokenHash: data.refreshTokenHash,
      expiresAt: data.refreshExpiresAt.toISOString(),
      loggedInAt: data.now.toISOString(),
    },
  };
  // With the log-in, in one append: the plain password is at hand only while someone logs in.
  if (!data.rehashedPasswordHash) return [loggedIn];
  return [loggedIn, { type: 'PasswordRehashed', data: { passwordHash: data.rehashedPasswordHash, rehashedAt: data.now.toISOString() } }];
};

/**
 * Rotates a live refresh token. A token this family has already rotated away from means two
 * parties hold the family (one of them stole it): the family is revoked, and the command side
 * refuses the request once that is recorded.
 */
export const rotateRefreshToken = (
  { data }: RotateRefreshToken,
  state: Account,
): [RefreshTokenRotated] | [RefreshTokenReuseDetected] => {
  const account = existing(state, invalidToken('refresh token'));
  if (account.status !== 'active') throw invalidToken('refresh token');
  const reused = account.families.find((family) => family.rotatedHashes.includes(data.presentedHash));
  if (reused)
    return [{ type: 'RefreshTokenReuseDetected', data: { familyId: reused.familyId, detectedAt: data.now.toISOString() } }];
  const family = account.families.find((candidate) => candidate.currentHash === data.presentedHash);
  if (!family) throw invalidToken('refresh token');
  if (isExpired(family, data.now)) throw new DomainError('UNAUTHENTICATED', 'This refresh token has expired; log in again');
  return [
    {
      type: 'RefreshTokenRotated',
      data: {
        familyId: family.familyId,
        refreshTokenHash: data.refreshTokenHash,
        expiresAt: data.refreshExpiresAt.toISOString(),
        rotatedAt: data.now.toISOString(),
      },
    },
  ];
};

/** Logging out ends the whole family, whichever of its tokens is presented. */
export const logOut = ({ data }: LogOut, state: Account): [LoggedOut] => {
  const account = existing(state, invalidToken('refresh token'));
  const family = account.families.find(
    (candidate) => candidate.currentHash === data.refreshTokenHash || candidate.rotatedHashes.includes(data.refreshTokenHash),
  );
  if (!family) throw invalidToken('refresh token');
  return [{ type: 'LoggedOut', data: { familyId: family.familyId, loggedOutAt: data.now.toISOString() } }];
};

export const requestPasswordReset = ({ data }: RequestPasswordReset, state: Account): [PasswordResetRequested] => {
  const account = existing(state);
  if (account.status === 'disabled') throw new DomainError('FORBIDDEN', 'This account is disabled');
  return [{ type: 'PasswordResetRequested', data: { ...data.reset, requestedAt: data.now.toISOString() } }];
};

/** An invited account's first password is set with the invitation's link, which proves the address too. */
export const resetPassword = ({ data }: ResetPassword, state: Account): [PasswordReset] | [PasswordReset, EmailVerified] => {
  const account = existing(state, invalidToken('password reset link'));
  // The token before the account's status, so that only its holder learns the status.
  if (!account.passwordReset || account.passwordReset.tokenHash !== data.tokenHash) throw invalidToken('password reset link');
  if (account.status === 'disabled') throw new DomainError('FORBIDDEN', 'This account is disabled');
  if (isExpired(account.passwordReset, data.now))
    throw new DomainError('UNAUTHENTICATED', 'This password reset link has expired; request a new one');
  const reset: PasswordReset = { type: 'PasswordReset', data: { passwordHash: data.passwordHash, resetAt: data.now.toISOString() } };
  if (account.status === 'unverified' && account.invited) return [reset, { type: 'EmailVerified', data: { verifiedAt: data.now.toISOString() } }];
  return [reset];
};

export const grantRole = ({ data }: GrantRole, state: Account): [RoleGranted] => {
  requireAdmin(data.by, 'grant roles');
  const account = existing(state);
  if (account.roles.includes(data.role)) throw new DomainError('CONFLICT', `This account already has the role ${data.role}`);
  return [{ type: 'RoleGranted', data: { role: data.role, grantedBy: data.by.accountId, grantedAt: data.now.toISOString() } }];
};

export const revokeRole = ({ data }: RevokeRole, state: Account): [RoleRevoked] => {
  requireAdmin(data.by, 'revoke roles');
  const account = existing(state);
  if (!account.roles.includes(data.role)) throw new DomainError('CONFLICT', `This account does not have the role ${data.role}`);
  // An admin who demotes themselves may leave nobody able to undo it.
  if (data.role === 'admin' && account.accountId === data.by.accountId)
    throw new DomainError('FORBIDDEN', 'An admin cannot revoke their own admin role');
  return [{ type: 'RoleRevoked', data: { role: data.role, revokedBy: data.by.accountId, revokedAt: data.now.toISOString() } }];
};

export const disableAccount = ({ data }: DisableAccount, state: Account): [AccountDisabled] => {
  requireAdmin(data.by, 'disable accounts');
  const account = existing(state);
  if (account.status === 'disabled') throw new DomainError('CONFLICT', 'This account is already disabled');
  if (account.accountId === data.by.accountId) throw new DomainError('FORBIDDEN', 'An admin cannot disable their own account');
  return [{ type: 'AccountDisabled', data: { disabledBy: data.by.accountId, disabledAt: data.now.toISOString() } }];
};

export const unlockLogIn = ({ data }: UnlockLogIn, state: Account): [LogInUnlocked] => {
  requireAdmin(data.by, 'unlock log-ins');
  existing(state);
  return [{ type: 'LogInUnlocked', data: { unlockedBy: data.by.accountId, unlockedAt: data.now.toISOString() } }];
};

export const eraseAccount = ({ data }: EraseAccount, state: Account): [PersonalDataErased] => {
  if (state.status === 'erased') throw new DomainError('CONFLICT', "This account's personal data is erased already");
  const account = existing(state);
  const own = data.by.accountId === account.accountId;
  if (data.reauthenticated === undefined) {
    if (!hasRole(data.by, 'admin')) throw new DomainError('FORBIDDEN', 'Only an admin can erase the data of another account');
    if (own) throw new DomainError('FORBIDDEN', 'Erase your own account with eraseMyAccount, which asks for your password');
  } else {
    if (!own) throw new DomainError('FORBIDDEN', 'Only its owner can erase an account with their password');
    if (!data.reauthenticated) throw new DomainError('UNAUTHENTICATED', WRONG_PASSWORD);
  }
  return [{ type: 'PersonalDataErased', data: { erasedBy: data.by.accountId, erasedAt: data.now.toISOString() } }];
};

export const decide = (command: AccountCommand, state: Account): AccountEvent[] => {
  switch (command.type) {
    case 'SignUp':
      return signUp(command, state);
    case 'InviteAccount':
      return inviteAccount(command, state);
    case 'RequestEmailVerification':
      return requestEmailVerification(command, state);
    case 'VerifyEmail':
      return verifyEmail(command, state);
    case 'LogIn':
      return logIn(command, state);
    case 'RotateRefreshToken':
      return rotateRefreshToken(command, state);
    case 'LogOut':
      return logOut(command, state);
    case 'RequestPasswordReset':
      return requestPasswordReset(command, state);
    case 'ResetPassword':
      return resetPassword(command, state);
    case 'GrantRole':
      return grantRole(command, state);
    case 'RevokeRole':
      return revokeRole(command, state);
    case 'DisableAccount':
      return disableAccount(command, state);
    case 'UnlockLogIn':
      return unlockLogIn(command, state);
    case 'EraseAccount':
      return eraseAccount(command, state);
    default: {
      const unknown: never = command;
      throw new DomainError('VALIDATION', `Unknown command ${(unknown as { type: string }).type}`);
    }
  }
};

export const accountDecider = { initialState, evolve, decide };
