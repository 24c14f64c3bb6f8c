/**
 * What one attempt's answer means for its delivery and its webhook (pure: time and chance
 * come in). A 2xx delivers; 410 Gone says the receiver is gone for good and disables the
 * webhook; anything else (another status, no answer in time, a refused address) is tried
 * again with exponential backoff and jitter until about a day has passed since the first
 * attempt, and a webhook whose deliveries have failed for 3 days with none delivered is
 * disabled: its owner is told, rather than Rollcall knocking on a dead door for ever.
 */

export interface RetryPolicy {
  /** The pause after the first failed attempt, doubled after each one after it. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** How long after its first attempt a delivery is given up. */
  giveUpAfterMs: number;
  /** How long a webhook may fail without a single delivery before it is disabled. */
  disableAfterMs: number;
}

const HOUR = 3_600_000;

/**
 * 10 s, 20 s, 40 s … up to 2 h between attempts, each ±50 % so that a receiver that comes
 * back is not hit by every delivery at once: about 20 attempts over 24 h.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { firstDelayMs: 10_000, maxDelayMs: 2 * HOUR, giveUpAfterMs: 24 * HOUR, disableAfterMs: 72 * HOUR };

/** The pause after failed attempt number `attempt` (1 for the first); `random` in [0, 1). */
export const retryDelayMs = (policy: RetryPolicy, attempt: number, random: number): number => {
  const base = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(base * (0.5 + random));
};

export interface AttemptAnswer {
  /** The receiver's status; undefined when none came. */
  statusCode: number | undefined;
}

export type DisableReason = 'gone' | 'failing';

export type DeliveryVerdict = { kind: 'delivered' } | { kind: 'retry'; delayMs: number } | { kind: 'failed' };

export interface Verdict {
  delivery: DeliveryVerdict;
  /** The webhook's failing_since from now on: null once something was delivered. */
  failingSince: Date | null;
  disable?: DisableReason;
}

export interface AttemptContext {
  answer: AttemptAnswer;
  /** This attempt's number, 1 for the first. */
  attempt: number;
  firstAttemptAt: Date;
  failingSince: Date | null;
  /** An admin's redelivery is one attempt: it is not retried, and a failed one changes nothing. */
  redelivery: boolean;
  now: Date;
  random: number;
}

export const isDelivered = (answer: AttemptAnswer): boolean => answer.statusCode !== undefined && answer.statusCode >= 200 && answer.statusCode < 300;

export const judgeAttempt = (policy: RetryPolicy, context: AttemptContext): Verdict => {
  const { answer, now } = context;
  if (isDelivered(answer)) return { delivery: { kind: 'delivered' }, failingSince: null };
  const failingSince = context.failingSince ?? now;
  if (answer.statusCode === 410) return { delivery: { kind: 'failed' }, failingSince, disable: 'gone' };
  if (now.getTime() - failingSince.getTime() >= policy.disableAfterMs) return { delivery: { kind: 'failed' }, failingSince, disable: 'failing' };
  if (context.redelivery) return { delivery: { kind: 'failed' }, failingSince };
  const delayMs = retryDelayMs(policy, context.attempt, context.random);
  const retryAt = now.getTime() + delayMs;
  if (retryAt - context.firstAttemptAt.getTime() > policy.giveUpAfterMs) return { delivery: { kind: 'failed' }, failingSince };
  return { delivery: { kind: 'retry', delayMs }, failingSince };
};

/**
 * What the verdicts of one batch's attempts make of their webhook: one delivery that went
 * through means its receiver works (no longer failing, not disabled for failing); otherwise
 * it has failed since the earliest failure. A 410 disables it whatever else happened.
 */
export const webhookVerdict = (verdicts: readonly Verdict[]): Pick<Verdict, 'failingSince' | 'disable'> => {
  const healthy = verdicts.some((verdict) => verdict.failingSince === null);
  const failingSince = healthy ? null : new Date(Math.min(...verdicts.map((verdict) => verdict.failingSince!.getTime())));
  const disable = verdicts.some((verdict) => verdict.disable === 'gone') ? 'gone' : !healthy && verdicts.some((verdict) => verdict.disable === 'failing') ? 'failing' : undefined;
  return { failingSince, ...(disable ? { disable } : {}) };
};
