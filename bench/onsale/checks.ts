import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { eventStream } from '../../src/domain/streams.js';
import type { EventStore } from '../../src/eventstore/event-store.js';
import { comparePositions } from '../../src/eventstore/position.js';
import { eventRegistrations } from '../../src/projections/attendance/registration-queries.js';
import { MAX_PAGE } from '../../src/projections/pages.js';
import type { Projection } from '../../src/projections/projection.js';
import { readCheckpoint } from '../../src/projections/runner.js';
import { verifyProjection } from '../../src/projections/verify.js';

/** Resolves once every one of `projections` has applied the log as far as it reaches now; throws after `timeoutMs`. */
export const projectionsCaughtUp = async (store: EventStore, pool: pg.Pool, projections: readonly Projection[], timeoutMs: number): Promise<void> => {
  const head = await store.headPosition();
  if (!head) return;
  const deadline = Date.now() + timeoutMs;
  for (const { name } of projections)
    for (;;) {
      const applied = (await readCheckpoint(pool, name))?.position;
      if (applied && comparePositions(applied, head) >= 0) break;
      if (Date.now() > deadline) throw new Error(`${name} has not caught up with the log within ${timeoutMs} ms`);
      await sleep(100);
    }
};

export interface WaitingListCheck {
  /** Waitlisted registrations in the read model. */
  length: number;
  /** Whether the read model's waiting list is the stream's RegistrationWaitlisted events, in their order. */
  inArrivalOrder: boolean;
  /** The first place where they differ, when they do. */
  firstDifference?: number;
}

/**
 * The event's waiting list as the read model serves it (the organizer's registrations query,
 * page by page) against the order in which the store took the registrations: its stream.
 */
export const waitingListCheck = async (store: EventStore, pool: pg.Pool, eventId: string): Promise<WaitingListCheck> => {
  const arrived = (await store.readStream(eventStream(eventId))).filter((e) => e.type === 'RegistrationWaitlisted').map((e) => e.data.registrationId as string);
  const served: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await eventRegistrations(pool, { eventId, status: 'waitlisted', first: MAX_PAGE, after });
    served.push(...page.nodes.map((n) => n.registrationId));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  const length = Math.max(arrived.length, served.length);
  const firstDifference = Array.from({ length }, (_, i) => i).find((i) => arrived[i] !== served[i]);
  return { length: served.length, inArrivalOrder: firstDifference === undefined, ...(firstDifference === undefined ? {} : { firstDifference }) };
};

/** Whether each projection's live tables equal a rebuild from the log (as `rollcall admin projections verify` compares them). */
export const equalToRebuild = async (store: EventStore, pool: pg.Pool, projections: readonly Projection[]): Promise<Record<string, boolean>> => {
  const results: Record<string, boolean> = {};
  for (const projection of projections) results[projection.name] = (await verifyProjection({ store, pool, projection })).equal;
  return results;
};
