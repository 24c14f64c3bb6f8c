// Over 300 lines on purpose: every command of the account's decider, given / when / then, one describe per state.
import { describe, expect, it } from 'vitest';
import type { Actor } from '../actor.js';
import { deciderSpec } from '../../../test/decider-spec.js';
import { type AccountEvent, evolve, initialState } from './account.js';
import { type AccountCommand, WRONG_CREDENTIALS, accountDecider } from './business-logic.js';

const now = new Date('2030-01-01T12:00:00.000Z');
const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
const iso = (date: Date) => date.toISOString();

const admin: Actor = { accountId: 'admin-1', roles: ['admin'] };
const organizer: Actor = { accountId: 'organizer-1', roles: ['organizer'] };

const given = (...events: AccountEvent[]) => deciderSpec(accountDecider)(events);

const signedUp: AccountEvent = {
  type: 'AccountSignedUp',
  data: { accountId: 'acc-1', email: 'ada@example.org', name: 'Ada', passwordHash: 'hash-1', roles: ['attendee'], signedUpAt: iso(now) },
};
const verificationRequested: AccountEvent = {
  type: 'EmailVerificationRequested',
  data: { tokenHash: 'verify-hash', expiresAt: iso(later(60)), requestedAt: iso(now) },
};
const verified: AccountEvent = { type: 'EmailVerified', data: { verifiedAt: iso(now) } };
const loggedIn = (familyId = 'family-1', hash = 'refresh-1', expiresAt = later(60)): AccountEvent => ({
  type: 'LoggedIn',
  data: { familyId, refreshTokenHash: hash, expiresAt: iso(expiresAt), loggedInAt: iso(now) },
});
const rotated = (familyId: string, hash: string): AccountEvent => ({
  type: 'RefreshTokenRotated',
  data: { familyId, refreshTokenHash: hash, expiresAt: iso(later(60)), rotatedAt: iso(now) },
});
const disabled: AccountEvent = { type: 'AccountDisabled', data: { disabledBy: 'admin-1', disabledAt: iso(now) } };
const resetRequested: AccountEvent = {
  type: 'PasswordResetRequested',
  data: { tokenHash: 'reset-hash', expiresAt: iso(later(60)), requestedAt: iso(now) },
};
const active = [signedUp, verificationRequested, verified];

const logInCommand = (overrides: Partial<Extract<AccountCommand, { type: 'LogIn' }>['data']> = {}): AccountCommand => ({
  type: 'LogIn',
  data: {
    passwordMatches: true,
    checkedHash: 'hash-1',
    familyId: 'family-9',
    refreshTokenHash: 'refresh-9',
    refreshExpiresAt: later(60),
    now,
    ...overrides,
  },
});
const rotate = (presentedHash: string, at = now): AccountCommand => ({
  type: 'RotateRefreshToken',
  data: { presentedHash, refreshTokenHash: 'refresh-new', refreshExpiresAt: later(120), now: at },
});

describe('Signing up', () => {
  const command: AccountCommand = {
    type: 'SignUp',
    data: {
      accountId: 'acc-1',
      email: 'ada@example.org',
      name: 'Ada',
      passwordHash: 'hash-1',
      verification: { tokenHash: 'verify-hash', expiresAt: iso(later(60)) },
      now,
    },
  };

  it('creates an unverified attendee and asks for email verification', () =>
    given().when(command).then([signedUp, verificationRequested]));

  it('refuses an account id that is taken', () => given(signedUp).when(command).thenRefuses('CONFLICT'));

  it('stores the address lower-cased and the name trimmed', () =>
    given()
      .when({ ...command, data: { ...command.data, email: ' Ada@Example.ORG', name: ' Ada ' } } as AccountCommand)
      .then([signedUp, verificationRequested]));

  // A stream cannot hold these; refused before anything is stored, they cannot fail a sign-up half-way.
  it.each([
    ['a lone surrogate in the name', { name: 'x\uD800' }, /name must be well-formed Unicode/],
    ['a control character in the name', { name: 'Ada\u0007' }, /name must not hold control characters/],
    ['a blank name', { name: '   ' }, /name must be 1 to 100 characters/],
    ['a name too long', { name: 'n'.repeat(101) }, /name must be 1 to 100 characters/],
    ['a NUL in the email', { email: 'ada\u0000@example.org' }, /email must not hold control characters/],
    ['a lone surrogate in the email', { email: 'ada\uDC00@example.org' }, /email must be well-formed Unicode/],
    ['an email that is no address', { email: 'ada.example.org' }, /email must be an email address/],
    ['an email too long', { email: `${'a'.repeat(250)}@example.org` }, /email must be 3 to 254 characters/],
  ])('refuses %s', (_case, change, message) =>
    given().when({ ...command, data: { ...command.data, ...change } } as AccountCommand).thenRefuses('VALIDATION', message));
});

describe('Inviting someone an organizer registers', () => {
  const invitation = { tokenHash: 'invite-hash', expiresAt: iso(later(7 * 24 * 60)) };
  const invite = (by: Actor, changes: object = {}): AccountCommand =>
    ({ type: 'InviteAccount', data: { accountId: 'acc-1', email: 'ada@example.org', name: 'Ada', invitation, by, now, ...changes } }) as AccountCommand;
  const invited: AccountEvent = {
    type: 'AccountInvited',
    data: { accountId: 'acc-1', email: 'ada@example.org', name: 'Ada', roles: ['attendee'], invitedBy: 'organizer-1', invitedAt: iso(now), ...invitation },
  };
  const setPassword = (tokenHash = 'invite-hash', at = now): AccountCommand => ({ type: 'ResetPassword', data: { tokenHash, passwordHash: 'hash-2', now: at } });
  const passwordSet: AccountEvent = { type: 'PasswordReset', data: { passwordHash: 'hash-2', resetAt: iso(now) } };

  it('makes an attendee account without a password, its invitation pending as a password reset', () => {
    given().when(invite(organizer, { email: ' Ada@Example.org ', name: ' Ada ' })).then([invited]);
    const account = [invited].reduce(evolve, initialState());
    expect(account).toMatchObject({ status: 'unverified', invited: true, passwordHash: '', passwordReset: invitation });
  });

  it('refuses an attendee, an account that exists, and what a stream cannot hold', () => {
    given().when(invite({ accountId: 'x', roles: ['attendee'] })).thenRefuses('FORBIDDEN');
    given(signedUp).when(invite(admin)).thenRefuses('CONFLICT');
    given().when(invite(organizer, { email: 'ada\u0000@example.org' })).thenRefuses('VALIDATION', /email/);
    given().when(invite(organizer, { name: 'x\uD800' })).thenRefuses('VALIDATION', /name must be well-formed Unicode/);
  });

  it('verifies the address when the invitation’s link sets the first password', () =>
    given(invited).when(setPassword()).then([passwordSet, verified]));

  it('verifies with any reset link while the invitation is unanswered, and only then', () => {
    given(invited, resetRequested).when(setPassword('reset-hash')).then([passwordSet, verified]);
    given(...active, resetRequested).when(setPassword('reset-hash')).then([passwordSet]);
  });

  it('refuses the link once used, once expired, or for another token', () => {
    given(invited, passwordSet, verified).when(setPassword()).thenRefuses('UNAUTHENTICATED', /not valid/);
    given(invited).when(setPassword('invite-hash', later(7 * 24 * 60 + 1))).thenRefuses('UNAUTHENTICATED', /expired/);
    given(invited).when(setPassword('other')).thenRefuses('UNAUTHENTICATED', /not valid/);
  });

  it('lets nobody log in before a password is set', () =>
    given(invited, verified).when(logInCommand({ checkedHash: '' })).thenRefuses('UNAUTHENTICATED'));
});

describe('Asking for a new verification token', () => {
  const resend: AccountCommand = {
    type: 'RequestEmailVerification',
    data: { verification: { tokenHash: 'verify-hash-2', expiresAt: iso(later(120)) }, now: later(60) },
  };
  const requestedAgain: AccountEvent = {
    type: 'EmailVerificationRequested',
    data: { tokenHash: 'verify-hash-2', expiresAt: iso(later(120)), requestedAt: iso(later(60)) },
  };

  it('sends a new token to an account that has not verified', () =>
    given(signedUp, verificationRequested).when(resend).then([requestedAgain]));

  it('makes the token sent before stop working', () =>
    given(signedUp, verificationRequested, requestedAgain)
      .when({ type: 'VerifyEmail', data: { tokenHash: 'verify-hash', now: later(61) } })
      .thenRefuses('UNAUTHENTICATED', /not valid/));

  it('refuses an account that has verified', () => given(...active).when(resend).thenRefuses('CONFLICT', /already verified/));

  it('refuses a disabled account', () => given(signedUp, verificationRequested, disabled).when(resend).thenRefuses('FORBIDDEN'));

  it('refuses an account that does not exist', () => given().when(resend).thenRefuses('NOT_FOUND'));
});

describe('Verifying the email address', () => {
  const verify = (tokenHash = 'verify-hash', at = now): AccountCommand => ({ type: 'VerifyEmail', data: { tokenHash, now: at } });

  it('activates the account with the token that was sent', () =>
    given(signedUp, verificationRequested).when(verify()).then([verified]));

  it('refuses a token that was not sent', () =>
    given(signedUp, verificationRequested).when(verify('other')).thenRefuses('UNAUTHENTICATED', /not valid/));

  it('refuses an expired token', () =>
    given(signedUp, verificationRequested).when(verify('verify-hash', later(61))).thenRefuses('UNAUTHENTICATED', /expired/));

  // A token is judged before anything else, so that whoever does not hold it learns nothing of the account.
  it.each([
    ['that does not exist', [], 'verify-hash'],
    ['that never got a token', [signedUp], 'verify-hash'],
    ['that has verified, with the token it used', active, 'verify-hash'],
    ['that has verified, with another token', active, 'other'],
    ['that is disabled', [signedUp, verificationRequested, disabled], 'verify-hash'],
  ])('refuses a token naming an account %s as not valid, and says nothing more', (_case, history, tokenHash) =>
    given(...history).when(verify(tokenHash)).thenRefuses('UNAUTHENTICATED', /^This verification link is not valid$/));
});

describe('Logging in', () => {
  it('starts a refresh token family', () =>
    given(...active).when(logInCommand()).then([loggedIn('family-9', 'refresh-9')]));

  const rehashed: AccountEvent = { type: 'PasswordRehashed', data: { passwordHash: 'hash-2', rehashedAt: iso(now) } };

  it('replaces a hash older or weaker than today\'s along with the log-in', () =>
    given(...active).when(logInCommand({ rehashedPasswordHash: 'hash-2' })).then([loggedIn('family-9', 'refresh-9'), rehashed]));

  it('checks the next log-in against the new hash', () =>
    given(...active, rehashed).when(logInCommand({ checkedHash: 'hash-2' })).then([loggedIn('family-9', 'refresh-9')]));

  it('refuses a password checked against the hash it replaced', () =>
    given(...active, rehashed).when(logInCommand({ checkedHash: 'hash-1' })).thenRefuses('UNAUTHENTICATED', WRONG_CREDENTIALS));

  it('keeps the sessions alive when it rehashes', () =>
    given(...active, loggedIn(), rehashed)
      .when(rotate('refresh-1'))
      .then([
        {
          type: 'RefreshTokenRotated',
          data: { familyId: 'family-1', refreshTokenHash: 'refresh-new', expiresAt: iso(later(120)), rotatedAt: iso(now) },
        },
      ]));

  it('refuses a wrong password', () =>
    given(...active).when(logInCommand({ passwordMatches: false })).thenRefuses('UNAUTHENTICATED', WRONG_CREDENTIALS));

  it('refuses a password checked against a hash that has since changed', () =>
    given(...active).when(logInCommand({ checkedHash: 'old-hash' })).thenRefuses('UNAUTHENTICATED', WRONG_CREDENTIALS));

  it('refuses an unknown account as a wrong password', () =>
    given().when(logInCommand()).thenRefuses('UNAUTHENTICATED', WRONG_CREDENTIALS));

  it('refuses an unverified account', () =>
    given(signedUp, verificationRequested).when(logInCommand()).thenRefuses('FORBIDDEN', /Verify your email/));

  it('refuses a disabled account', () => given(...active, disabled).when(logInCommand()).thenRefuses('FORBIDDEN', /disabled/));

  it('tells a disabled account nothing without the right password', () =>
    given(...active, disabled).when(logInCommand({ passwordMatches: false })).thenRefuses('UNAUTHENTICATED'));
});

describe('Rotating a refresh token', () => {
  it('replaces the current token of its family', () =>
    given(...active, loggedIn())
      .when(rotate('refresh-1'))
      .then([
        {
          type: 'RefreshTokenRotated',
          data: { familyId: 'family-1', refreshTokenHash: 'refresh-new', expiresAt: iso(later(120)), rotatedAt: iso(now) },
        },
      ]));

  it('revokes the whole family when an already-rotated token comes back', () =>
    given(...active, loggedIn(), rotated('family-1', 'refresh-2'))
      .when(rotate('refresh-1'))
      .then([{ type: 'RefreshTokenReuseDetected', data: { familyId: 'family-1', detectedAt: iso(now) } }]));

  it('refuses every token of a family revoked for reuse', () =>
    given(
      ...active,
      loggedIn(),
      rotated('family-1', 'refresh-2'),
      { type: 'RefreshTokenReuseDetected', data: { familyId: 'family-1', detectedAt: iso(now) } },
    )
      .when(rotate('refresh-2'))
      .thenRefuses('UNAUTHENTICATED', /not valid/));

  it('leaves other families alone when one is revoked', () =>
    given(
      ...active,
      loggedIn('family-1', 'refresh-1'),
      loggedIn('family-2', 'refresh-a'),
      rotated('family-1', 'refresh-2'),
      { type: 'RefreshTokenReuseDetected', data: { familyId: 'family-1', detectedAt: iso(now) } },
    )
      .when(rotate('refresh-a'))
      .then([
        {
          type: 'RefreshTokenRotated',
          data: { familyId: 'family-2', refreshTokenHash: 'refresh-new', expiresAt: iso(later(120)), rotatedAt: iso(now) },
        },
      ]));

  it('refuses an unknown token', () => given(...active, loggedIn()).when(rotate('forged')).thenRefuses('UNAUTHENTICATED', /not valid/));

  it('refuses an expired token', () =>
    given(...active, loggedIn()).when(rotate('refresh-1', later(61))).thenRefuses('UNAUTHENTICATED', /expired/));

  it('refuses a token naming an account that does not exist', () => given().when(rotate('refresh-1')).thenRefuses('UNAUTHENTICATED'));

  it('refuses tokens of an account disabled since', () =>
    given(...active, loggedIn(), disabled).when(rotate('refresh-1')).thenRefuses('UNAUTHENTICATED'));

  it('refuses tokens issued before a password reset', () =>
    given(...active, loggedIn(), { type: 'PasswordReset', data: { passwordHash: 'hash-2', resetAt: iso(now) } })
      .when(rotate('refresh-1'))
      .thenRefuses('UNAUTHENTICATED'));
});

describe('Logging out', () => {
  const logOut = (refreshTokenHash: string): AccountCommand => ({ type: 'LogOut', data: { refreshTokenHash, now } });

  it('revokes the family of the current token', () =>
    given(...active, loggedIn()).when(logOut('refresh-1')).then([{ type: 'LoggedOut', data: { familyId: 'family-1', loggedOutAt: iso(now) } }]));

  it('revokes the family of a rotated token too', () =>
    given(...active, loggedIn(), rotated('family-1', 'refresh-2'))
      .when(logOut('refresh-1'))
      .then([{ type: 'LoggedOut', data: { familyId: 'family-1', loggedOutAt: iso(now) } }]));

  it('refuses a family that is logged out already', () =>
    given(...active, loggedIn(), { type: 'LoggedOut', data: { familyId: 'family-1', loggedOutAt: iso(now) } })
      .when(logOut('refresh-1'))
      .thenRefuses('UNAUTHENTICATED'));

  it('refuses a token naming an account that does not exist', () => given().when(logOut('refresh-1')).thenRefuses('UNAUTHENTICATED'));
});

describe('Resetting a password', () => {
  const request: AccountCommand = {
    type: 'RequestPasswordReset',
    data: { reset: { tokenHash: 'reset-hash', expiresAt: iso(later(60)) }, now },
  };
  const reset = (tokenHash = 'reset-hash', at = now): AccountCommand => ({
    type: 'ResetPassword',
    data: { tokenHash, passwordHash: 'hash-2', now: at },
  });

  it('sends a one-time token on request', () => given(...active).when(request).then([resetRequested]));

  it('refuses a request for an account that does not exist', () => given().when(request).thenRefuses('NOT_FOUND'));

  it('refuses a request for a disabled account', () => given(...active, disabled).when(request).thenRefuses('FORBIDDEN'));

  it('sets the new password hash with the token that was sent', () =>
    given(...active, resetRequested).when(reset()).then([{ type: 'PasswordReset', data: { passwordHash: 'hash-2', resetAt: iso(now) } }]));

  it('logs every session out', () => {
    const state = [...active, loggedIn('f1', 'r1'), loggedIn('f2', 'r2'), resetRequested, { type: 'PasswordReset', data: { passwordHash: 'hash-2', resetAt: iso(now) } } as AccountEvent].reduce(evolve, initialState());
    expect(state.status === 'active' && state.families).toEqual([]);
  });

  it('refuses a token that was not sent', () =>
    given(...active, resetRequested).when(reset('other')).thenRefuses('UNAUTHENTICATED', /not valid/));

  it('refuses a token used once already', () =>
    given(...active, resetRequested, { type: 'PasswordReset', data: { passwordHash: 'hash-2', resetAt: iso(now) } })
      .when(reset())
      .thenRefuses('UNAUTHENTICATED', /not valid/));

  it('refuses an expired token', () =>
    given(...active, resetRequested).when(reset('reset-hash', later(61))).thenRefuses('UNAUTHENTICATED', /expired/));

  it('refuses without a request', () => given(...active).when(reset()).thenRefuses('UNAUTHENTICATED'));

  it('refuses a token naming an account that does not exist', () => given().when(reset()).thenRefuses('UNAUTHENTICATED'));

  it('refuses a disabled account as it refuses a token that was not sent', () =>
    given(...active, resetRequested, disabled).when(reset()).thenRefuses('UNAUTHENTICATED', /^This password reset link is not valid$/));

  it('tells the holder of the token that the account is disabled, and nobody else', () => {
    const requestedAfter: AccountEvent = { ...resetRequested, data: { ...resetRequested.data, requestedAt: iso(later(1)) } };
    given(...active, disabled, requestedAfter).when(reset()).thenRefuses('FORBIDDEN', /disabled/);
    given(...active, disabled, requestedAfter).when(reset('other')).thenRefuses('UNAUTHENTICATED', /^This password reset link is not valid$/);
  });
});

describe('Granting and revoking roles', () => {
  const grant = (role: 'admin' | 'organizer' | 'staff' | 'attendee', by: Actor = admin): AccountCommand => ({
    type: 'GrantRole',
    data: { role, by, now },
  });
  const revoke = (role: 'admin' | 'organizer' | 'staff' | 'attendee', by: Actor = admin): AccountCommand => ({
    type: 'RevokeRole',
    data: { role, by, now },
  });
  const granted = (role: 'admin' | 'organizer'): AccountEvent => ({
    type: 'RoleGranted',
    data: { role, grantedBy: 'admin-1', grantedAt: iso(now) },
  });

  it('lets an admin grant a role', () => given(...active).when(grant('organizer')).then([granted('organizer')]));

  it('refuses a grant by a non-admin', () => given(...active).when(grant('organizer', organizer)).thenRefuses('FORBIDDEN'));

  it('refuses a role the account has', () => given(...active).when(grant('attendee')).thenRefuses('CONFLICT'));

  it('refuses a grant to an account that does not exist', () => given().when(grant('staff')).thenRefuses('NOT_FOUND'));

  it('lets an admin revoke a role', () =>
    given(...active, granted('organizer'))
      .when(revoke('organizer'))
      .then([{ type: 'RoleRevoked', data: { role: 'organizer', revokedBy: 'admin-1', revokedAt: iso(now) } }]));

  it('refuses a revocation by a non-admin', () =>
    given(...active, granted('organizer')).when(revoke('organizer', organizer)).thenRefuses('FORBIDDEN'));

  it('refuses a role the account does not have', () => given(...active).when(revoke('staff')).thenRefuses('CONFLICT'));

  it('refuses an admin revoking their own admin role', () =>
    given(...active, granted('admin')).when(revoke('admin', { accountId: 'acc-1', roles: ['admin'] })).thenRefuses('FORBIDDEN'));

  it('refuses a revocation on an account that does not exist', () => given().when(revoke('staff')).thenRefuses('NOT_FOUND'));

  it('keeps the roles in the state', () => {
    const state = [...active, granted('organizer'), granted('admin')].reduce(evolve, initialState());
    expect(state.status === 'active' && state.roles).toEqual(['attendee', 'organizer', 'admin']);
  });
});

describe('Disabling an account', () => {
  const disable = (by: Actor = admin): AccountCommand => ({ type: 'DisableAccount', data: { by, now } });

  it('lets an admin disable an account', () => given(...active).when(disable()).then([disabled]));

  it('refuses a non-admin', () => given(...active).when(disable(organizer)).thenRefuses('FORBIDDEN'));

  it('refuses an account disabled already', () => given(...active, disabled).when(disable()).thenRefuses('CONFLICT'));

  it('refuses an admin disabling themselves', () =>
    given(...active).when(disable({ accountId: 'acc-1', roles: ['admin'] })).thenRefuses('FORBIDDEN'));

  it('refuses an account that does not exist', () => given().when(disable()).thenRefuses('NOT_FOUND'));
});

describe('Unlocking log-ins', () => {
  const unlock = (by: Actor = admin): AccountCommand => ({ type: 'UnlockLogIn', data: { by, now } });

  it('records which admin lifted the lockout', () =>
    given(...active).when(unlock()).then([{ type: 'LogInUnlocked', data: { unlockedBy: 'admin-1', unlockedAt: iso(now) } }]));

  it('changes nothing else about the account', () => {
    const before = active.reduce(evolve, initialState());
    expect(evolve(before, { type: 'LogInUnlocked', data: { unlockedBy: 'admin-1', unlockedAt: iso(now) } })).toBe(before);
  });

  it('refuses a non-admin', () => given(...active).when(unlock(organizer)).thenRefuses('FORBIDDEN'));

  it('refuses an account that does not exist', () => given().when(unlock()).thenRefuses('NOT_FOUND'));
});

describe('Erasing an account', () => {
  const owner: Actor = { accountId: 'acc-1', roles: ['attendee'] };
  const erase = (by: Actor, reauthenticated?: boolean): AccountCommand => ({
    type: 'EraseAccount',
    data: { by, ...(reauthenticated === undefined ? {} : { reauthenticated }), now },
  });
  const erased: AccountEvent = { type: 'PersonalDataErased', data: { erasedBy: 'acc-1', erasedAt: iso(now) } };

  it('lets the owner erase it after confirming their password', () => given(...active).when(erase(owner, true)).then([erased]));

  it('refuses the owner without their password confirmed', () =>
    given(...active).when(erase(owner, false)).thenRefuses('UNAUTHENTICATED', /password is wrong/));

  it('lets an admin erase any account, disabled or unverified ones too', () => {
    const byAdmin: AccountEvent = { type: 'PersonalDataErased', data: { erasedBy: 'admin-1', erasedAt: iso(now) } };
    given(...active, disabled).when(erase(admin)).then([byAdmin]);
    given(signedUp, verificationRequested).when(erase(admin)).then([byAdmin]);
  });

  it('refuses anyone else, with or without a password', () => {
    given(...active).when(erase(organizer, true)).thenRefuses('FORBIDDEN');
    given(...active).when(erase(organizer)).thenRefuses('FORBIDDEN', /Only an admin/);
  });

  it('refuses the admin way for your own account: only eraseMyAccount, with the password, erases it', () => {
    given(...active).when(erase({ accountId: 'acc-1', roles: ['admin'] })).thenRefuses('FORBIDDEN', /eraseMyAccount/);
    given(...active).when(erase(owner)).thenRefuses('FORBIDDEN', /Only an admin/);
  });

  it('refuses an account erased already', () => given(...active, erased).when(erase(admin)).thenRefuses('CONFLICT', /erased already/));

  it('refuses an account that does not exist', () => given().when(erase(admin)).thenRefuses('NOT_FOUND'));

  it('leaves nothing but the id: no address, name, password or sessions', () => {
    const state = [...active, loggedIn(), erased].reduce(evolve, initialState());
    expect(state).toEqual({ status: 'erased', accountId: 'acc-1' });
  });

  it('refuses every later command, logging in included', () => {
    given(...active, erased).when(logInCommand()).thenRefuses('UNAUTHENTICATED', WRONG_CREDENTIALS);
    given(...active, erased).when({ type: 'GrantRole', data: { role: 'staff', by: admin, now } }).thenRefuses('NOT_FOUND');
  });
});
