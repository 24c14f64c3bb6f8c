import { DomainError } from './domain-error.js';

/**
 * The checks every value from outside passes before a decider lets it into an event. An
 * event is stored forever and every projection, export and consumer reads it back, so what
 * one of them cannot store or parse must never get in: a lone surrogate breaks PostgreSQL's
 * jsonb, a NUL breaks its text, and `Date.parse` accepts dates no calendar has.
 */

/** Control characters (C0 and C1, DEL), which no field shows; tab and newlines are allowed in multi-line text only. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;
/** A surrogate code unit that is not half of a pair: not Unicode at all. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Why `value` is not acceptable text, or undefined when it is. */
export const textProblem = (value: unknown, options: { multiline?: boolean } = {}): string | undefined => {
  if (typeof value !== 'string') return 'must be text';
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode';
  if ((options.multiline ? CONTROL_EXCEPT_LINES : CONTROL).test(value))
    return options.multiline ? 'must not hold control characters other than tabs and line breaks' : 'must not hold control characters or line breaks';
  return undefined;
};

export interface TextRule {
  min: number;
  max: number;
  multiline?: boolean;
}

/** `value` as a checked string: well-formed, no stray control characters, a length within the rule. */
export const text = (value: unknown, name: string, rule: TextRule): string => {
  const problem = textProblem(value, rule);
  if (problem) throw new DomainError('VALIDATION', `${name} ${problem}`);
  const checked = value as string;
  if (checked.trim().length < rule.min || checked.length > rule.max)
    throw new DomainError('VALIDATION', `${name} must be ${rule.min === 0 ? 'at most' : `${rule.min} to`} ${rule.max} characters`);
  return checked;
};

/** RFC 3339 date-time with a zone designator; fractions beyond milliseconds are refused rather than silently cut. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2100;

/** Whether `time` (milliseconds) falls within the years 2000-2100 in UTC, the range every stored time keeps to. */
export const inSupportedYears = (time: number): boolean => {
  const year = new Date(time).getUTCFullYear();
  return year >= FIRST_YEAR && year <= LAST_YEAR;
};

/**
 * The instant `value` names, in milliseconds, or undefined when it names none: every field must
 * be in range for its calendar (no 30 February, no hour 24, no leap second, which JavaScript
 * cannot represent), the offset below 24 hours, and the instant within 2000-2100 in UTC.
 */
export const parseInstant = (value: unknown): number | undefined => {
  if (typeof value !== 'string') return undefined;
  const match = RFC3339.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const millis = Number((match[7] ?? '').padEnd(3, '0'));
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const calendar = new Date(local);
  if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;
  const offsetHours = Number(match[9] ?? 0);
  const offsetMinutes = Number(match[10] ?? 0);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000 * (match[8] === '-' ? -1 : 1);
  const time = local - offset;
  return inSupportedYears(time) ? time : undefined;
};

/** `value` as a canonical UTC instant (`toISOString` form), so every stored time reads back as it was written. */
export const instant = (value: unknown, name: string): string => {
  const time = parseInstant(value);
  if (time === undefined)
    throw new DomainError('VALIDATION', `${name} must be an RFC 3339 date-time between ${FIRST_YEAR} and ${LAST_YEAR}, e.g. 2026-07-02T16:00:00Z`);
  return new Date(time).toISOString();
};
