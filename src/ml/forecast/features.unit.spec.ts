import { describe, expect, it } from 'vitest';
import { AttendeeHistory, FEATURE_NAMES, type Occasion, type Outcome, featuresOf } from './features.js';

const at = (day: number, hour = 18) => new Date(Date.UTC(2026, 0, day, hour));

const occasion = (overrides: Partial<Occasion> = {}): Occasion => ({
  attendeeId: 'ann',
  eventId: 'yoga',
  startsAt: at(10),
  registeredAt: at(3),
  sessionIndex: 0,
  confirmed: 40,
  ...overrides,
});

const named = (o: Occasion, outcomes: Outcome[] = []) => {
  const features = featuresOf(o, new AttendeeHistory(outcomes));
  return Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, features[i]!]));
};

/** The log odds of `shows` out of `sessions`, smoothed by one of each, as the rate features hold them. */
const odds = (shows: number, sessions: number) => Math.log((shows + 1) / (sessions - shows + 1));

const outcome = (attendeeId: string, eventId: string, day: number, attended: boolean): Outcome => ({ attendeeId, eventId, endsAt: at(day), attended });

describe('features of one registration at one session', () => {
  it('start from an even guess for someone with no past, who has never come', () => {
    const features = named(occasion());
    expect(features.pastShowUpRate).toBe(0);
    expect(features.recentShowUpRate).toBe(0);
    expect(features.seriesShowUpRate).toBe(0);
    expect(features.eventShowUpRate).toBe(0);
    expect(features.pastSessions).toBe(0);
    expect(features.daysSinceLastShow).toBeCloseTo(Math.log1p(365), 12);
  });

  it('count only sessions that ended before this one started, so nothing later leaks in', () => {
    const features = named(occasion(), [
      outcome('ann', 'chess', 1, true),
      outcome('ann', 'chess', 2, true),
      outcome('ann', 'chess', 5, false),
      // Ends as this session starts and after it: not known yet when it starts.
      outcome('ann', 'chess', 10, false),
      outcome('ann', 'chess', 12, false),
      outcome('bob', 'chess', 4, false),
    ]);
    expect(features.pastShowUpRate).toBeCloseTo(odds(2, 3), 12);
    expect(features.pastSessions).toBeCloseTo(Math.log1p(3), 12);
    expect(features.daysSinceLastShow).toBeCloseTo(Math.log1p(8), 12);
  });

  it('weigh only the last four sessions in the recent rate', () => {
    const outcomes = [1, 2, 3, 4].map((day) => outcome('ann', 'chess', day, true));
    outcomes.push(...[5, 6, 7, 8].map((day) => outcome('ann', 'chess', day, false)));
    const features = named(occasion(), outcomes);
    expect(features.pastShowUpRate).toBeCloseTo(odds(4, 8), 12);
    expect(features.recentShowUpRate).toBeCloseTo(odds(0, 4), 12);
  });

  it('tell the attendee’s habit at this event from everyone’s at it', () => {
    const features = named(occasion(), [
      outcome('ann', 'yoga', 1, false),
      outcome('ann', 'chess', 2, true),
      outcome('bob', 'yoga', 1, true),
      outcome('cat', 'yoga', 1, true),
    ]);
    expect(features.seriesShowUpRate).toBeCloseTo(odds(0, 1), 12);
    expect(features.eventShowUpRate).toBeCloseTo(odds(2, 3), 12);
  });

  it('measure lead time in days, and none for a registration made after the start', () => {
    expect(named(occasion()).leadTimeDays).toBeCloseTo(Math.log1p(7), 12);
    expect(named(occasion({ registeredAt: at(11) })).leadTimeDays).toBe(0);
  });

  it('measure the lead to the series’ first session too, or to this one when it is unknown', () => {
    expect(named(occasion({ sessionIndex: 2, seriesStartsAt: at(5) })).seriesLeadDays).toBeCloseTo(Math.log1p(2), 12);
    expect(named(occasion()).seriesLeadDays).toBeCloseTo(Math.log1p(7), 12);
  });

  it('place the session in its series and size it by its confirmed registrations', () => {
    const features = named(occasion({ sessionIndex: 3, confirmed: 99 }));
    expect(features.sessionIndex).toBeCloseTo(Math.log(4), 12);
    expect(features.sessionSize).toBeCloseTo(Math.log(100), 12);
  });

  it('read the weekday and the hour where the event takes place', () => {
    // Saturday 19:30 UTC is Sunday 08:30 in Auckland (UTC+13 in January); 23:30 UTC is Saturday 18:30 in New York.
    const none = { monday: 0, tuesday: 0, wednesday: 0, thursday: 0, friday: 0, saturday: 0, earlyMorning: 0, lateMorning: 0, earlyEvening: 0, lateEvening: 0 };
    expect(named(occasion({ startsAt: new Date('2026-01-10T19:30:00Z'), timeZone: 'Pacific/Auckland' }))).toMatchObject({ ...none, earlyMorning: 1 });
    expect(named(occasion({ startsAt: new Date('2026-01-10T23:30:00Z'), timeZone: 'America/New_York' }))).toMatchObject({ ...none, saturday: 1, earlyEvening: 1 });
    // Monday 14:00 in Warsaw: the afternoon of the day after Sunday, every flag down but Monday's.
    expect(named(occasion({ startsAt: new Date('2026-01-12T13:00:00Z'), timeZone: 'Europe/Warsaw' }))).toMatchObject({ ...none, monday: 1 });
    expect(named(occasion({ startsAt: new Date('2026-01-16T10:30:00Z'), timeZone: 'Europe/Warsaw' }))).toMatchObject({ ...none, friday: 1, lateMorning: 1 });
    expect(named(occasion({ startsAt: new Date('2026-01-15T20:15:00Z'), timeZone: 'UTC' }))).toMatchObject({ ...none, thursday: 1, lateEvening: 1 });
  });

  it('read a zone it does not know as UTC rather than fail', () => {
    expect(named(occasion({ startsAt: new Date('2026-01-12T07:00:00Z'), timeZone: 'Mars/Olympus' }))).toMatchObject({ monday: 1, earlyMorning: 1 });
  });

  it('say how the seat was confirmed: approval, its delay, and the waiting list', () => {
    const features = named(occasion({ requiresApproval: true, confirmedAt: at(6), promotedFromWaitlist: true }));
    expect(features.requiresApproval).toBe(1);
    expect(features.confirmationDelayDays).toBeCloseTo(Math.log1p(3), 12);
    expect(features.promotedFromWaitlist).toBe(1);
    expect(named(occasion())).toMatchObject({ requiresApproval: 0, confirmationDelayDays: 0, promotedFromWaitlist: 0 });
  });
});
