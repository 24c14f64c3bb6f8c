import { isUuid } from '../uuid.js';
import { InvalidInputError } from './errors.js';
import type { EventData, ExpectedRevision } from './event-store.js';

/**
 * EventStoreDB's default MaxAppendSize (1 MiB), counted as its server counts an append: each
 * event's data and metadata bytes plus twice its type's length (the type as UTF-16). Every
 * store refuses above it, so an append that passes here on PostgreSQL never meets a raw
 * MaxAppendSizeExceeded on EventStoreDB.
 */
export const MAX_APPEND_BYTES = 1_048_576;
export const MAX_EVENTS_PER_APPEND = 1_000;
const MAX_JSON_DEPTH = 64;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/;
const ENVELOPE_STRINGS = ['correlationId', 'causationId', 'actorId', 'commandId'] as const;

export interface ValidatedEvent {
  id: string;
  type: string;
  data: string;
  metadata: string;
}

/**
 * Checks a whole append before any I/O, so a bad event rejects the batch and nothing is written.
 * Returns the events with lower-cased ids and their JSON text.
 */
export const validateAppend = (
  streamId: unknown,
  events: readonly EventData[],
  expectedRevision: ExpectedRevision,
): ValidatedEvent[] => {
  validateStreamId(streamId);
  validateExpectedRevision(expectedRevision);
  if (!Array.isArray(events) || events.length === 0) throw new InvalidInputError('An append needs at least one event');
  if (events.length > MAX_EVENTS_PER_APPEND)
    throw new InvalidInputError(`An append holds at most ${MAX_EVENTS_PER_APPEND} events, got ${events.length}`);

  const ids = new Set<string>();
  let bytes = 0;
  const validated = events.map((event, index) => {
    const at = `event #${index}`;
    if (typeof event !== 'object' || event === null) throw new InvalidInputError(`${at} is not an object`);
    if (typeof event.id !== 'string' || !isUuid(event.id)) throw new InvalidInputError(`${at}: id must be a UUID`);
    const id = event.id.toLowerCase();
    if (ids.has(id)) throw new InvalidInputError(`${at}: id ${id} appears twice in one append`);
    ids.add(id);
    if (typeof event.type !== 'string' || !EVENT_TYPE.test(event.type))
      throw new InvalidInputError(
        `${at}: type must be 1-100 characters, start with a letter and use only letters, digits, _ . : -`,
      );
    assertJsonObject(event.data, `${at} data`);
    assertJsonObject(event.metadata, `${at} metadata`);
    validateEnvelope(event.metadata, at);
    const data = JSON.stringify(event.data);
    const metadata = JSON.stringify(event.metadata);
    bytes += Buffer.byteLength(data) + Buffer.byteLength(metadata) + 2 * event.type.length;
    return { id, type: event.type, data, metadata };
  });
  if (bytes > MAX_APPEND_BYTES)
    throw new InvalidInputError(
      `The append is ${bytes} bytes (data and metadata JSON, and twice each type's length, as EventStoreDB counts), above the limit of ${MAX_APPEND_BYTES}`,
    );
  return validated;
};

export function validateStreamId(streamId: unknown): asserts streamId is string {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > 200)
    throw new InvalidInputError('A stream id must be a string of 1-200 characters');
  // EventStoreDB reserves "$" streams for itself.
  if (streamId.startsWith('$')) throw new InvalidInputError(`Stream id "${streamId}" must not start with "$"`);
}

const validateExpectedRevision = (expected: unknown): void => {
  if (expected === 'no_stream' || expected === 'stream_exists' || expected === 'any') return;
  if (typeof expected === 'bigint' && expected >= 0n) return;
  throw new InvalidInputError(
    `Expected revision ${String(expected)} is not a revision: use 'no_stream', 'stream_exists', 'any' or a bigint >= 0`,
  );
};

const validateEnvelope = (metadata: Record<string, unknown>, at: string): void => {
  for (const key of ENVELOPE_STRINGS) {
    const value = metadata[key];
    if (typeof value !== 'string' || value.length === 0)
      throw new InvalidInputError(`${at}: metadata.${key} must be a non-empty string`);
  }
  const occurredAt = metadata.occurredAt;
  if (typeof occurredAt !== 'string' || Number.isNaN(Date.parse(occurredAt)))
    throw new InvalidInputError(`${at}: metadata.occurredAt must be an ISO-8601 time`);
  const version = metadata.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw new InvalidInputError(`${at}: metadata.schemaVersion must be an integer >= 1`);
};

export function assertJsonObject(value: unknown, at: string): asserts value is Record<string, unknown> {
  if (!isPlainObject(value)) throw new InvalidInputError(`${at} must be a JSON object`);
  assertJson(value, at, 0, new Set());
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/** JSON that survives a round trip unchanged through both stores (PostgreSQL's jsonb refuses NUL characters). */
const assertJson = (value: unknown, at: string, depth: number, ancestors: Set<object>): void => {
  if (depth > MAX_JSON_DEPTH) throw new InvalidInputError(`${at} is nested deeper than ${MAX_JSON_DEPTH} levels`);
  switch (typeof value) {
    case 'boolean':
      return;
    case 'string':
      if (value.includes('\u0000')) throw new InvalidInputError(`${at} contains a NUL character`);
      // jsonb refuses a lone surrogate's escape too; refused here so neither store ever half-writes one.
      if (!value.isWellFormed()) throw new InvalidInputError(`${at} is not well-formed Unicode (a lone surrogate)`);
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidInputError(`${at} is ${value}, which JSON cannot represent`);
      return;
    case 'object': {
      if (value === null) return;
      if (ancestors.has(value)) throw new InvalidInputError(`${at} contains a cycle`);
      if (!Array.isArray(value) && !isPlainObject(value))
        throw new InvalidInputError(`${at} is a ${value.constructor?.name ?? 'non-plain object'}, not JSON`);
      ancestors.add(value);
      // Array.from visits holes too, so a sparse array is refused rather than silently filled with null.
      const entries = Array.isArray(value) ? Array.from(value, (child, i) => [String(i), child] as const) : Object.entries(value);
      for (const [key, child] of entries) {
        if (key.includes('\u0000') || !key.isWellFormed()) throw new InvalidInputError(`${at} has a key with a NUL or a lone surrogate`);
        assertJson(child, `${at}.${key}`, depth + 1, ancestors);
      }
      ancestors.delete(value);
      return;
    }
    default:
      throw new InvalidInputError(`${at} is a ${typeof value}, which is not JSON`);
  }
};
