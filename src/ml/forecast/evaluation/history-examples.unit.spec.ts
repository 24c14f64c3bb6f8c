import { describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../history-record.js';
import { examplesOf } from './history-examples.js';

const occasion = (attendeeId: string, sessionId: string, startsAt: string, extra: Partial<HistoryRecord> = {}): HistoryRecord => ({
  attendeeId,
  eventId: 'yoga',
  sessionId,
  sessionStartsAt: startsAt,
  sessionEndsAt: startsAt.replace('T18', 'T19'),
  registeredAt: '2026-02-01T00:00:00.000Z',
  attended: true,
  ...extra,
});

describe('a history as training examples', () => {
  it('places each session in its event’s series by start time and counts its confirmed registrations', () => {
    const examples = examplesOf([
      occasion('ann', 'second', '2026-03-09T18:00:00.000Z'),
      occasion('ann', 'first', '2026-03-02T18:00:00.000Z'),
      occasion('bob', 'first', '2026-03-02T18:00:00.000Z'),
      occasion('ann', 'other', '2026-03-01T18:00:00.000Z', { eventId: 'chess' }),
    ]);
    expect(examples.map((e) => [e.sessionId, e.sessionIndex, e.confirmed])).toEqual([
      ['second', 1, 1],
      ['first', 0, 2],
      ['first', 0, 2],
      ['other', 0, 1],
    ]);
  });

  it('carries the optional fields, and nulls for those left out', () => {
    const [given, absent] = examplesOf([
      occasion('ann', 'a', '2026-03-02T18:00:00.000Z', { timeZone: 'Europe/Warsaw', requiresApproval: true, confirmedAt: '2026-02-03T00:00:00.000Z', promotedFromWaitlist: true }),
      occasion('bob', 'a', '2026-03-02T18:00:00.000Z'),
    ]);
    expect(given).toMatchObject({ timeZone: 'Europe/Warsaw', requiresApproval: true, confirmedAt: new Date('2026-02-03T00:00:00.000Z'), promotedFromWaitlist: true });
    expect(absent).toMatchObject({ timeZone: null, requiresApproval: null, confirmedAt: null, promotedFromWaitlist: null });
  });
});
