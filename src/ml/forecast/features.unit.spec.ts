import { describe, expect, it } from 'vitest';
import { AttendeeHistory, FEATURE_NAMES, type Occasion, featuresOf } from './features.js';

const at = (day: number, hour = 18) => new Date(Date.UTC(2026, 0, day, hour));

const occasion = (overrides: Partial<Occasion> = {}): Occasion => ({
  attendeeId: 'ann',
  startsAt: at(10),
  registeredAt: at(3),
  sessionIndex: 0,
  confirmed: 40,
  ...overrides,
});

const named = (features: number[]) => Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, features[i]]));

describe('features of one registration at one session', () => {
  it('start from an even guess for someone with no past', () => {
    const features = named(featuresOf(occasion(), new AttendeeHistory([])));
    expect(features.pastShowUpRate).toBe(0.5);
    expect(features.pastSessions).toBe(0);
  });

  it('count only sessions that ended before this one started, so nothing later leaks in', () => {
    const history = new AttendeeHistory([
      { attendeeId: 'ann', endsAt: at(1), attended: true },
      { attendeeId: 'ann', endsAt: at(2), attended: true },
      { attendeeId: 'ann', endsAt: at(5), attended: false },
      // Ends as this session starts and after it: not known yet when it starts.
      { attendeeId: 'ann', endsAt: at(10), attended: false },
      { attendeeId: 'ann', endsAt: at(12), attended: false },
      { attendeeId: 'bob', endsAt: at(4), attended: false },
    ]);
    const features = named(featuresOf(occasion(), history));
    expect(features.pastShowUpRate).toBe((2 + 1) / (3 + 2));
    expect(features.pastSessions).toBeCloseTo(Math.log1p(3), 12);
  });

  it('measure lead time in days, and none for a registration made after the start', () => {
    expect(named(featuresOf(occasion(), new AttendeeHistory([]))).leadTimeDays).toBeCloseTo(Math.log1p(7), 12);
    expect(named(featuresOf(occasion({ registeredAt: at(11) }), new AttendeeHistory([]))).leadTimeDays).toBe(0);
  });

  it('place the session in its series and size it by its confirmed registrations', () => {
    const features = named(featuresOf(occasion({ sessionIndex: 3, confirmed: 99 }), new AttendeeHistory([])));
    expect(features.sessionIndex).toBeCloseTo(Math.log(4), 12);
    expect(features.sessionSize).toBeCloseTo(Math.log(100), 12);
  });
});
