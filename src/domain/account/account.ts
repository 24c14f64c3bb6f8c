import type { Role } from '../actor.js';

/**
 * One account: who may log in, with which password hash, which roles, and which refresh
 * token families are alive. Secrets never appear here: passwords, one-time tokens and
 * refresh tokens are kept as hashes only, so reading the log never lets anyone log in.
 */

/** A chain of refresh tokens started by one log-in; rotating replaces `currentHash`. */
export type RefreshFamily = {
  familyId: string;
  currentHash: string;
  /** ISO instant after which the current refresh token is refused. */
  expiresAt: string;
  /** Hashes this family has rotated away from: presenting one again is reuse. */
  rotatedHashes: string[];
};

/** A one-time token sent by mail (email verification or password reset). */
export type OneTimeToken = { tokenHash: string; expiresAt: string };

type Known = {
  accountId: string;
  email: string;
  name: string;
  passwordHash: string;
  roles: Role[];
  families: RefreshFamily[];
  passwordReset: OneTimeToken | undefined;
};

export type NoAccount = { status: 'none' };
/**
 * Signed up, or invited, and the address not verified yet. An invited account (`invited`) has
 * no password until its person sets one with the invitation's link (a password reset token),
 * which verifies the address too: the link reached them there.
 */
export type UnverifiedAccount = Known & { status: 'unverified'; verification: OneTimeToken | undefined; invited: boolean };
export type ActiveAccount = Known & { status: 'active' };
export type DisabledAccount = Known & { status: 'disabled' };
/** Its personal data was erased (its key destroyed): only its id is left, and nothing can happen to it any more. */
export type ErasedAccount = { status: 'erased'; accountId: string };
export type Account = NoAccount | UnverifiedAccount | ActiveAccount | DisabledAccount | ErasedAccount;
/** An account that can still be used or administered: signed up, and not erased. */
export type ExistingAccount = Exclude<Account, NoAccount | ErasedAccount>;

export const isExisting = (account: Account): account is ExistingAccount => account.status !== 'none' && account.status !== 'erased';

export type AccountSignedUp = {
  type: 'AccountSignedUp';
  data: { accountId: string; email: string; name: string; passwordHash: string; roles: Role[]; signedUpAt: string };
};
/**
 * An organizer registered someone who had no account: the account is made for them, with no
 * password yet, and the invitation's token hash is its pending password reset, mailed to them.
 */
export type AccountInvited = {
  type: 'AccountInvited';
  data: { accountId: string; email: string; name: string; roles: Role[]; invitedBy: string; invitedAt: string } & OneTimeToken;
};
export type EmailVerificationRequested = { type: 'EmailVerificationRequested'; data: OneTimeToken & { requestedAt: string } };
export type EmailVerified = { type: 'EmailVerified'; data: { verifiedAt: string } };
export type LoggedIn = {
  type: 'LoggedIn';
  data: { familyId: string; refreshTokenHash: string; expiresAt: string; loggedInAt: string };
};
export type RefreshTokenRotated = {
  type: 'RefreshTokenRotated';
  data: { familyId: string; refreshTokenHash: string; expiresAt: string; rotatedAt: string };
};
/** An already-rotated refresh token came back: someone holds a copy, so the whole family dies. */
export type RefreshTokenReuseDetected = { type: 'RefreshTokenReuseDetected'; data: { familyId: string; detectedAt: string } };
export type LoggedOut = { type: 'LoggedOut'; data: { familyId: string; loggedOutAt: string } };
export type PasswordResetRequested = { type: 'PasswordResetRequested'; data: OneTimeToken & { requestedAt: string } };
export type PasswordReset = { type: 'PasswordReset'; data: { passwordHash: string; resetAt: string } };
/** A log-in's correct password hashed again, as the hash it matched was older or weaker than today's; its sessions stay. */
export type PasswordRehashed = { type: 'PasswordRehashed'; data: { passwordHash: string; rehashedAt: string } };
export type RoleGranted = { type: 'RoleGranted'; data: { role: Role; grantedBy: string; grantedAt: string } };
export type RoleRevoked = { type: 'RoleRevoked'; data: { role: Role; revokedBy: string; revokedAt: string } };
export type AccountDisabled = { type: 'AccountDisabled'; data: { disabledBy: string; disabledAt: string } };
/** An admin cleared the lockout that failed log-ins put on the account's address (kept outside the log, by LogInGuard). */
export type LogInUnlocked = { type: 'LogInUnlocked'; data: { unlockedBy: string; unlockedAt: string } };
/**
 * The person's key is destroyed with this event: their email and name in earlier events can
 * never be read again (crypto-shredding), and the account is closed for good.
 */
export type PersonalDataErased = { type: 'PersonalDataErased'; data: { erasedBy: string; erasedAt: string } };

export type AccountEvent =
  | AccountSignedUp
  | AccountInvited
  | EmailVerificationRequested
  | EmailVerified
  | LoggedIn
  | RefreshTokenRotated
  | RefreshTokenReuseDetected
  | LoggedOut
  | PasswordResetRequested
  | PasswordReset
  | PasswordRehashed
  | RoleGranted
  | RoleRevoked
  | AccountDisabled
  | LogInUnlocked
  | PersonalDataErased;

export const initialState = (): Account => ({ status: 'none' });

/** The password hash of an account nobody has set a password for: of no scheme, so no password ever matches it. */
export const NO_PASSWORD = '';

const withoutFamily = (families: RefreshFamily[], familyId: string): RefreshFamily[] =>
  families.filter((family) => family.familyId !== familyId);

/** Families whose last token has expired can never be used again; keeping them only grows the state. */
const alive = (families: RefreshFamily[], at: string): RefreshFamily[] => families.filter((family) => family.expiresAt > at);

export const evolve = (state: Account, event: AccountEvent): Account => {
  if (event.type === 'AccountSignedUp') {
    const { accountId, email, name, passwordHash, roles } = event.data;
    return {
      status: 'unverified',
      accountId,
      email,
      name,
      passwordHash,
      roles: [...roles],
      families: [],
      passwordReset: undefined,
      verification: undefined,
      invited: false,
    };
  }
  if (event.type === 'AccountInvited') {
    const { accountId, email, name, roles, tokenHash, expiresAt } = event.data;
    return {
      status: 'unverified',
      accountId,
      email,
      name,
      passwordHash: NO_PASSWORD,
      roles: [...roles],
      families: [],
      passwordReset: { tokenHash, expiresAt },
      verification: undefined,
      invited: true,
    };
  }
  if (state.status === 'none' || state.status === 'erased') return state;
  switch (event.type) {
    case 'EmailVerificationRequested':
      return state.status === 'unverified'
        ? { ...state, verification: { tokenHash: event.data.tokenHash, expiresAt: event.data.expiresAt } }
        : state;
    case 'EmailVerified': {
      if (state.status !== 'unverified') return state;
      const { verification: _, invited: __, ...rest } = state;
      return { ...rest, status: 'active' };
    }
    case 'LoggedIn': {
      const { familyId, refreshTokenHash, expiresAt, loggedInAt } = event.data;
      const family = { familyId, currentHash: refreshTokenHash, expiresAt, rotatedHashes: [] };
      return { ...state, families: [...alive(state.families, loggedInAt), family] };
    }
    case 'RefreshTokenRotated': {
      const { familyId, refreshTokenHash, expiresAt } = event.data;
      return {
        ...state,
        families: state.families.map((family) =>
          family.familyId === familyId
            ? { familyId, currentHash: refreshTokenHash, expiresAt, rotatedHashes: [...family.rotatedHashes, family.currentHash] }
            : family,
        ),
      };
    }
    case 'RefreshTokenReuseDetected':
    case 'LoggedOut':
      return { ...state, families: withoutFamily(state.families, event.data.familyId) };
    case 'PasswordResetRequested':
      return { ...state, passwordReset: { tokenHash: event.data.tokenHash, expiresAt: event.data.expiresAt } };
    case 'PasswordReset':
      return { ...state, passwordHash: event.data.passwordHash, passwordReset: undefined, families: [] };
    case 'RoleGranted':
      return state.roles.includes(event.data.role) ? state : { ...state, roles: [...state.roles, event.data.role] };
    case 'RoleRevoked':
      return { ...state, roles: state.roles.filter((role) => role !== event.data.role) };
    case 'PasswordRehashed':
      return { ...state, passwordHash: event.data.passwordHash };
    case 'AccountDisabled': {
      const { accountId, email, name, passwordHash, roles } = state;
      return { status: 'disabled', accountId, email, name, passwordHash, roles, families: [], passwordReset: undefined };
    }
    // A lockout is no part of the account's state: the event is the record of who lifted it.
    case 'LogInUnlocked':
      return state;
    case 'PersonalDataErased':
      return { status: 'erased', accountId: state.accountId };
    default: {
      // An event type this code does not know (written by a newer version) changes nothing here.
      const _unknown: never = event;
      return state;
    }
  }
};
