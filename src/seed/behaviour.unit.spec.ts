import { describe, expect, it } from 'vitest';
import { score } from '../ml/forecast/metrics.js';
import { EFFECTS, type Occasion, isBadWeatherDay, showUpChance } from './behaviour.js';
import { DAY } from './durations.js';
import { localDate, localWeekdayHour } from './local-clock.js';
import type { Habit } from './people.js';
import { simulate } from './simulation.js';

/** Big enough for every effect to show in the outcomes; a second to simulate. */
const OPTIONS = { organizers: 12, events: 90, attendees: 900, weeks: 12, seed: 1, now: new Date('2026-06-01T12:00:00Z') };
const simulation = simulate(OPTIONS);

/** Every labelled attendance with what it depended on. */
const attendances = simulation.events.flatMap(({ event, ledger, outcomes }) =>
  outcomes
    .filter((outcome) => outcome.held)
    .flatMap(({ session, index, attendances: labelled }) => {
      const start = Date.parse(session.startsAt);
      const { timeZone } = event.details;
      const badWeather = isBadWeatherDay(OPTIONS.seed, timeZone, localDate(start, timeZone));
      return labelled.map(({ registration, chance, attended }) => ({
        event: event.key,
        attendee: registration.attendee.key,
        habit: registration.attendee.habit,
        promoted: registration.via === 'promotion',
        requiresApproval: event.details.requiresApproval,
        approvalDays: registration.approvalDays,
        leadDays: (Date.parse(ledger.sessions[0]!.startsAt) - registration.registeredAt) / DAY,
        index,
        badWeather,
        start,
        end: Date.parse(session.endsAt),
        chance,
        attended,
      }));
    }),
);
type Attendance = (typeof attendances)[number];

const showUpRate = (filter: (a: Attendance) => boolean): number => {
  const chosen = attendances.filter(filter);
  expect(chosen.length).toBeGreaterThan(80);
  return chosen.filter((a) => a.attended).length / chosen.length;
};

describe('who shows up, as the seeded history has it', () => {
  it('shows habitual attendees nearly always, habitual no-shows rarely, everyone else in between', () => {
    const rate = (habit: Habit) => showUpRate((a) => a.habit === habit);
    expect(rate('habitual attendee')).toBeGreaterThan(0.85);
    expect(rate('habitual no-show')).toBeLessThan(0.2);
    expect(rate('in between')).toBeGreaterThan(0.45);
    expect(rate('in between')).toBeLessThan(0.75);
  });

  it('has bad weather days that lower attendance for everybody that day, habitual attendees too', () => {
    for (const habit of ['habitual attendee', 'habitual no-show', 'in between'] as const) {
      const fair = showUpRate((a) => a.habit === habit && !a.badWeather);
      const bad = showUpRate((a) => a.habit === habit && a.badWeather);
      expect(bad).toBeLessThan(fair - 0.08);
    }
  });

  it('has people promoted from the waiting list come less often', () => {
    expect(showUpRate((a) => a.promoted)).toBeLessThan(showUpRate((a) => !a.promoted) - 0.1);
  });

  it('has early registrants drift away', () => {
    expect(showUpRate((a) => a.leadDays > 14)).toBeLessThan(showUpRate((a) => a.leadDays < 2) - 0.08);
  });

  it('has a series lose people session by session', () => {
    // Within the same long series, so that which events run long does not weigh in.
    const long = new Set(attendances.filter((a) => a.index >= 8).map((a) => a.event));
    expect(showUpRate((a) => long.has(a.event) && a.index >= 8)).toBeLessThan(showUpRate((a) => long.has(a.event) && a.index <= 1) - 0.05);
  });

  it('has slow approvals lose people', () => {
    expect(showUpRate((a) => a.requiresApproval && a.approvalDays > 2)).toBeLessThan(showUpRate((a) => a.requiresApproval && a.approvalDays < 0.5) - 0.05);
  });

  it('is learnable: the true chances rank shows well, an attendee’s own past show-up rate fairly, a global rate not at all', () => {
    const labels = attendances.map((a) => a.attended);
    expect(score(attendances.map((a) => a.chance), labels).auc).toBeGreaterThan(0.8);
    const byAttendee = new Map<string, Attendance[]>();
    for (const a of attendances) byAttendee.set(a.attendee, [...(byAttendee.get(a.attendee) ?? []), a]);
    const pastRate = attendances.map((a) => {
      const past = byAttendee.get(a.attendee)!.filter((earlier) => earlier.end < a.start);
      return (past.filter((earlier) => earlier.attended).length + 1) / (past.length + 2);
    });
    expect(score(pastRate, labels).auc).toBeGreaterThan(0.7);
    expect(score(labels.map(() => 0.6), labels).auc).toBe(0.5);
  });
});

describe('the show-up model', () => {
  const usual: Occasion = {
    inclination: 0.3,
    attractiveness: 0,
    leadDays: 3,
    weekday: 2,
    hour: 18,
    sessionIndex: 0,
    promotedFromWaitlist: false,
    approvalDays: 0,
    badWeather: false,
    confirmed: 40,
  };
  const chance = (change: Partial<Occasion>) => showUpChance({ ...usual, ...change });

  it('puts an ordinary person, booked three days ahead for a first Tuesday evening, at about five in six', () => {
    expect(chance({})).toBeGreaterThan(0.8);
    expect(chance({})).toBeLessThan(0.9);
  });

  it('lowers the chance on a Friday, late in the evening, early in the morning, and on a bad weather day', () => {
    for (const change of [{ weekday: 5 }, { hour: 21 }, { hour: 8 }, { badWeather: true }]) expect(chance(change)).toBeLessThan(chance({}));
    expect(EFFECTS.badWeather).toBeLessThan(EFFECTS.weekday[5]!);
  });

  it('lowers it with series fatigue, early booking, a waiting-list seat, a slow approval and a crowd', () => {
    for (const change of [{ sessionIndex: 8 }, { leadDays: 30 }, { promotedFromWaitlist: true }, { approvalDays: 4 }, { confirmed: 300 }]) expect(chance(change)).toBeLessThan(chance({}));
  });

  it('reads weekdays and hours where the event takes place', () => {
    const friday18InTokyo = Date.parse('2026-06-05T09:00:00Z');
    expect(localWeekdayHour(friday18InTokyo, 'Asia/Tokyo')).toEqual({ weekday: 5, hour: 18 });
    expect(localDate(friday18InTokyo, 'America/Los_Angeles')).toBe('2026-06-05');
    expect(localDate(Date.parse('2026-06-05T23:30:00Z'), 'Asia/Tokyo')).toBe('2026-06-06');
  });
});
