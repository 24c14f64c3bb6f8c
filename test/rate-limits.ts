import { RATE_LIMITS, type RateLimits } from '../src/rate-limits/limits.js';

/** Limits no spec reaches: every request of a spec comes from one address, and most specs are about something else. */
export const LIMITS_OUT_OF_THE_WAY = Object.fromEntries(
  Object.entries(RATE_LIMITS).map(([name, limit]) => [name, { ...limit, max: 1_000_000_000 }]),
) as RateLimits;
