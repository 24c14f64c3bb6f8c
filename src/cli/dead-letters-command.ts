import { Command } from 'commander';
import type pg from 'pg';
import { DomainError } from '../domain/domain-error.js';
import { listDeadLetters, replayDeadLetters } from '../integration/delivery.js';
import { type WorkerReactor, reactorNamed } from '../ml/reactors.js';
import { UsageError, exits, needsSubcommand } from './command-line.js';
import { table } from './table.js';

/** The most dead letters `list` shows: the oldest ones, which are the first to look at. */
const LIST_LIMIT = 1_000;

export interface DeadLettersCommandDeps {
  /** Opened only once the arguments are known to be good. */
  connect(): Promise<{ pool: pg.Pool; reactors: readonly WorkerReactor[] }>;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Ctrl-C: a replay stops after the letter in flight. */
  signal?: AbortSignal;
}

/** `rollcall admin dead-letters list | replay`. */
export const deadLettersCommand = (deps: DeadLettersCommandDeps): Command => {
  const deadLetters = new Command('dead-letters').description('events reactors kept failing on');
  deadLetters
    .command('list')
    .description('events reactors kept failing on, oldest first, with the error')
    .option('--consumer <name>', "only this reactor's")
    .option('--json', 'as JSON')
    .action(exits((options: { consumer?: string; json?: boolean }) => list(options.consumer, options.json ?? false, deps)));
  deadLetters
    .command('replay')
    .description('hand them to the reactor again; those it now handles leave the list (exit 1 while some still fail)')
    .argument('<consumer>', 'the reactor')
    .option('--event <eventId>', 'only this event')
    .action(exits((consumer: string, options: { event?: string }) => replay(consumer, options.event, deps)));
  return needsSubcommand(deadLetters);
};

const list = async (consumer: string | undefined, json: boolean, deps: DeadLettersCommandDeps): Promise<number> => {
  const { pool } = await deps.connect();
  const letters = await listDeadLetters(pool, consumer, LIST_LIMIT);
  if (json) {
    deps.out(JSON.stringify(letters, null, 2));
    return 0;
  }
  for (const line of table([
    ['CONSUMER', 'EVENT', 'TYPE', 'ATTEMPTS', 'FAILED', 'ERROR'],
    ...letters.map((l) => [l.consumer, l.eventId, l.type, String(l.attempts), l.failedAt, l.error]),
  ]))
    deps.out(line);
  deps.out(`${letters.length} dead letter(s)${letters.length === LIST_LIMIT ? `, the oldest ${LIST_LIMIT} shown` : ''}`);
  return 0;
};

const replay = async (consumer: string, eventId: string | undefined, deps: DeadLettersCommandDeps): Promise<number> => {
  const { pool, reactors } = await deps.connect();
  let reactor;
  try {
    reactor = reactorNamed(reactors, consumer);
  } catch (error) {
    if (error instanceof DomainError) throw new UsageError(error.message);
    throw error;
  }
  const { replayed, stillFailing } = await replayDeadLetters(pool, reactor, eventId, undefined, deps.signal);
  deps.out(`${consumer}: replayed ${replayed}, still failing ${stillFailing}`);
  if (stillFailing === 0) return 0;
  for (const letter of await listDeadLetters(pool, consumer, LIST_LIMIT))
    if (!eventId || letter.eventId === eventId) deps.out(`  ${letter.eventId}  ${letter.type}: ${letter.error}`);
  return 1;
};
