import type { Account } from '../../domain/account/account.js';
import { accountDecider } from '../../domain/account/business-logic.js';
import type { Role } from '../../domain/actor.js';
import { DomainError } from '../../domain/domain-error.js';
import { accountStream } from '../../domain/streams.js';
import type { StreamLoader } from '../folded-streams.js';
import type { TokenService, VerifiedAccess } from './token-service.js';

/**
 * How long a session, once found alive, is taken as alive without asking the log again: the
 * most a logout, password reset, role change or disabling waits before the access tokens it
 * ends are refused. Short, since an access token lives 15 minutes.
 */
export const SESSION_CHECK_CACHE_MS = 5_000;
/** Live sessions remembered at once; beyond it the memory starts over rather than growing. */
const MAX_REMEMBERED = 10_000;

export interface AccessTokenCheckOptions {
  /** SESSION_CHECK_CACHE_MS unless a spec shortens it. */
  cacheMs?: number;
}

const sameRoles = (a: readonly Role[], b: readonly Role[]): boolean => a.length === b.length && a.every((role) => b.includes(role));

/**
 * Whether the account's state still backs the token: the account is active with the token's
 * roles (after a grant or a revoke the holder refreshes to a token with the new ones), and the
 * log-in's refresh family lives (a logout, a password reset, a detected reuse and disabling
 * all end it). Every token a log-in or a refresh hands out names its family; one without was
 * minted by specs or tools that hold the signing key, for a made-up or a given account.
 */
const backs = (account: Account, { actor, sessionId }: VerifiedAccess): boolean => {
  if (account.status === 'none') return sessionId === undefined;
  return (
    account.status === 'active' &&
    sameRoles(actor.roles, account.roles) &&
    (sessionId === undefined || account.families.some((family) => family.familyId === sessionId))
  );
};

/**
 * Verifies an access token and that its session has not ended since it was issued. The
 * account is folded from the store (the truth, and shared by every process; the read model
 * lags), caught up from where its last check left it. Only live answers are remembered, for
 * `cacheMs`: a refused token is asked about afresh each time, so a new log-in never waits.
 */
export class AccessTokenCheck {
  private readonly alive = new Map<string, number>();
  /** Also how often a websocket asks again about the sessions its subscriptions run on. */
  readonly cacheMs: number;

  constructor(
    private readonly tokens: TokenService,
    private readonly accounts: StreamLoader,
    options: AccessTokenCheckOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? SESSION_CHECK_CACHE_MS;
  }

  async verify(token: string): Promise<VerifiedAccess> {
    const access = await this.tokens.verifyAccess(token);
    const key = `${access.actor.accountId} ${access.sessionId ?? ''} ${access.actor.roles.join(',')}`;
    if ((this.alive.get(key) ?? 0) > Date.now()) return access;
    const account = await this.accounts.load(accountDecider, accountStream(access.actor.accountId));
    if (!backs(account, access)) throw new DomainError('UNAUTHENTICATED', 'The access token\'s session has ended: log in again');
    if (this.alive.size >= MAX_REMEMBERED) this.alive.clear();
    this.alive.set(key, Date.now() + this.cacheMs);
    return access;
  }
}
