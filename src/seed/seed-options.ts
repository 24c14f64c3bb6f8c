/** The size and seed of a simulated world, and the moment it is simulated up to. */
export interface SeedOptions {
  organizers: number;
  events: number;
  attendees: number;
  /** How far back the history goes; it also reaches FUTURE_WEEKS beyond `now`. */
  weeks: number;
  seed: number;
  /** The present of the world: nothing is done after it, sessions after it are upcoming. */
  now: Date;
}

export type SeedSize = Omit<SeedOptions, 'now'>;

/**
 * Sized for the 2-core development machine: some 1,580 accounts (an Argon2id hash each, which
 * the sign-ups wait on while the events replay) and about 270,000 events through the command
 * side in under two minutes with nothing else running (README, `rollcall admin seed`).
 */
export const DEFAULT_SEED_SIZE: SeedSize = { organizers: 40, events: 800, attendees: 1_500, weeks: 20, seed: 1 };

/** Beyond these a seed stops being a development aid and becomes a load test that takes hours. */
export const SEED_LIMITS: Record<keyof SeedSize, number> = {
  organizers: 1_000,
  events: 10_000,
  attendees: 100_000,
  weeks: 104,
  seed: 2_147_483_647,
};

/** Upcoming sessions, with registrations and no check-ins yet, for forecasts to predict. */
export const FUTURE_WEEKS = 2;

/** What is wrong with one option, said so that the command line can print it as it is. */
export class SeedOptionError extends Error {}

/** `text` as the option `name` needs it: a whole number from 1 to its limit. */
export const seedOption = (name: keyof SeedSize, text: string): number => {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  const limit = SEED_LIMITS[name];
  if (!Number.isSafeInteger(value) || value < 1 || value > limit)
    throw new SeedOptionError(`--${name} must be a whole number from 1 to ${limit.toLocaleString('en-US')}, not "${text}"`);
  return value;
};
