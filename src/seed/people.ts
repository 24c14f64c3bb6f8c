import { FIRST_NAMES, LAST_NAMES, PLACES, type Place } from './places.js';
import { Random } from './random.js';
import type { SeedSize } from './seed-options.js';

/**
 * The simulated people: one admin, organizers with a door-staff member each, and attendees.
 * Everyone signs up through the real sign-up with an address of the seed's own domain (so
 * two seeds never share an address) and the seed's password, which the summary prints.
 */

export interface Person {
  /** The simulation's name for them; the stored account id is the command side's to choose. */
  key: string;
  name: string;
  email: string;
}

export interface Organizer extends Person {
  place: Place;
  /** The median time this organizer takes to answer a registration that needs approval, in hours. */
  approvalHours: number;
  /** Who works the doors of their events. */
  staff: Person;
}

/**
 * Habitual attendees come almost always, habitual no-shows rarely, most people something in
 * between; `inclination` is that habit on the log-odds scale of the show-up model.
 */
export type Habit = 'habitual attendee' | 'habitual no-show' | 'in between';

export interface Attendee extends Person {
  place: Place;
  habit: Habit;
  inclination: number;
  /** How readily they register for things, relative to others: a few sign up for everything. */
  activity: number;
}

export interface People {
  admin: Person;
  organizers: Organizer[];
  attendees: Attendee[];
}

export const seedPassword = (seed: number): string => `rollcall seed ${seed}`;

const domainOf = (seed: number): string => `seed-${seed}.example.org`;

/** Shares of the habits, and where each puts a person's log-odds of showing up. */
const HABITS: readonly { habit: Habit; share: number; inclination: (random: Random) => number }[] = [
  { habit: 'habitual attendee', share: 0.2, inclination: (random) => random.normal(2.3, 0.4) },
  { habit: 'habitual no-show', share: 0.15, inclination: (random) => random.normal(-2.3, 0.5) },
  { habit: 'in between', share: 0.65, inclination: (random) => random.normal(0.3, 0.8) },
];

const habitOf = (random: Random): { habit: Habit; inclination: number } => {
  let roll = random.next();
  for (const entry of HABITS) {
    roll -= entry.share;
    if (roll < 0) return { habit: entry.habit, inclination: entry.inclination(random) };
  }
  const last = HABITS.at(-1)!;
  return { habit: last.habit, inclination: last.inclination(random) };
};

const nameOf = (random: Random): string => `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`;

const padded = (index: number, width: number): string => String(index + 1).padStart(width, '0');

export const peopleOf = (size: SeedSize): People => {
  const { seed } = size;
  const domain = domainOf(seed);
  const organizers = Array.from({ length: size.organizers }, (_, i): Organizer => {
    const random = Random.of(seed, 'organizer', i);
    const key = `o${padded(i, 3)}`;
    return {
      key,
      name: nameOf(random),
      email: `organizer-${i + 1}@${domain}`,
      place: PLACES[i % PLACES.length]!,
      approvalHours: random.skewed(10, 1),
      staff: { key: `${key}-door`, name: nameOf(random), email: `door-${i + 1}@${domain}` },
    };
  });
  const attendees = Array.from({ length: size.attendees }, (_, i): Attendee => {
    const random = Random.of(seed, 'attendee', i);
    const name = nameOf(random);
    return {
      key: `a${padded(i, 5)}`,
      name,
      email: `${name.toLowerCase().normalize('NFD').replace(/[^a-z ]/g, '').replace(' ', '.')}.${i + 1}@${domain}`,
      place: random.pick(PLACES),
      ...habitOf(random),
      activity: random.skewed(1, 0.7),
    };
  });
  return { admin: { key: 'admin', name: 'Seed Admin', email: `admin@${domain}` }, organizers, attendees };
};
