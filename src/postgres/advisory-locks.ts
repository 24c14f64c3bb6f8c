/**
 * Every PostgreSQL advisory lock Rollcall takes, in one place, so that no two uses share a key
 * by accident. A key only works if every process uses the same one, old and new code during a
 * deploy included: a value here is never changed or given to another use.
 *
 * PostgreSQL keeps one-key locks (`pg_advisory_lock(bigint)`) and two-key locks
 * (`pg_advisory_lock(int, int)`) apart, so a number may appear in both tables below.
 */

/** Locks on one fixed key: one holder at a time across all processes. */
export const ADVISORY_LOCK = {
  /** Applying migrations: several processes may start at once against one database. */
  migrations: 7_301_001,
  /** Creating the token signing keys, so two processes starting at once create one set. */
  signingKeys: 7_301_002,
  /** pg-boss's schema and queue set-up, DDL that two processes starting at once deadlock on. */
  jobsSetup: 7_301_006,
} as const;

/** First keys of two-key locks; the second key is `hashtext` of the name of what is locked. */
export const ADVISORY_LOCK_CLASS = {
  /** The one active log follower per name and kind (src/log-follower/); the others wait as hot standbys. */
  projection: 7_301_003,
  forwarder: 7_301_005,
  reactor: 7_301_007,
  /** One builder per shadow schema (a rebuild or a verification of a projection). */
  shadowSchema: 7_301_004,
  /** Forecasts of one event are replaced one refresh at a time. */
  forecast: 7_301_010,
} as const;
