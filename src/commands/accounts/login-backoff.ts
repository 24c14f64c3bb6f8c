/**
 * How log-in failures turn into waits: Keycloak's brute-force detection ("lockout
 * temporarily"), with every number in one place. Pure, so the arithmetic is tested without a
 * clock or a database; `LogInGuard` keeps the counts in PostgreSQL.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Keycloak's parameters, tightened where its defaults suit a realm of staff more than an
 * attendee log-in. OWASP ASVS 2.2.1 asks that no more than 100 guesses an hour get through on
 * one account; from the 5th failure on every guess here costs a wait of a minute or more.
 */
export const LOCKOUT = {
  /** Keycloak's "Max login failures" (its default is 30): failures before waits start. */
  failureFactor: 5,
  /** Keycloak's "Wait increment": the wait grows by this every `failureFactor` failures… */
  waitIncrementMs: MINUTE,
  /** …up to Keycloak's "Max wait", its default: long enough to stop guessing, short enough that an owner locked out by someone else can wait it off. */
  maxFailureWaitMs: 15 * MINUTE,
  /** Keycloak's "Failure reset time", its default: failures older than this are forgotten. */
  failureResetMs: 12 * HOUR,
  /** Keycloak's "Quick login check": a failure within this of the one before is a script, not a person… */
  quickLoginCheckMs: SECOND,
  /** …and waits Keycloak's "Minimum quick login wait", its default. */
  minimumQuickLoginWaitMs: MINUTE,
  /**
   * Failed log-ins from one network (an IPv4 address, an IPv6 /64) across every address, an
   * hour: credential stuffing tries each address once or twice, which the per-address count
   * never sees. A hundred is far more than the people behind one shared address (an office, a
   * venue's wifi) get wrong in an hour.
   */
  ipFailuresPerHour: 100,
  /** How long failed log-ins are kept for admins to look at. */
  retentionMs: 30 * 24 * HOUR,
} as const;

export type Lockout = typeof LOCKOUT;

/** The failures counted against one email address (its keyed hash, whether or not it has an account). */
export interface FailureCount {
  failures: number;
  lastFailureAt: Date;
  /** Before this, log-ins with the address are refused without looking at the password. */
  notBefore: Date | null;
}

/** The count once one more failure happened at `now`: Keycloak's `DefaultBruteForceProtector.failure`. */
export const afterFailure = (count: FailureCount | undefined, now: Date, lockout: Lockout = LOCKOUT): FailureCount => {
  const sinceLast = count ? now.getTime() - count.lastFailureAt.getTime() : Infinity;
  const failures = (count && sinceLast <= lockout.failureResetMs ? count.failures : 0) + 1;
  let waitMs = lockout.waitIncrementMs * Math.floor(failures / lockout.failureFactor);
  if (waitMs === 0 && sinceLast < lockout.quickLoginCheckMs) waitMs = lockout.minimumQuickLoginWaitMs;
  waitMs = Math.min(waitMs, lockout.maxFailureWaitMs);
  return { failures, lastFailureAt: now, notBefore: waitMs > 0 ? new Date(now.getTime() + waitMs) : null };
};

/** Whole seconds until `until`, at least 1: what a client is told to wait (`retryAfterSeconds`). */
export const secondsUntil = (until: Date, now: Date): number => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / SECOND));

