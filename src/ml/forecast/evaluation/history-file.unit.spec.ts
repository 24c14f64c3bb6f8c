import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HistoryFileError, readHistoryFile } from './history-file.js';

const dir = mkdtempSync(join(tmpdir(), 'history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const fileOf = (lines: string[]): string => {
  const path = join(dir, `history-${(files += 1)}.jsonl`);
  writeFileSync(path, lines.join('\n'));
  return path;
};

const record = {
  attendeeId: 'ann',
  eventId: 'yoga',
  sessionId: 'yoga-1',
  sessionStartsAt: '2026-03-02T18:00:00+01:00',
  sessionEndsAt: '2026-03-02T19:30:00+01:00',
  registeredAt: '2026-02-20T09:15:00Z',
  attended: true,
};

describe('reading a history file', () => {
  it('reads one record per line, skipping blank ones, with times in UTC and the optional fields given', () => {
    const path = fileOf([JSON.stringify(record), '', JSON.stringify({ ...record, attendeeId: 'bob', attended: false, timeZone: 'Europe/Warsaw', promotedFromWaitlist: true })]);
    return expect(readHistoryFile(path)).resolves.toEqual([
      { ...record, sessionStartsAt: '2026-03-02T17:00:00.000Z', sessionEndsAt: '2026-03-02T18:30:00.000Z', registeredAt: '2026-02-20T09:15:00.000Z' },
      {
        ...record,
        attendeeId: 'bob',
        attended: false,
        timeZone: 'Europe/Warsaw',
        promotedFromWaitlist: true,
        sessionStartsAt: '2026-03-02T17:00:00.000Z',
        sessionEndsAt: '2026-03-02T18:30:00.000Z',
        registeredAt: '2026-02-20T09:15:00.000Z',
      },
    ]);
  });

  it.each([
    ['not JSON', '{"attendeeId":', /line 2: is not JSON/],
    ['a missing field', JSON.stringify({ ...record, attended: undefined }), /line 2: attended must be true or false/],
    ['a date that does not exist', JSON.stringify({ ...record, registeredAt: '2026-02-30T09:00:00Z' }), /line 2: registeredAt must be an RFC 3339 date-time/],
    ['a time without an offset', JSON.stringify({ ...record, sessionStartsAt: '2026-03-02T18:00:00' }), /line 2: sessionStartsAt must be/],
    ['a lone surrogate', JSON.stringify({ ...record, attendeeId: 'ann\ud800' }), /line 2: attendeeId must be non-empty, well-formed text/],
    ['a session that ends before it starts', JSON.stringify({ ...record, sessionEndsAt: '2026-03-01T00:00:00Z' }), /line 2: sessionEndsAt is before sessionStartsAt/],
    ['the same attendee twice at one session', JSON.stringify(record), /line 2: attendee ann is at session yoga-1 twice/],
  ])('stops at %s, naming the line', async (_case, line, message) => {
    const path = fileOf([JSON.stringify(record), line]);
    await expect(readHistoryFile(path)).rejects.toThrow(HistoryFileError);
    await expect(readHistoryFile(path)).rejects.toThrow(message);
  });
});
