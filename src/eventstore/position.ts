import { InvalidInputError } from './errors.js';

/**
 * A place in the store's global order. EventStoreDB addresses its log by commit and
 * prepare position; the PostgreSQL store has one number, used as both.
 */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const positionAt = (value: bigint): Position => ({ commit: value, prepare: value });

export const comparePositions = (a: Position, b: Position): number =>
  a.commit !== b.commit ? (a.commit < b.commit ? -1 : 1) : a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;

/** `"42"` when commit and prepare agree (PostgreSQL), `"42/40"` otherwise. */
export const formatPosition = (p: Position): string =>
  p.commit === p.prepare ? p.commit.toString() : `${p.commit}/${p.prepare}`;

export const parsePosition = (text: string): Position => {
  const match = /^(\d{1,19})(?:\/(\d{1,19}))?$/.exec(text);
  if (!match) throw new InvalidInputError(`"${text}" is not a position (expected "<commit>" or "<commit>/<prepare>")`);
  const commit = BigInt(match[1]!);
  return { commit, prepare: match[2] === undefined ? commit : BigInt(match[2]) };
};
