import type { Role } from '../domain/actor.js';
import { DAY, HOUR, MINUTE, onTheSecond } from './durations.js';
import type { Person } from './people.js';
import { Random } from './random.js';
import type { World } from './world.js';

/**
 * When each simulated person signs up, verifies their address and gets their roles: the
 * admin first, organizers and door staff in the history's first day (an admin grants their
 * roles before `staffedAt`), attendees some time before their first registration, as they
 * must be verified to log in and register.
 */

export interface AccountPlan {
  person: Person;
  signUpAt: number;
  verifyAt: number;
  /** Granted by the seeded admin, except the admin's own, which the system grants as `admin:create` does. */
  roles: { role: Role; at: number }[];
}

const planned = (person: Person, signUpAt: number, random: Random, roles: { role: Role; at: number }[] = []): AccountPlan => {
  const at = onTheSecond(signUpAt);
  return { person, signUpAt: at, verifyAt: onTheSecond(at + random.between(1, 20) * MINUTE), roles };
};

/** In the order they sign up: the admin, organizers and staff, then attendees. `firstRegistration`: when each attendee (by key) first registers, for those who do. */
export const accountPlans = (world: World, firstRegistration: ReadonlyMap<string, number>): AccountPlan[] => {
  const { seed, now } = world.options;
  const { beginsAt } = world;
  const { admin, organizers, attendees } = world.people;
  const plans = [planned(admin, beginsAt, Random.of(seed, 'sign-up', admin.key), [{ role: 'admin', at: beginsAt + 30 * MINUTE }])];
  for (const organizer of organizers)
    for (const [person, role] of [[organizer, 'organizer'], [organizer.staff, 'staff']] as const) {
      const random = Random.of(seed, 'sign-up', person.key);
      plans.push(planned(person, beginsAt + random.between(HOUR, 12 * HOUR), random, [{ role, at: onTheSecond(beginsAt + random.between(20, 23) * HOUR) }]));
    }
  const attendeePlans = attendees.map((attendee) => {
    const random = Random.of(seed, 'sign-up', attendee.key);
    const first = firstRegistration.get(attendee.key);
    const signUpAt = first === undefined ? random.between(beginsAt + HOUR, now.getTime() - HOUR) : Math.max(beginsAt + HOUR, first - random.between(30 * MINUTE, 3 * DAY));
    return planned(attendee, signUpAt, random);
  });
  return [...plans, ...attendeePlans.sort((a, b) => a.signUpAt - b.signUpAt)];
};
