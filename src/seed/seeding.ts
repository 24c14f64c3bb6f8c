import type pg from 'pg';
import { EmailClaims } from '../commands/accounts/email-claims.js';
import type { Outbox } from '../commands/accounts/outbox.js';
import type { TokenService } from '../commands/accounts/token-service.js';
import { CheckInCommands } from '../commands/check-in-commands.js';
import { CommandHandler } from '../commands/command-handler.js';
import { deterministicId } from '../commands/deterministic-id.js';
import { EventCommands } from '../commands/event-commands.js';
import { TicketCodes } from '../commands/tickets/ticket-codes.js';
import type { EventStore } from '../eventstore/event-store.js';
import { DoorPhotos } from '../personal-data/door-photos.js';
import type { PersonalDataKeys } from '../personal-data/personal-data-keys.js';
import type { MasterKey } from '../security/master-key.js';
import { SeededAccounts } from './account-seeding.js';
import { EventSeeding, type SeededEvent } from './event-seeding.js';
import { seedPassword } from './people.js';
import type { SeedTotals, Simulation } from './simulation.js';
import { Slots, eachAtMost } from './slots.js';

/**
 * Plants a simulated history in the configured store through the command side, with the
 * simulated times as each command's `now`: the sign-ups (account-seeding.ts) and every
 * event's script (event-seeding.ts) at once, each command waiting only for the accounts it
 * needs. Argon2 keeps the sign-ups busy on the thread pool while the events keep the main
 * thread and PostgreSQL busy.
 *
 * Command ids derive from the seed and the simulation's names, so a command resent within a
 * run lands once. A second run of a seed is refused before it writes anything (its admin's
 * address has an account already): half of a history replayed onto another would not be the
 * simulated one, and the verification codes of the first run's sign-ups are gone. Another
 * seed plants another world beside it, with addresses of its own.
 */

/** Door visits in flight across all events: enough to keep the pool's connections busy. */
const DOORS_AT_ONCE = 64;
/** Events replaying at once; each keeps at most one command on its own stream in flight. */
const EVENTS_AT_ONCE = 256;

export interface SeedDependencies {
  /** The store every process uses (sealing personal data). */
  store: EventStore;
  pool: pg.Pool;
  masterKey: MasterKey;
  personalData: PersonalDataKeys;
  tokens: TokenService;
  /** Where a mail goes that the seed does not capture (none is expected). */
  outbox: Outbox;
}

export interface SeedProgress {
  eventsAppended: number;
  eventsToAppend: number;
}

export interface SeedResult {
  totals: SeedTotals;
  eventsAppended: number;
  seconds: number;
  /** Every seeded person's account id, by the simulation's name. */
  accounts: Map<string, string>;
  /** Every event's stored ids, by the simulation's names. */
  events: Map<string, SeededEvent>;
  /** Every seeded account takes this password. */
  password: string;
}

/** The seed was planted in this store before. */
export class SeedPlantedAlready extends Error {}

export const plantSeed = async (
  deps: SeedDependencies,
  simulation: Simulation,
  options: { onProgress?: (progress: SeedProgress) => void; signal?: AbortSignal } = {},
): Promise<SeedResult> => {
  const started = performance.now();
  const { seed } = simulation.world.options;
  const { admin } = simulation.world.people;
  const claims = new EmailClaims(deps.store, deps.masterKey);
  if (await claims.holderOf(admin.email))
    throw new SeedPlantedAlready(`Seed ${seed} is in this store already (${admin.email} has an account): plant another --seed, or into an empty database`);

  const stop = new AbortController();
  options.signal?.addEventListener('abort', () => stop.abort(options.signal!.reason), { once: true });
  let eventsAppended = 0;
  const { eventsToAppend } = simulation.totals;
  const commands = new CommandHandler(deps.store, {
    handled: () => undefined,
    appended: (events) => {
      eventsAppended += events.length;
      options.onProgress?.({ eventsAppended, eventsToAppend });
    },
  });
  const commandId = (...parts: string[]) => deterministicId('rollcall-seed', String(seed), ...parts);
  const password = seedPassword(seed);
  const accountDependencies = { commands, store: deps.store, tokens: deps.tokens, outbox: deps.outbox, personalData: deps.personalData, claims };
  const accounts = new SeededAccounts(accountDependencies, simulation.accounts, password, commandId, stop.signal);

  const codes = new TicketCodes(() => deps.tokens.ticketKeys());
  const events = new EventCommands(commands, codes);
  const checkIns = new CheckInCommands(commands, events, codes, new DoorPhotos(deps.pool, deps.personalData));
  const seeding = new EventSeeding({ events, checkIns, actorOf: (key) => accounts.actorOf(key), commandId, doors: new Slots(DOORS_AT_ONCE), signal: stop.signal });
  const seeded = new Map<string, SeededEvent>();
  const replayed = eachAtMost(EVENTS_AT_ONCE, simulation.events, async (simulated) => {
    if (stop.signal.aborted) return;
    try {
      const event = await seeding.setUp(simulated);
      seeded.set(simulated.event.key, event);
      await seeding.play(simulated, event);
    } catch (error) {
      // The first failure stops every other event's replay after its command in flight.
      stop.abort(error);
      throw error;
    }
  });
  // Both settle before either failure is thrown: nothing of the seed is left running.
  const signedUpEveryone = accounts.done.catch((error: unknown) => {
    stop.abort(error);
    throw error;
  });
  const [signedUp, played] = await Promise.allSettled([signedUpEveryone, replayed]);
  for (const outcome of [signedUp, played]) if (outcome.status === 'rejected') throw outcome.reason;
  if (stop.signal.aborted) throw stop.signal.reason;

  return {
    totals: simulation.totals,
    eventsAppended,
    seconds: (performance.now() - started) / 1_000,
    accounts: await accounts.accountIds(),
    events: seeded,
    password,
  };
};
