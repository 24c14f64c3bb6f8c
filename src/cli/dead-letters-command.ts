import { parseArgs } from 'node:util';
import type pg from 'pg';
import { DomainError } from '../domain/domain-error.js';
import { listDeadLetters, replayDeadLetters } from '../integration/delivery.js';
import { type WorkerReactor, reactorNamed } from '../ml/reactors.js';
import { table } from './table.js';

export const DEAD_LETTERS_USAGE = `Usage: rollcall admin dead-letters <command>
  list [--consumer <name>] [--json]       events reactors kept failing on, oldest first, with the error
  replay <consumer> [--event <eventId>]   hand them to the reactor again; those it now handles leave the list
                                          (exit 1 while some still fail)`;

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

/** Runs `admin dead-letters <args>`; resolves to the process's exit code. */
export const runDeadLettersCommand = async (args: string[], deps: DeadLettersCommandDeps): Promise<number> => {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { consumer: { type: 'string' }, event: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    deps.err(`${(error as Error).message}\n${DEAD_LETTERS_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help) {
    deps.out(DEAD_LETTERS_USAGE);
    return 0;
  }
  if (command === 'list' && rest.length === 0 && values.event === undefined) return list(values.consumer, values.json ?? false, deps);
  if (command === 'replay' && rest.length === 1 && values.consumer === undefined && !values.json) return replay(rest[0]!, values.event, deps);
  deps.err(DEAD_LETTERS_USAGE);
  return 2;
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
    if (!(error instanceof DomainError)) throw error;
    deps.err(`${error.message}\n${DEAD_LETTERS_USAGE}`);
    return 2;
  }
  const { replayed, stillFailing } = await replayDeadLetters(pool, reactor, eventId, undefined, deps.signal);
  deps.out(`${consumer}: replayed ${replayed}, still failing ${stillFailing}`);
  if (stillFailing === 0) return 0;
  for (const letter of await listDeadLetters(pool, consumer, LIST_LIMIT))
    if (!eventId || letter.eventId === eventId) deps.out(`  ${letter.eventId}  ${letter.type}: ${letter.error}`);
  return 1;
};
