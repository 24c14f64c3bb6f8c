import type { EventDetails } from '../domain/event/event.js';
import type { SessionPlan } from '../domain/event/sessions.js';
import { DAY, HOUR, MINUTE, WEEK, onTheMinute } from './durations.js';
import { atLocalTime } from './local-clock.js';
import { type Organizer, type People, peopleOf } from './people.js';
import { FORMATS, TOPICS, VENUES } from './places.js';
import { Random } from './random.js';
import { FUTURE_WEEKS, type SeedOptions } from './seed-options.js';

/**
 * The simulated world before anyone registers: its people and its events, each event with its
 * details, sessions (one-off or weekly across the weeks simulated), capacity and the demand
 * it will meet. Registrations and attendance follow from it (ledger.ts, door.ts).
 */

/** Registrants an event draws at the median; a few draw three times as many, some a handful. */
const DEMAND_MEDIAN = 70;
/** Events whose capacity is below their demand, so that a waiting list forms. */
const WAITLISTED_SHARE = 0.3;
const APPROVAL_SHARE = 0.22;
const ONE_OFF_SHARE = 0.3;
/** Events the organizer cancels before their first session. */
const CANCELLED_SHARE = 0.03;
/** Local start hours, evenings likelier, and how often each is chosen. */
const START_HOURS: readonly [number, number][] = [
  [7, 1], [8, 1], [9, 1], [10, 1], [11, 1], [12, 1], [13, 1], [14, 1], [15, 1], [16, 1], [17, 2], [18, 3], [19, 3], [20, 2], [21, 1],
];

export interface WorldEvent {
  key: string;
  organizer: Organizer;
  details: EventDetails;
  capacity: number;
  /** How many people want to register, before the attendee pool limits it. */
  demand: number;
  /** The event's own pull on the show-up log-odds (behaviour.ts). */
  attractiveness: number;
  plan: SessionPlan;
  createdAt: number;
  /** Also when registration opens; it closes when the first session starts. */
  publishedAt: number;
  /** When its organizer cancels it, for the few that are. */
  cancelledAt: number | undefined;
}

export interface World {
  options: SeedOptions;
  people: People;
  events: WorldEvent[];
  /** When the history begins: `weeks` before `now`. */
  beginsAt: number;
  /** By when every organizer and door-staff account has its role, so events can be made. */
  staffedAt: number;
}

const startHour = (random: Random): number => random.sample(START_HOURS, 1, ([, weight]) => weight)[0]![0];

const eventOf = (options: SeedOptions, index: number, organizers: readonly Organizer[], staffedAt: number): WorldEvent => {
  const random = Random.of(options.seed, 'event', index);
  const now = options.now.getTime();
  const organizer = random.pick(organizers);
  const { timeZone, city } = organizer.place;
  const weekly = !random.chance(ONE_OFF_SHARE);
  const sessions = weekly ? random.integer(Math.max(3, Math.ceil(options.weeks / 2)), options.weeks + FUTURE_WEEKS) : 1;
  const earliest = staffedAt + DAY;
  let firstStart = atLocalTime(random.between(earliest, now + FUTURE_WEEKS * WEEK - DAY), startHour(random), random.pick([0, 0, 0, 15, 30]), timeZone);
  while (firstStart < earliest) firstStart += WEEK;
  const duration = weekly ? random.pick([60, 90, 90, 120]) : random.pick([60, 120, 180, 240]);
  const opensAt = onTheMinute(Math.min(Math.max(firstStart - random.between(5, 28) * DAY, staffedAt + 2 * HOUR), now - HOUR, firstStart - 2 * HOUR));
  const createdAt = onTheMinute(Math.max(staffedAt, Math.min(opensAt - random.between(10 * MINUTE, 2 * DAY), opensAt - 5 * MINUTE)));
  const demand = Math.max(3, Math.round(random.skewed(DEMAND_MEDIAN, 0.55)));
  const capacity = random.chance(WAITLISTED_SHARE)
    ? Math.max(2, Math.round(demand * random.between(0.55, 0.85)))
    : Math.round(demand * random.between(1.15, 1.8)) + 2;
  const cancelledFrom = opensAt + HOUR;
  const cancelledUntil = Math.min(firstStart - DAY, now);
  const topic = random.pick(TOPICS);
  const format = random.pick(weekly ? FORMATS.weekly : FORMATS.once);
  return {
    key: `e${String(index + 1).padStart(4, '0')}`,
    organizer,
    details: {
      title: `${topic} ${format}`,
      description: `A ${format} in ${city}, run by ${organizer.name}. Made up by rollcall admin seed ${options.seed}.`,
      venue: `${city} ${random.pick(VENUES)}`,
      timeZone,
      registrationOpensAt: new Date(opensAt).toISOString(),
      registrationClosesAt: new Date(firstStart).toISOString(),
      requiresApproval: random.chance(APPROVAL_SHARE),
      faceVerification: 'off',
    },
    capacity,
    demand,
    attractiveness: random.normal(0, 0.5),
    plan: {
      startsAt: new Date(firstStart).toISOString(),
      endsAt: new Date(firstStart + duration * MINUTE).toISOString(),
      ...(sessions > 1 ? { repeat: { every: 'week' as const, count: sessions } } : {}),
    },
    createdAt,
    publishedAt: opensAt,
    cancelledAt: random.chance(CANCELLED_SHARE) && cancelledFrom < cancelledUntil ? onTheMinute(random.between(cancelledFrom, cancelledUntil)) : undefined,
  };
};

export const worldOf = (options: SeedOptions): World => {
  const people = peopleOf(options);
  const beginsAt = onTheMinute(options.now.getTime() - options.weeks * WEEK);
  // Accounts are made in the first hours (accounts.ts); events only after that.
  const staffedAt = beginsAt + DAY;
  const events = Array.from({ length: options.events }, (_, i) => eventOf(options, i, people.organizers, staffedAt));
  return { options, people, events, beginsAt, staffedAt };
};
