import { Random } from './random.js';

/**
 * Whether a confirmed attendee shows up at a session: a logistic model whose effects are
 * strong enough for a forecast to learn and realistic enough to believe. Each effect is on
 * the log-odds scale (+0.4 takes a 60% chance to about 69%, -1.4 takes it to about 27%):
 *
 * - the person's habit (people.ts): habitual attendees around +2.3, habitual no-shows around
 *   -2.3, most people in between around +0.3; the strongest effect, so past show-ups predict;
 * - early registrants drift away: -0.6 per unit of log(1 + days from registering to the
 *   event's first session), so booking four weeks ahead costs about 1.6 against a day ahead;
 * - weekday and hour where the event takes place: Friday -0.7, Saturday and Sunday -0.5,
 *   Tuesday +0.3 best; before 10:00 -0.6, from 20:00 -0.6, early evening +0.2;
 * - series fatigue: -0.1 per session already held in the series (the tenth session -0.9);
 * - a seat from the waiting list: -1.1, since plans were made while waiting;
 * - a slow approval: -0.5 per unit of log(1 + days until the organizer approved);
 * - a bad weather day: -1.4 for every session that day in that city (BAD_WEATHER_SHARE of
 *   days), which no attendee's history explains: outcomes on one day are correlated;
 * - a big session is cheap to skip: -0.25 per unit of log(1 + confirmed / 40);
 * - the event's own draw, its `attractiveness` (world.ts), around 0 with a spread of 0.5.
 */

/** What the chance of one confirmed registration showing up at one session depends on. */
export interface Occasion {
  inclination: number;
  attractiveness: number;
  /** From registering to the event's first session. */
  leadDays: number;
  /** Local to the event: 0 is Sunday. */
  weekday: number;
  hour: number;
  /** 0 for the event's first session. */
  sessionIndex: number;
  promotedFromWaitlist: boolean;
  /** From registering to the organizer's approval; 0 where none was needed. */
  approvalDays: number;
  badWeather: boolean;
  /** Confirmed registrations at the session. */
  confirmed: number;
}

export const EFFECTS = {
  intercept: 2.0,
  leadDrift: -0.6,
  weekday: [-0.5, 0.1, 0.3, 0.2, 0, -0.7, -0.5] as readonly number[],
  morning: -0.6,
  earlyEvening: 0.2,
  lateEvening: -0.6,
  daytime: 0.1,
  fatiguePerSession: -0.1,
  promotedFromWaitlist: -1.1,
  approvalDelay: -0.5,
  badWeather: -1.4,
  size: -0.25,
} as const;

/** One day in eight is a bad weather day in a city. */
export const BAD_WEATHER_SHARE = 0.12;

const hourEffect = (hour: number): number => {
  if (hour < 10) return EFFECTS.morning;
  if (hour >= 20) return EFFECTS.lateEvening;
  if (hour >= 18) return EFFECTS.earlyEvening;
  return EFFECTS.daytime;
};

export const showUpLogOdds = (occasion: Occasion): number =>
  EFFECTS.intercept +
  occasion.inclination +
  occasion.attractiveness +
  EFFECTS.leadDrift * Math.log1p(Math.max(0, occasion.leadDays)) +
  EFFECTS.weekday[occasion.weekday]! +
  hourEffect(occasion.hour) +
  EFFECTS.fatiguePerSession * occasion.sessionIndex +
  (occasion.promotedFromWaitlist ? EFFECTS.promotedFromWaitlist : 0) +
  EFFECTS.approvalDelay * Math.log1p(Math.max(0, occasion.approvalDays)) +
  (occasion.badWeather ? EFFECTS.badWeather : 0) +
  EFFECTS.size * Math.log1p(occasion.confirmed / 40);

export const showUpChance = (occasion: Occasion): number => 1 / (1 + Math.exp(-showUpLogOdds(occasion)));

/** Whether the day `localDate` (YYYY-MM-DD) in `timeZone` is a bad weather day: the same for every session there that day. */
export const isBadWeatherDay = (seed: number, timeZone: string, localDate: string): boolean =>
  Random.of(seed, 'weather', timeZone, localDate).chance(BAD_WEATHER_SHARE);
