const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Who a limit counts: a network (an IPv4 address, an IPv6 /64), an email address, a log-in session, an account. */
export type Subject = 'network' | 'address' | 'session' | 'account';

export interface Limit {
  per: Subject;
  /** Attempts a window lets through; the next ones are refused until it ends. */
  max: number;
  windowMs: number;
  /** What the refusal says was too much, for the person who reads it. */
  refusal: string;
}

/**
 * Every rate limit in one place. Networks get room for the people behind one shared address
 * (an office, a venue's wifi) and addresses for a person who clicks again; both stop scripts,
 * which need thousands. Per-address limits count an address whether or not it has an account,
 * so being refused tells nobody which addresses have one.
 */
export const RATE_LIMITS = {
  /** Every HTTP request but /healthz, /readyz and /metrics: about 16 a second, far above a busy browser tab or a door scanner. */
  requestsPerNetwork: { per: 'network', max: 1_000, windowMs: MINUTE, refusal: 'Too many requests from your network' },
  /** Each costs a password hash (tens of milliseconds of CPU) and two appends. */
  signUpsPerNetwork: { per: 'network', max: 20, windowMs: HOUR, refusal: 'Too many sign-ups from your network' },
  passwordResetsPerNetwork: { per: 'network', max: 20, windowMs: HOUR, refusal: 'Too many password reset requests from your network' },
  /** A person asks again when a mail is slow; five an hour is plenty for that and too few to flood an inbox. */
  passwordResetsPerAddress: { per: 'address', max: 5, windowMs: HOUR, refusal: 'Too many password reset requests for this address' },
  verificationResendsPerNetwork: { per: 'network', max: 20, windowMs: HOUR, refusal: 'Too many verification mails asked for from your network' },
  verificationResendsPerAddress: { per: 'address', max: 5, windowMs: HOUR, refusal: 'Too many verification mails asked for this address' },
  /**
   * A door scanner reads about one ticket a second at most; twice that is room for bursts.
   * A script guessing ticket codes needs millions, and a device at this rate tries 7,200 an hour.
   */
  scansPerSession: { per: 'session', max: 120, windowMs: MINUTE, refusal: 'Too many scans from this device' },
  /** One staff member scanning on a few devices at once; a script cannot get around the per-device limit by logging in again. */
  scansPerAccount: { per: 'account', max: 360, windowMs: MINUTE, refusal: 'Too many scans by this account' },
  /** Each photo runs the face models (tens of milliseconds of CPU); a person retakes a photo a few times, not hundreds. */
  faceEnrollmentsPerAccount: { per: 'account', max: 30, windowMs: HOUR, refusal: 'Too many face enrollments by this account' },
} as const satisfies Record<string, Limit>;

/**
 * How often the owner of an address hears that someone tried to sign up with it: once a window
 * at most (one mail job per address and window), so that nobody can flood their inbox with
 * these. Never a refusal: the sign-up is answered as one with a new address.
 */
export const SIGN_UP_ATTEMPT_NOTICE_WINDOW_MS = HOUR;

export type LimitName = keyof typeof RATE_LIMITS;
export type RateLimits = Record<LimitName, Limit>;

/** Limits nothing reaches (`RATE_LIMITS=off`): for load tests on a closed network, and specs about something else. */
export const NO_LIMITS = Object.fromEntries(Object.entries(RATE_LIMITS).map(([name, limit]) => [name, { ...limit, max: Number.POSITIVE_INFINITY }])) as RateLimits;
