import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseInstant } from '../../../domain/values.js';
import type { HistoryRecord } from '../history-record.js';

/** A line of a history file that is not a HistoryRecord: says which line, and what is wrong with it. */
export class HistoryFileError extends Error {}

const REQUIRED_TEXT = ['attendeeId', 'eventId', 'sessionId'] as const;
const REQUIRED_TIMES = ['sessionStartsAt', 'sessionEndsAt', 'registeredAt'] as const;

const text = (record: Record<string, unknown>, field: string, required: boolean): string | undefined => {
  const value = record[field];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.length === 0 || !value.isWellFormed()) throw new Error(`${field} must be non-empty, well-formed text`);
  return value;
};

const time = (record: Record<string, unknown>, field: string, required: boolean): string | undefined => {
  const value = record[field];
  if (value === undefined && !required) return undefined;
  const parsed = parseInstant(value);
  if (parsed === undefined) throw new Error(`${field} must be an RFC 3339 date-time with an offset, such as 2026-03-01T18:00:00Z`);
  return new Date(parsed).toISOString();
};

const flag = (record: Record<string, unknown>, field: string, required: boolean): boolean | undefined => {
  const value = record[field];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'boolean') throw new Error(`${field} must be true or false`);
  return value;
};

/** One line as a record, every time in canonical UTC; throws a plain Error saying what is wrong. */
export const parseHistoryLine = (line: string): HistoryRecord => {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error('is not JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('is not a JSON object');
  const record = value as Record<string, unknown>;
  const parsed: HistoryRecord = {
    ...(Object.fromEntries(REQUIRED_TEXT.map((field) => [field, text(record, field, true)])) as Pick<HistoryRecord, (typeof REQUIRED_TEXT)[number]>),
    ...(Object.fromEntries(REQUIRED_TIMES.map((field) => [field, time(record, field, true)])) as Pick<HistoryRecord, (typeof REQUIRED_TIMES)[number]>),
    attended: flag(record, 'attended', true)!,
  };
  const optional = {
    timeZone: text(record, 'timeZone', false),
    requiresApproval: flag(record, 'requiresApproval', false),
    confirmedAt: time(record, 'confirmedAt', false),
    promotedFromWaitlist: flag(record, 'promotedFromWaitlist', false),
  };
  for (const [field, given] of Object.entries(optional)) if (given !== undefined) Object.assign(parsed, { [field]: given });
  if (parsed.sessionEndsAt < parsed.sessionStartsAt) throw new Error('sessionEndsAt is before sessionStartsAt');
  return parsed;
};

/**
 * Reads a JSON Lines history, one HistoryRecord per line (blank lines skipped), streaming so
 * a year of a big organizer's sessions does not have to fit in one string. The first bad
 * line stops it with a HistoryFileError naming the line.
 */
export const readHistoryFile = async (path: string): Promise<HistoryRecord[]> => {
  const records: HistoryRecord[] = [];
  const seen = new Set<string>();
  let number = 0;
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    number += 1;
    if (line.trim() === '') continue;
    let record: HistoryRecord;
    try {
      record = parseHistoryLine(line);
    } catch (error) {
      throw new HistoryFileError(`${path}, line ${number}: ${(error as Error).message}`);
    }
    const key = `${record.sessionId}\u0000${record.attendeeId}`;
    if (seen.has(key)) throw new HistoryFileError(`${path}, line ${number}: attendee ${record.attendeeId} is at session ${record.sessionId} twice`);
    seen.add(key);
    records.push(record);
  }
  return records;
};
