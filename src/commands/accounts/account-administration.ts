import { type ExistingAccount, isExisting } from '../../domain/account/account.js';
import type { AccountCommand } from '../../domain/account/business-logic.js';
import type { Actor, Role } from '../../domain/actor.js';
import { DomainError } from '../../domain/domain-error.js';
import type { Position } from '../../eventstore/position.js';
import { type AccountStreams, type AccountView, type Request, positionOf, view } from './account-streams.js';
import type { LogInGuard } from './login-guard.js';
import { storedAccount } from './stored-accounts.js';

/** What admins do to other accounts: roles, disabling, and log-in lockouts. */
export class AccountAdministration {
  constructor(
    private readonly streams: AccountStreams,
    /** Whose lockouts an unlock lifts and `logInLockout` reports; without it there are none. */
    private readonly logInGuard: LogInGuard | undefined,
  ) {}

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
    const account = await storedAccount(this.streams.store, input.accountId);
    if (!isExisting(account)) throw new DomainError('NOT_FOUND', 'No account has this id');
    return this.logInGuard ? this.logInGuard.lockoutOf(account.email) : { failures: 0, lockedUntil: null };
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
    const now = this.streams.clock();
    const result = await this.streams.handle(accountId, this.streams.context(request, by.accountId, now), command(by, now));
    return { account: view(result.state as ExistingAccount), position: positionOf(result) };
  }
}
