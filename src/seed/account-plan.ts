import type { Role } from '../domain/actor.js';
import type { Person } from './people.js';
import { Random } from './random.js';
import type { World } from './world.js';

/**
 * When each simulated person signs up, verifies their address and gets their roles: the
 * admin first, organizers and door staff in the history's first day (an admin grants their
 * roles before `staffedAt`), attendees some time before their first registration, as they
 * must be verified to log in and register.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface AccountPlan {
  person: Person;
  signUpAt: number;
  verifyAt: number;
  /** Granted by the seeded admin, except the admin's own, which the system grants as `admin:create` does. */
  roles: { role: Role; at: number }[];
}

const second = (time: number): number => Math.round(time / 1_000) * 1_000;

const planned = (person: Person, signUpAt: number, random: Random, roles: { role: Role; at: number }[] = []): AccountPlan => {
  const at = second(signUpAt);
  return { person, signUpAt: at, verifyAt: second(at + random.between(1, 20) * MINUTE), roles };
};

/** `firstRegistration`: when each attendee (by key) first registers, for those who do. */
export const accountPlans = (world: World, firstRegistration: ReadonlyMap<string, number>): AccountPlan[] => {
  const { seed, now } = world.options;
  const { beginsAt } = world;
  const { admin, organizers, attendees } = world.people;
  const plans = [planned(admin, beginsAt, Random.of(seed, 'sign-up', admin.key), [{ role: 'admin', at: beginsAt + 30 * MINUTE }])];
  for (const organizer of organizers)
    for (const [person, role] of [[organizer, 'organizer'], [organizer.staff, 'staff']] as const) {
      const random = Random.of(seed, 'sign-up', person.key);
      plans.push(planned(person, beginsAt + random.between(HOUR, 12 * HOUR), random, [{ role, at: second(beginsAt + random.between(20, 23) * HOUR) }]));
    }
  for (const attendee of attendees) {
    const random = Random.of(seed, 'sign-up', attendee.key);
    const first = firstRegistration.get(attendee.key);
    const signUpAt = first === undefined ? random.between(beginsAt + HOUR, now.getTime() - HOUR) : Math.max(beginsAt + HOUR, first - random.between(30 * MINUTE, 3 * DAY));
    plans.push(planned(attendee, signUpAt, random));
  }
  return plans;
};
