import { DomainError } from '../domain-error.js';
import { inSupportedYears, instant } from '../values.js';
import type { Session } from './event.js';

export interface SessionPlan {
  startsAt: string;
  endsAt: string;
  /** Minutes before the start that doors open for check-in (default 60). */
  checkInOpensMinutesBefore?: number;
  /** Minutes after the end that check-in stays open (default 0). */
  checkInClosesMinutesAfter?: number;
  /** Repeat at the same local time, e.g. weekly for 8 weeks; the first occurrence counts. */
  repeat?: { every: 'day' | 'week'; count: number };
}

const MAX_OCCURRENCES = 366;
const MINUTE = 60_000;

/** One formatter per zone: making one costs far more than using it, and deciding a command may use it often. */
const formatters = new Map<string, Intl.DateTimeFormat>();

const formatterOf = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

/** Offset of `timeZone` from UTC at `time`, in milliseconds. */
const zoneOffset = (time: number, timeZone: string): number => {
  const parts = Object.fromEntries(
    formatterOf(timeZone)
      .formatToParts(time)
      .map((p) => [p.type, Number(p.value)]),
  );
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - Math.floor(time / 1000) * 1000;
};

/** `time` moved by whole days on the local calendar of `timeZone`, keeping its wall-clock time across DST changes. */
export const addLocalDays = (time: number, days: number, timeZone: string): number => {
  const local = time + zoneOffset(time, timeZone) + days * 86_400_000;
  // The offset at the target depends on the target itself; two rounds settle it.
  let guess = local - zoneOffset(local, timeZone);
  guess = local - zoneOffset(guess, timeZone);
  return guess;
};

/**
 * The IANA time zone `timeZone` names, spelt as IANA spells it ("europe/warsaw" is
 * Europe/Warsaw), or undefined when it names none. Aliases stay as given: "EST" resolves to
 * America/Panama, which is not what an organizer who wrote EST would recognise.
 */
export const knownTimeZone = (timeZone: unknown): string | undefined => {
  if (typeof timeZone !== 'string' || timeZone.length > 64) return undefined;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
    return resolved.toLowerCase() === timeZone.toLowerCase() ? resolved : timeZone;
  } catch {
    return undefined;
  }
};

export const isTimeZone = (timeZone: unknown): boolean => knownTimeZone(timeZone) !== undefined;

/** Expands a plan into its sessions; `sessionIds` come with the command, one per occurrence. */
export const expandSessions = (plan: SessionPlan, timeZone: string, sessionIds: (index: number) => string): Session[] => {
  const start = Date.parse(instant(plan.startsAt, 'startsAt'));
  const end = Date.parse(instant(plan.endsAt, 'endsAt'));
  if (end <= start) throw new DomainError('VALIDATION', 'A session must end after it starts');
  const before = plan.checkInOpensMinutesBefore ?? 60;
  const after = plan.checkInClosesMinutesAfter ?? 0;
  for (const [name, value] of [
    ['checkInOpensMinutesBefore', before],
    ['checkInClosesMinutesAfter', after],
  ] as const)
    if (!Number.isInteger(value) || value < 0 || value > 1440)
      throw new DomainError('VALIDATION', `${name} must be a whole number of minutes from 0 to 1440`);
  const count = plan.repeat?.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_OCCURRENCES)
    throw new DomainError('VALIDATION', `A session repeats from 1 to ${MAX_OCCURRENCES} times`);
  const step = plan.repeat?.every === 'day' ? 1 : 7;
  const sessions = Array.from({ length: count }, (_, i) => {
    const startsAt = addLocalDays(start, i * step, timeZone);
    const endsAt = addLocalDays(end, i * step, timeZone);
    return {
      sessionId: sessionIds(i),
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(endsAt).toISOString(),
      checkInOpensAt: new Date(startsAt - before * MINUTE).toISOString(),
      checkInClosesAt: new Date(endsAt + after * MINUTE).toISOString(),
    };
  });
  // Check-in windows and repeats reach beyond the times given; what they reach must be storable too.
  const reach = [sessions[0]!.checkInOpensAt, sessions.at(-1)!.checkInClosesAt];
  if (!reach.every((time) => inSupportedYears(Date.parse(time))))
    throw new DomainError('VALIDATION', 'The sessions and their check-in windows must fall within the years 2000-2100');
  return sessions;
};
