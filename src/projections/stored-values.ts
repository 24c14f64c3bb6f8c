import { isTimeZone } from '../domain/event/sessions.js';
import { FIRST_YEAR, LAST_YEAR, parseInstant } from '../domain/values.js';
import type { RecordedEvent } from '../eventstore/event-store.js';
import { formatPosition } from '../eventstore/position.js';
import { isUuid } from '../uuid.js';

/**
 * Total conversions from what an event holds to what a read-model column can store. The log
 * is forever and may hold anything an older version, another tool or a bug once appended: a
 * projection that threw on one value would stop at that event for good, so a value that
 * cannot be stored becomes null (or, for a key, the change is skipped) and is reported.
 */

/** A value of an event that a projection stored as null, or whose change it skipped. */
export interface UnstorableValue {
  eventId: string;
  type: string;
  streamId: string;
  position: string;
  /** Where in the event's data, e.g. `details.registrationOpensAt`. */
  field: string;
  problem: string;
}

export type OnUnstorable = (value: UnstorableValue) => void;

/** pino-shaped, like the runner's log. */
interface WarningLog {
  warn(details: object, message: string): void;
}

/** Reports unstorable values as warnings of `log`, with the event and field they come from. */
export const warnUnstorable =
  (log: WarningLog, projection: string): OnUnstorable =>
  (value) =>
    log.warn(
      { projection, ...value },
      `projection ${projection}: cannot store ${value.field} of event ${value.eventId} (${value.type} at ${value.position}), which ${value.problem}`,
    );

export const ignoreUnstorable: OnUnstorable = () => undefined;

/** An event's data as the log may hold it: the fields its type names, each of any value or missing. */
export type Fields<T> = { readonly [K in keyof T]?: unknown };

/** `value`'s fields when it is a plain object, none otherwise (a missing or mistyped object). */
export const fieldsOf = <T>(value: unknown): Fields<T> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields<T>) : {};

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const LONE_SURROGATE = /\p{Cs}/u;

// What a column stores of a value, or null when it cannot store it. Verification converts the
// domain's values with these too, so a value stored as null is no difference.

/** PostgreSQL text holds no NUL, and a lone surrogate would be stored changed (as U+FFFD): neither is kept. */
export const asText = (value: unknown): string | null =>
  typeof value === 'string' && !value.includes('\u0000') && !LONE_SURROGATE.test(value) ? value : null;

/**
 * Text that goes into an index: a btree entry holds at most about 2,700 bytes, so longer text
 * would fail the whole batch. No id, address or name the API admits comes near this.
 */
const MAX_INDEXED_BYTES = 1_000;
export const asIndexedText = (value: unknown): string | null => {
  const text = asText(value);
  return text !== null && Buffer.byteLength(text) <= MAX_INDEXED_BYTES ? text : null;
};

/** A UUID in PostgreSQL's lower-case form, so keys read back as they were gathered. */
export const asUuid = (value: unknown): string | null => (typeof value === 'string' && isUuid(value) ? value.toLowerCase() : null);

export const asInteger = (value: unknown): number | null =>
  Number.isInteger(value) && (value as number) >= INT_MIN && (value as number) <= INT_MAX ? (value as number) : null;

/** Canonical UTC text: what `parseInstant` cannot name, PostgreSQL's cast may refuse or silently roll over. */
export const asInstant = (value: unknown): string | null => {
  const time = parseInstant(value);
  return time === undefined ? null : new Date(time).toISOString();
};

/**
 * When the event happened, as the command that decided it said (`metadata.occurredAt`): the
 * time the business reads (a registration's, a check-in's). It is the store's own recording
 * time, give or take a moment, except for history appended after the fact (a seeded or
 * imported past); an event without a readable one falls back to its recording time.
 */
export const occurredAt = (recorded: RecordedEvent): Date => {
  const time = parseInstant(recorded.metadata?.occurredAt);
  return time === undefined ? recorded.recordedAt : new Date(time);
};

/**
 * The converters for one event's values. Each returns what the column stores, or null after
 * reporting the field; none throws.
 */
export const storedValues = (recorded: RecordedEvent, onUnstorable: OnUnstorable) => {
  const unstorable = (field: string, problem: string): null => {
    onUnstorable({
      eventId: recorded.id,
      type: recorded.type,
      streamId: recorded.streamId,
      position: formatPosition(recorded.position),
      field,
      problem,
    });
    return null;
  };
  return {
    /** Reports a change the projection leaves out, e.g. to a row no earlier event made. */
    skip: (field: string, problem: string): null => unstorable(field, problem),
    text: (value: unknown, field: string): string | null =>
      asText(value) ?? unstorable(field, 'is not text PostgreSQL can store (missing, not a string, a NUL or a lone surrogate)'),
    indexedText: (value: unknown, field: string): string | null =>
      asIndexedText(value) ?? unstorable(field, `is not text PostgreSQL can index (missing, not a string, a NUL, a lone surrogate or over ${MAX_INDEXED_BYTES} bytes)`),
    uuid: (value: unknown, field: string): string | null => asUuid(value) ?? unstorable(field, 'is not a UUID'),
    integer: (value: unknown, field: string): number | null => asInteger(value) ?? unstorable(field, 'is not a 32-bit whole number'),
    boolean: (value: unknown, field: string): boolean | null => (typeof value === 'boolean' ? value : unstorable(field, 'is not true or false')),
    instant: (value: unknown, field: string): string | null =>
      asInstant(value) ?? unstorable(field, `is not an RFC 3339 date-time between ${FIRST_YEAR} and ${LAST_YEAR}`),
    timeZone: (value: unknown, field: string): string | null => {
      const zone = asText(value);
      return zone !== null && isTimeZone(zone) ? zone : unstorable(field, 'is not an IANA time zone');
    },
    oneOf: <T extends string>(value: unknown, field: string, choices: readonly T[]): T | null =>
      choices.includes(value as T) ? (value as T) : unstorable(field, `is not one of ${choices.join(', ')}`),
    textList: (value: unknown, field: string): string[] | null =>
      Array.isArray(value) && value.every((item) => asText(item) !== null) ? value : unstorable(field, 'is not a list of text'),
  };
};

export type StoredValues = ReturnType<typeof storedValues>;
