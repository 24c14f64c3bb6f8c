import { normalizeIP } from '@fastify/rate-limit';
import type pg from 'pg';
import { normaliseEmail } from '../../domain/account/credentials.js';
import { DomainError } from '../../domain/domain-error.js';
import type { MasterKey } from '../../security/master-key.js';
import { type FailureCount, LOCKOUT, type Lockout, afterFailure, secondsUntil } from './login-backoff.js';

/** Why a log-in failed, as an admin reads it: a guess (the first two), or one refused unchecked. */
export type FailedLogInReason = 'wrong_password' | 'unknown_account' | 'locked' | 'ip_limited';

/** One log-in the guard let through to the password check, counted as a failure until it says otherwise. */
export interface LogInAttempt {
  /** The password was wrong, or the address has no account: recorded for admins. */
  failed(reason: 'wrong_password' | 'unknown_account'): Promise<void>;
  /** The password was right: the address's failures are forgotten, as Keycloak does. */
  succeeded(): Promise<void>;
}

/** Where a guarded log-in comes from; `accountId` is the address's account, if it has one. */
export interface LogInSource {
  email: string;
  /** The client's address as the server sees it; undefined for callers that are no client. */
  ip: string | undefined;
  accountId: string | undefined;
}

interface Refusal {
  reason: 'locked' | 'ip_limited';
  error: DomainError;
}

const HOUR = 60 * 60_000;

/** A log-in without a client address (none reaches here from the API) is counted in one network of its own. */
const NO_IP = 'unknown';

/** How often one process deletes what is past its keeping (failed log-ins past 30 days, counts past their reset). */
const PRUNE_EVERY_MS = HOUR;

/**
 * Brute-force protection for logIn, after Keycloak's: failures are counted per email address
 * (`login-backoff.ts` turns counts into waits) and per network, in PostgreSQL, so every API
 * process sees the same counts. An address is known here only by its keyed hash, and one
 * without an account is counted and locked exactly like one with: the answers tell nobody
 * which addresses have accounts. While an address or a network waits, a log-in is refused
 * before its password is checked, so a right guess then teaches nothing.
 *
 * An admitted log-in counts as a failure from the start, in the same transaction as the check
 * (the count's row locked), and is forgiven once its password proves right: guesses sent
 * side by side cannot all slip in before the first of them is counted. The per-network cap
 * counts recorded failures, so it can overshoot by the log-ins checking their passwords at
 * that moment, a handful (password hashing runs on libuv's four threads).
 */
export class LogInGuard {
  private readonly clock: () => Date;
  private readonly lockout: Lockout;
  private prunedAt = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly masterKey: MasterKey,
    options: { clock?: () => Date; lockout?: Lockout } = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.lockout = options.lockout ?? LOCKOUT;
  }

  /** Lets one log-in go on to its password check, or refuses it (RATE_LIMITED, recorded). */
  async admit(source: LogInSource): Promise<LogInAttempt> {
    const now = this.clock();
    const row = { addressKey: this.addressKey(source.email), accountId: source.accountId ?? null, ip: source.ip ?? NO_IP };
    // As the rate limits count it: an IPv4 address, an IPv6 /64 (what one home or phone is handed).
    const network = normalizeIP(row.ip);
    let refused: Refusal | undefined;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO rollcall.login_failure_counts (address_key, failures, last_failure_at) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING`,
        [row.addressKey, now],
      );
      const { rows } = await client.query<{ failures: number; last_failure_at: Date; not_before: Date | null }>(
        'SELECT failures, last_failure_at, not_before FROM rollcall.login_failure_counts WHERE address_key = $1 FOR UPDATE',
        [row.addressKey],
      );
      const stored = rows[0]!;
      const count: FailureCount | undefined =
        stored.failures > 0 ? { failures: stored.failures, lastFailureAt: stored.last_failure_at, notBefore: stored.not_before } : undefined;
      refused = await this.refusal(client, count, network, now);
      if (refused) await record(client, { ...row, network, at: now, reason: refused.reason });
      else {
        const next = afterFailure(count, now, this.lockout);
        await client.query(
          'UPDATE rollcall.login_failure_counts SET failures = $2, last_failure_at = $3, not_before = $4 WHERE address_key = $1',
          [row.addressKey, next.failures, next.lastFailureAt, next.notBefore],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
    if (refused) throw refused.error;
    await this.pruneWhenDue(now);
    return {
      failed: (reason) => record(this.pool, { ...row, network, at: this.clock(), reason }),
      succeeded: () => this.forget(row.addressKey),
    };
  }

  /** The address's failures since they were last forgotten, and until when its log-ins are refused (null: they are not). */
  async lockoutOf(email: string): Promise<{ failures: number; lockedUntil: Date | null }> {
    const { rows } = await this.pool.query<{ failures: number; last_failure_at: Date; not_before: Date | null }>(
      'SELECT failures, last_failure_at, not_before FROM rollcall.login_failure_counts WHERE address_key = $1',
      [this.addressKey(email)],
    );
    const now = this.clock();
    const row = rows[0];
    // A count past its reset time is as good as none: the next failure starts afresh.
    if (!row || now.getTime() - row.last_failure_at.getTime() > this.lockout.failureResetMs) return { failures: 0, lockedUntil: null };
    return { failures: row.failures, lockedUntil: row.not_before && row.not_before > now ? row.not_before : null };
  }

  /** Forgets the address's failures, so its log-ins are checked again at once (what a Keycloak admin's "unlock" does). */
  async unlock(email: string): Promise<void> {
    await this.forget(this.addressKey(email));
  }

  private addressKey(email: string): string {
    return this.masterKey.hmac('login-guard', normaliseEmail(email));
  }

  private async forget(addressKey: string): Promise<void> {
    await this.pool.query('DELETE FROM rollcall.login_failure_counts WHERE address_key = $1', [addressKey]);
  }

  /** Why a log-in is refused unchecked: its address waits, or its network failed too often within the hour. */
  private async refusal(client: pg.PoolClient, count: FailureCount | undefined, network: string, now: Date): Promise<Refusal | undefined> {
    if (count?.notBefore && count.notBefore > now) return { reason: 'locked', error: rateLimited('with this email address', count.notBefore, now) };
    // The failure that fills the network's hour: the network waits until it leaves the hour.
    const { rows } = await client.query<{ at: Date }>(
      `SELECT at FROM rollcall.failed_logins
        WHERE network = $1 AND reason IN ('wrong_password', 'unknown_account') AND at > $2
        ORDER BY at DESC OFFSET $3 LIMIT 1`,
      [network, new Date(now.getTime() - HOUR), this.lockout.ipFailuresPerHour - 1],
    );
    const filling = rows[0];
    if (filling) return { reason: 'ip_limited', error: rateLimited('from your network', new Date(filling.at.getTime() + HOUR), now) };
    return undefined;
  }

  /** Deletes failed log-ins past their keeping and counts past their reset, at most once an hour per process. */
  private async pruneWhenDue(now: Date): Promise<void> {
    if (now.getTime() - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now.getTime();
    await this.pool.query('DELETE FROM rollcall.failed_logins WHERE at < $1', [new Date(now.getTime() - this.lockout.retentionMs)]);
    await this.pool.query('DELETE FROM rollcall.login_failure_counts WHERE last_failure_at < $1', [new Date(now.getTime() - this.lockout.failureResetMs)]);
  }
}

const rateLimited = (scope: string, until: Date, now: Date): DomainError => {
  const retryAfterSeconds = secondsUntil(until, now);
  return new DomainError('RATE_LIMITED', `Too many failed log-ins ${scope}: try again in ${retryAfterSeconds} seconds`, { retryAfterSeconds });
};

const record = async (
  db: pg.Pool | pg.PoolClient,
  row: { at: Date; accountId: string | null; addressKey: string; ip: string; network: string; reason: FailedLogInReason },
): Promise<void> => {
  await db.query(
    'INSERT INTO rollcall.failed_logins (at, account_id, address_key, ip, network, reason) VALUES ($1, $2, $3, $4, $5, $6)',
    [row.at, row.accountId, row.addressKey, row.ip, row.network, row.reason],
  );
};

/** Deletes the failed log-ins recorded against the account (erasing a person erases these too). */
export const forgetFailedLogins = async (pool: pg.Pool, accountId: string): Promise<void> => {
  await pool.query('DELETE FROM rollcall.failed_logins WHERE account_id = $1', [accountId]);
};
