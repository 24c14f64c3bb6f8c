import { mkdir, readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import type { TokenService } from '../../src/commands/accounts/token-service.js';
import type { EventStore } from '../../src/eventstore/event-store.js';
import { type Gql, openBenchEvent } from '../bench-api.js';
import { accessTokens, givenAttendeeAccounts } from './attendees.js';
import { connectionsTo, stampede } from './stampede.js';
import { outboxFilled } from './ticket-outbox.js';

/** Fewer than the sale's: the point is that the api's code has run, not a second stampede. */
const CONNECTIONS = 100;
const MAIL_TIMEOUT_MS = 120_000;
const HOUR = 3_600_000;

export interface WarmUpDependencies {
  address: string;
  gql: Gql;
  organizerToken: string;
  store: EventStore;
  tokens: TokenService;
  outboxDir: string;
  /** Resolves once the read models have applied the log so far: ticket mail reads their accounts' addresses there. */
  caughtUp: () => Promise<void>;
}

/**
 * `count` people of their own register for another event through the api before the clock,
 * as a server that has been up serves other events before a sale opens: a fresh process spent
 * the sale's first seconds compiling its hot paths (a third of its CPU in the first 2.5 s of
 * a 30,000-person sale was V8's optimising compiler), which is the cold start of a deploy,
 * not the on-sale. A fifth of them get seats, so confirmations and tickets have run too.
 * Their tickets are awaited and set aside (outbox/warm-up/), leaving the sale's outbox to
 * the sale. None of the sale's people or tokens takes part: their checks stay uncached.
 */
export const warmUp = async (deps: WarmUpDependencies, count: number): Promise<{ seconds: number; seats: number }> => {
  const started = performance.now();
  const seats = Math.ceil(count / 5);
  const { eventId } = await openBenchEvent(deps.gql, deps.organizerToken, seats, { startsInMs: 48 * HOUR });
  const people = await accessTokens(deps.tokens, await givenAttendeeAccounts(deps.store, count));
  await deps.caughtUp();
  const run = await stampede(await connectionsTo(deps.address, CONNECTIONS, true), deps.address, eventId, people, CONNECTIONS);
  if (run.errors.size > 0) throw new Error(`the warm-up's registrations failed: ${JSON.stringify(Object.fromEntries(run.errors))}`);
  if ((await outboxFilled(deps.outboxDir, seats, MAIL_TIMEOUT_MS)) === undefined) throw new Error(`the warm-up's ${seats} tickets were not mailed within ${MAIL_TIMEOUT_MS / 1_000} s`);
  const aside = path.join(deps.outboxDir, 'warm-up');
  await mkdir(aside, { recursive: true });
  for (const entry of await readdir(deps.outboxDir, { withFileTypes: true }))
    if (entry.isFile() && !entry.name.startsWith('.')) await rename(path.join(deps.outboxDir, entry.name), path.join(aside, entry.name));
  return { seconds: (performance.now() - started) / 1_000, seats };
};
