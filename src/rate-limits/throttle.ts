import { normalizeIP } from '@fastify/rate-limit';
import { normaliseEmail } from '../domain/account/credentials.js';
import { DomainError } from '../domain/domain-error.js';
import { type Limit, type LimitName, RATE_LIMITS, type RateLimits, type Subject } from './limits.js';

/** Where attempts are counted: PostgreSQL in every process (PostgresCounters), so that they all count against one limit. */
export interface Counters {
  /** Counts one hit on `key`: in its window, or in a new one from `now` if that has ended. */
  hit(key: string, windowMs: number, now: Date): Promise<{ hits: number; windowEnds: Date }>;
}

export interface ThrottleOptions {
  counters: Counters;
  /** A keyed hash (`masterKey.hmac('throttle', …)`), so that the counters hold no address, IP or session id. */
  hash: (subject: string) => string;
  /** RATE_LIMITS unless a spec needs small ones. */
  limits?: RateLimits;
  clock?: () => Date;
}

/** One attempt's subjects, by the limits that count them; an absent one (a token without a session) is not counted. */
export type Attempt = Partial<Record<LimitName, string | undefined>>;

/** One subject in one spelling: an IPv6 address by its /64 (one home or phone), an address as it is stored. */
const canonical: Record<Subject, (subject: string) => string> = {
  network: (ip) => normalizeIP(ip),
  address: normaliseEmail,
  session: (id) => id,
  account: (id) => id,
};

const inWords = (seconds: number): string => (seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`);

/** The refusal of an attempt over `limit`, which may be made again after `retryAfterSeconds`. */
export const rateLimited = (limit: Limit, retryAfterSeconds: number): DomainError =>
  new DomainError('RATE_LIMITED', `${limit.refusal}: try again in ${inWords(retryAfterSeconds)}`, { retryAfterSeconds });

/**
 * Fixed-window rate limits: each attempt is counted against every limit it names, and refused
 * with RATE_LIMITED (and `retryAfterSeconds`) once any of them has had its `max` in the
 * current window. Attempts refused are counted too, so hammering on keeps the window full.
 */
export class Throttle {
  private readonly counters: Counters;
  private readonly hash: (subject: string) => string;
  private readonly limits: RateLimits;
  private readonly clock: () => Date;

  constructor(options: ThrottleOptions) {
    this.counters = options.counters;
    this.hash = options.hash;
    this.limits = options.limits ?? RATE_LIMITS;
    this.clock = options.clock ?? (() => new Date());
  }

  async attempt(attempt: Attempt): Promise<void> {
    const now = this.clock();
    // A limit that is off (an infinite max) is not counted: nothing could be refused by it.
    const counted = Object.entries(attempt).filter(([name, subject]) => subject !== undefined && Number.isFinite(this.limits[name as LimitName].max));
    if (counted.length === 0) return;
    const counts = await Promise.all(counted.map(([name, subject]) => this.count(name as LimitName, subject!, now)));
    const over = counts.filter(({ hits, limit }) => hits > limit.max);
    if (over.length === 0) return;
    const longest = over.reduce((a, b) => (b.windowEnds > a.windowEnds ? b : a));
    throw rateLimited(longest.limit, Math.max(1, Math.ceil((longest.windowEnds.getTime() - now.getTime()) / 1_000)));
  }

  private async count(name: LimitName, subject: string, now: Date) {
    const limit = this.limits[name];
    const counted = await this.counters.hit(`${name}:${this.hash(canonical[limit.per](subject))}`, limit.windowMs, now);
    return { ...counted, limit };
  }
}
