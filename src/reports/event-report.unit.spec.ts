import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EventFigures } from '../projections/reports/queries.js';
import { eventReport } from './event-report.js';

const sessionId = randomUUID();
const at = (time: string) => new Date(time);

const figures = (more: Partial<EventFigures> = {}): EventFigures => ({
  title: 'Night run',
  timeZone: null,
  counts: { pending: 0, confirmed: 0, waitlisted: 0, cancelled: 0, rejected: 0, attended: 0, unusedTickets: 0 },
  registrationTimes: [],
  confirmationTimes: [],
  approvals: { count: 0, medianSeconds: null, p90Seconds: null },
  sessions: [],
  arrivals: [],
  refusals: [],
  ...more,
});

const session = (startsAt: string | null, endsAt: string | null, checkedInConfirmed = 0) => ({
  sessionId,
  startsAt: startsAt === null ? null : at(startsAt),
  endsAt: endsAt === null ? null : at(endsAt),
  checkedIn: checkedInConfirmed,
  checkedInConfirmed,
});

describe('an event report', () => {
  it('counts days in UTC for an event without a time zone, and in its zone for one with', () => {
    const registrationTimes = [
      { quarterHour: at('2025-03-01T23:45:00Z'), registrations: 2 },
      { quarterHour: at('2025-03-02T00:00:00Z'), registrations: 1 },
    ];
    expect(eventReport('e', figures({ registrationTimes }), new Date()).registrationsPerDay).toEqual([
      { day: '2025-03-01', registrations: 2 },
      { day: '2025-03-02', registrations: 1 },
    ]);
    // Kathmandu is UTC+05:45: both quarter hours fall on 2 March there.
    const kathmandu = eventReport('e', figures({ registrationTimes, timeZone: 'Asia/Kathmandu' }), new Date());
    expect(kathmandu).toMatchObject({ timeZone: 'Asia/Kathmandu', registrationsPerDay: [{ day: '2025-03-02', registrations: 3 }] });
  });

  it('has no no-shows for a session that has not ended, or whose end is unknown, and no rates to divide by nothing', () => {
    const report = eventReport('e', figures({ sessions: [session('2025-03-10T09:00:00Z', '2025-03-10T11:00:00Z'), session(null, null)] }), at('2025-03-10T10:59:00Z'));
    expect(report.sessions.map(({ noShows, noShowRate }) => ({ noShows, noShowRate }))).toEqual([
      { noShows: null, noShowRate: null },
      { noShows: null, noShowRate: null },
    ]);
    expect(report.showUpRate).toBeNull();
    expect(report.approvalTurnaround).toEqual({ approvals: 0, medianSeconds: null, p90Seconds: null });
  });

  it('expects at a session only who was confirmed before it ended', () => {
    const confirmationTimes = [
      { quarterHour: at('2025-03-01T10:00:00Z'), confirmed: 3 },
      { quarterHour: at('2025-03-10T10:45:00Z'), confirmed: 1 },
      { quarterHour: at('2025-03-10T11:00:00Z'), confirmed: 4 },
    ];
    const ended = eventReport('e', figures({ confirmationTimes, sessions: [session('2025-03-10T09:00:00Z', '2025-03-10T11:00:00Z', 1)] }), at('2025-03-10T11:00:00Z'));
    expect(ended.sessions[0]).toMatchObject({ noShows: 3, noShowRate: 0.75 });
  });

  it('places arrivals by minutes from the start, and leaves them unplaced for a session without one', () => {
    const arrivals = [{ sessionId, fiveMinutes: at('2025-03-10T08:55:00Z'), checkIns: 4 }];
    expect(eventReport('e', figures({ arrivals, sessions: [session('2025-03-10T09:00:00Z', null)] }), new Date()).sessions[0]!.arrivals).toEqual([
      { startsAt: '2025-03-10T08:55:00.000Z', minutesFromStart: -5, checkIns: 4 },
    ]);
    expect(eventReport('e', figures({ arrivals, sessions: [session(null, null)] }), new Date()).sessions[0]!.arrivals[0]!.minutesFromStart).toBeNull();
  });
});
