import type pg from 'pg';
import { DomainError } from '../domain/domain-error.js';
import { type Position, comparePositions, formatPosition, parsePosition } from '../eventstore/position.js';
import { type CheckInEntry, eventCheckInsAfter } from '../projections/attendance/check-in-queries.js';
import { countsChangedBetween } from '../projections/attendance/event-queries.js';
import { type AttendanceCounts, atCheckpoint } from './live-feed.js';

/**
 * A live subscription that resumes after a position: what the dashboard missed while it was
 * away, read from the read model, then the live feed, without a gap or a repeat at the switch.
 *
 * The order is what makes it so: subscribe to the live topic first (mercurius queues what is
 * published from then on), then read the backlog in one snapshot with the projection's
 * checkpoint, then hand out the backlog and, from the queue, only what lies beyond that
 * checkpoint. Whatever the feed publishes after subscribing is queued; whatever it published
 * before was read at a checkpoint the snapshot has reached too, so the backlog holds it.
 */

/** What a dashboard missed, up to the attendance checkpoint it was read at. */
export interface Backlog<T> {
  /** The checkpoint's commit position: the live feed carries what lies beyond it. */
  upTo: bigint;
  /** Oldest first. */
  entries: AsyncIterable<T> | Iterable<T>;
}

/** PostgreSQL keeps positions as bigint: a larger number never was one. */
const MAX_POSITION = 2n ** 63n - 1n;

/** A subscription's `after`: a position the API gave, such as a check-in's or the counts' `position`. */
export const resumePosition = (after: string): Position => {
  try {
    const position = parsePosition(after);
    if (position.commit <= MAX_POSITION && position.prepare <= MAX_POSITION) return position;
  } catch {
    // Refused below, naming the argument.
  }
  throw new DomainError('VALIDATION', 'after must be a position as the API gave it (a check-in’s or the counts’ position, such as "42")');
};

/** Rows of the backlog read per query: a dashboard away for long catches up without the whole log in memory. */
const BACKLOG_PAGE = 500;

/**
 * The event's door log after `after`: the first page in a snapshot with the checkpoint, and
 * the rest as they are taken. Later pages need no snapshot: rows up to a checkpoint are final.
 */
export const missedCheckIns = async (pool: pg.Pool, eventId: string, after: Position): Promise<Backlog<CheckInEntry>> => {
  const { upTo, first } = await atCheckpoint(pool, async (client, checkpoint) => {
    const upTo = checkpoint?.commit ?? -1n;
    return { upTo, first: await eventCheckInsAfter(client, eventId, after, upTo, BACKLOG_PAGE) };
  });
  async function* pages(): AsyncGenerator<CheckInEntry> {
    let page = first;
    for (;;) {
      yield* page;
      const last = page.at(-1);
      if (page.length < BACKLOG_PAGE || !last) return;
      page = await eventCheckInsAfter(pool, eventId, parsePosition(last.position), upTo, BACKLOG_PAGE);
    }
  }
  return { upTo, entries: pages() };
};

/** The event's counts as they stand, if they changed after `after`: counts are a state, so the latest is all that was missed. */
export const missedCounts = (pool: pg.Pool, eventId: string, after: Position): Promise<Backlog<AttendanceCounts>> =>
  atCheckpoint(pool, async (client, checkpoint) => {
    const upTo = checkpoint?.commit ?? -1n;
    if (!checkpoint || upTo <= after.commit) return { upTo, entries: [] };
    const changed = await countsChangedBetween(client, after.commit, upTo, eventId);
    return { upTo, entries: changed.map((counts) => ({ ...counts, position: formatPosition(checkpoint) })) };
  });

/** The backlog, then what the live queue brings beyond both the backlog's checkpoint and `after`. */
async function* continued<T extends { position: string }>(live: AsyncIterable<T>, backlog: Backlog<T>, after: Position): AsyncGenerator<T> {
  yield* backlog.entries;
  for await (const entry of live) {
    const position = parsePosition(entry.position);
    if (position.commit > backlog.upTo && comparePositions(position, after) > 0) yield entry;
  }
}

/**
 * Subscribes, then reads the backlog; `close` drops the subscription when the backlog cannot
 * be read, since mercurius keeps a subscription it was never handed until the socket closes.
 */
export const resumed = async <T extends { position: string }>(
  subscribe: () => Promise<AsyncIterable<T>>,
  missed: () => Promise<Backlog<T>>,
  after: Position,
  close: () => void,
): Promise<AsyncIterable<T>> => {
  const live = await subscribe();
  try {
    return continued(live, await missed(), after);
  } catch (error) {
    close();
    throw error;
  }
};
