import { Command } from 'commander';
import path from 'node:path';
import { Outbox } from '../commands/accounts/outbox.js';
import { postgresSigningKeys } from '../commands/accounts/postgres-signing-keys.js';
import { TokenService } from '../commands/accounts/token-service.js';
import { DEFAULT_SEED_SIZE, SEED_LIMITS, SeedOptionError, type SeedSize, seedOption } from '../seed/seed-options.js';
import { type SeedResult, SeedPlantedAlready, plantSeed } from '../seed/seeding.js';
import { simulate } from '../seed/simulation.js';
import type { AdminConnection } from './admin-session.js';
import { type CliOutput, UsageError, exits } from './command-line.js';
import { ProgressBar } from './progress.js';

export interface SeedCommandDeps extends CliOutput {
  /** Opened only once the arguments are known to be good. */
  connect(): Promise<AdminConnection>;
  /** Where the progress bar is drawn (stderr). */
  progress: NodeJS.WriteStream;
  /** Ctrl-C: no command is sent after it; those in flight finish. */
  signal: AbortSignal;
}

const SIZE_OPTIONS: readonly { name: keyof SeedSize; what: string }[] = [
  { name: 'organizers', what: 'organizers, each with a door-staff account' },
  { name: 'events', what: 'events, about a third one-off and the rest weekly series' },
  { name: 'attendees', what: 'attendee accounts' },
  { name: 'weeks', what: 'weeks of history up to now (and two weeks of upcoming sessions beyond)' },
  { name: 'seed', what: 'the seed: the same seed makes the same world' },
];

const sizeOf = (options: Partial<Record<keyof SeedSize, string>>): SeedSize => {
  try {
    return Object.fromEntries(
      SIZE_OPTIONS.map(({ name }) => [name, options[name] === undefined ? DEFAULT_SEED_SIZE[name] : seedOption(name, options[name])]),
    ) as SeedSize;
  } catch (error) {
    if (error instanceof SeedOptionError) throw new UsageError(error.message);
    throw error;
  }
};

const count = (n: number): string => n.toLocaleString('en-US');

const summaryLines = (size: SeedSize, result: SeedResult, admin: string): string[] => {
  const { totals } = result;
  return [
    `Seed ${size.seed} planted in ${result.seconds.toFixed(1)} s: ${count(totals.accounts)} accounts, ${count(totals.events)} events with ${count(totals.sessions)} sessions, ` +
      `${count(totals.registrations)} registrations, ${count(totals.checkIns)} check-ins; ${count(result.eventsAppended)} events appended`,
    `Log in as ${admin} (admin), organizer-1@… to organizer-${size.organizers}@…, door-1@… or any attendee, all with the password "${result.password}"`,
    'The read models and forecasts catch up when the projector runs (npm start)',
  ];
};

/**
 * `rollcall admin seed`: a simulated history (src/seed/) replayed through the real command
 * side into the configured store, for a system to look at and forecasts to learn from.
 */
export const seedCommand = (deps: SeedCommandDeps): Command => {
  const command = new Command('seed').description(
    'plants a realistic, seeded history through the real commands: sign-ups, events with weekly sessions, registrations, approvals, cancellations, waiting lists, check-ins and no-shows',
  );
  for (const { name, what } of SIZE_OPTIONS)
    command.option(`--${name} <n>`, `${what} (1 to ${count(SEED_LIMITS[name])}; default ${count(DEFAULT_SEED_SIZE[name])})`);
  return command.option('--json', 'the summary as JSON').action(
    exits(async (options: Partial<Record<keyof SeedSize, string>> & { json?: boolean }) => {
      const size = sizeOf(options);
      const { config, masterKey, pool, store, personalData } = await deps.connect();
      // To the minute: the simulated present, after which nothing is done.
      const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
      const simulation = simulate({ ...size, now });
      const bar = new ProgressBar(`Seed ${size.seed}`, deps.progress);
      const tokens = new TokenService(postgresSigningKeys(pool, { masterKey, schedule: config.keySchedule }));
      let result: SeedResult;
      try {
        result = await plantSeed(
          { store, pool, masterKey, personalData, tokens, outbox: new Outbox(path.resolve(config.dataDir, 'outbox'), config.mailFrom) },
          simulation,
          {
            signal: deps.signal,
            onProgress: ({ eventsAppended, eventsToAppend }) =>
              bar.update({ projection: 'seed', phase: 'building', applied: eventsAppended, total: eventsToAppend, position: undefined }),
          },
        );
      } catch (error) {
        bar.finish();
        if (error instanceof SeedPlantedAlready) {
          deps.err(error.message);
          return 1;
        }
        if (deps.signal.aborted) {
          deps.err(`Interrupted: part of seed ${size.seed} is stored, and the seed cannot be planted again here`);
          return 130;
        }
        throw error;
      }
      bar.finish();
      const admin = simulation.world.people.admin.email;
      if (options.json)
        deps.out(JSON.stringify({ ...size, now: now.toISOString(), ...result.totals, eventsAppended: result.eventsAppended, seconds: result.seconds, admin, password: result.password }));
      else for (const line of summaryLines(size, result, admin)) deps.out(line);
      return 0;
    }),
  );
};
