import { isExisting } from '../../domain/account/account.js';
import type { Actor } from '../../domain/actor.js';
import { DomainError } from '../../domain/domain-error.js';
import type { Position } from '../../eventstore/position.js';
import type { PersonalDataKeys } from '../../personal-data/personal-data-keys.js';
import { type AccountStreams, type Request, positionOf } from './account-streams.js';
import type { LogInGuard } from './login-guard.js';
import { verifyPassword } from './passwords.js';
import { storedAccount } from './stored-accounts.js';

export interface Erasure {
  accountId: string;
  erasedAt: Date;
  position: Position;
}

/** Erasing an account's personal data: asked by its person, or by an admin on their behalf. */
export class Erasures {
  constructor(
    private readonly streams: AccountStreams,
    /** Whose keys an erasure destroys. */
    private readonly personalData: PersonalDataKeys,
    /** Forgets what else is kept about the person outside the log (failed log-ins, face data); runs after each erasure, told who erased. */
    private readonly forgetPerson: (accountId: string, by: Actor) => Promise<void>,
    /** Throttles the password confirmations as it throttles log-ins; without it none is refused. */
    private readonly logInGuard: LogInGuard | undefined,
  ) {}

  /** The person erases their own account, confirming it with their password. */
  async eraseMyAccount(input: { password: string }, request: Request): Promise<Erasure> {
    const by = request.actor;
    if (!by) throw new DomainError('UNAUTHENTICATED', 'Log in to erase your account');
    const stored = await storedAccount(this.streams.store, by.accountId);
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

  /**
   * Records the erasure, then destroys the key. Recorded first, so that the key is never gone
   * while the log still calls the account alive; a crash in between leaves the key until the
   * request is resent (a replayed command destroys it again, harmlessly).
   */
  private async erase(accountId: string, by: Actor, reauthenticated: boolean | undefined, request: Request): Promise<Erasure> {
    const now = this.streams.clock();
    const result = await this.streams.handle(accountId, this.streams.context(request, by.accountId, now), { type: 'EraseAccount', data: { by, ...(reauthenticated === undefined ? {} : { reauthenticated }), now } });
    const erased = result.events.find((event) => event.type === 'PersonalDataErased');
    const erasedAt = erased ? new Date(erased.data.erasedAt) : now;
    await this.personalData.erase(accountId, erasedAt);
    await this.forgetPerson(accountId, by);
    return { accountId, erasedAt, position: positionOf(result) };
  }
}
