/**
 * When signing keys rotate, decided from the keys' times alone (no I/O).
 *
 * A purpose's newest key is replaced once it is `rotationDays` old. Its successor is published
 * (in the JWKS) at once but signs only from `PUBLISH_AHEAD_MS` later, so scanners and services
 * that cache the JWKS (the API serves it with max-age 300) know a key before they meet a token
 * it signed. The key it replaces retires when the successor starts signing, loses its private
 * half (it never signs again) and keeps verifying until every token it signed can have expired:
 * an access token's lifetime, plus the time a process may still sign with a key it loaded before
 * a rotation it had not seen yet. Tickets carry no expiry (a ticket is good until its version is
 * superseded, see ticket-codes.ts), and a mailed one is kept until its event, so a retired ticket
 * key verifies for `ticketRetentionDays`; after that, tickets it signed are refused and their
 * holders fetch theirs again (a ticket read through the API is signed afresh by the current key).
 */
import type { KeySchedule } from '../../config.js';
import { KEY_PURPOSES, type KeyPurpose } from './signing-keys.js';
import { ACCESS_TOKEN_TTL_SECONDS, KEY_RELOAD_MS } from './token-service.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** How long a new key is published before it signs: far longer than anyone caches the JWKS. */
export const PUBLISH_AHEAD_MS = DAY;

/** Clocks of the processes that sign and of those that verify are not exactly the same. */
const CLOCK_SKEW_MS = 5 * MINUTE;

/** What the schedule needs to know about a stored key. */
export interface KeyTimes {
  kid: string;
  purpose: KeyPurpose;
  createdAt: Date;
  signsFrom: Date;
  /** When it stops signing (its successor's first moment); undefined while it has none. */
  retiredAt: Date | undefined;
  verifyUntil: Date | undefined;
  /** Whether its private half is still stored. */
  canSign: boolean;
}

/** What is due: purposes to give a new key, keys to take the private half from, keys to drop. */
export interface KeyWork {
  rotate: KeyPurpose[];
  destroyPrivate: string[];
  drop: string[];
}

export const nothingDue = (work: KeyWork): boolean => work.rotate.length + work.destroyPrivate.length + work.drop.length === 0;

export const dueWork = (keys: readonly KeyTimes[], now: Date, schedule: KeySchedule): KeyWork => {
  const rotate = KEY_PURPOSES.filter((purpose) => {
    const newest = Math.max(...keys.filter((key) => key.purpose === purpose).map((key) => key.createdAt.getTime()));
    return newest === -Infinity || newest + schedule.rotationDays[purpose] * DAY <= now.getTime();
  });
  return {
    rotate,
    destroyPrivate: keys.filter((key) => key.canSign && key.retiredAt && key.retiredAt <= now).map((key) => key.kid),
    drop: keys.filter((key) => key.verifyUntil && key.verifyUntil <= now).map((key) => key.kid),
  };
};

/** The times of a purpose's new key, and the retirement it brings the keys it replaces. */
export interface Succession {
  signsFrom: Date;
  /** Undefined for a purpose's first key, which replaces nothing. */
  predecessors: { retiredAt: Date; verifyUntil: Date } | undefined;
}

/**
 * A purpose's first key signs at once: nobody can have cached a JWKS without it. So does a
 * successor an admin asks for `immediately` (after a leak, say), at the price of verifiers
 * with a cached JWKS fetching it again on the unknown kid.
 */
export const succession = (
  purpose: KeyPurpose,
  hasPredecessors: boolean,
  now: Date,
  schedule: KeySchedule,
  immediately = false,
): Succession => {
  const signsFrom = hasPredecessors && !immediately ? new Date(now.getTime() + PUBLISH_AHEAD_MS) : now;
  if (!hasPredecessors) return { signsFrom, predecessors: undefined };
  const verifies =
    purpose === 'access' ? ACCESS_TOKEN_TTL_SECONDS * 1_000 + KEY_RELOAD_MS + CLOCK_SKEW_MS : schedule.ticketRetentionDays * DAY;
  return { signsFrom, predecessors: { retiredAt: signsFrom, verifyUntil: new Date(signsFrom.getTime() + verifies) } };
};
