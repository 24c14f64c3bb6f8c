import { readdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { Outbox } from '../../src/commands/accounts/outbox.js';
import { TICKET_DELIVERY_QUEUE } from '../../src/jobs/queues.js';

const POLL_MS = 250;

/** Messages in the outbox folder: its finished .json files (a message is renamed into place whole). */
const countMessages = async (directory: string): Promise<number> => {
  const names = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return names.filter((name) => name.endsWith('.json') && !name.startsWith('.')).length;
};

/**
 * performance.now() when the outbox first held `expected` messages, or undefined if it did
 * not within `timeoutMs`. Counts files rather than reading them, so that watching does not
 * slow the mail it watches; {@link ticketMailCheck} reads them once at the end.
 */
export const outboxFilled = async (directory: string, expected: number, timeoutMs: number, progress?: (count: number) => void): Promise<number | undefined> => {
  const deadline = performance.now() + timeoutMs;
  let reported = 0;
  for (;;) {
    const count = await countMessages(directory);
    if (count >= expected) return performance.now();
    if (performance.now() >= deadline) return undefined;
    if (Math.floor(count / 1_000) > Math.floor(reported / 1_000)) progress?.(count);
    reported = Math.max(reported, count);
    await sleep(POLL_MS);
  }
};

export interface TicketMailCheck {
  tickets: number;
  /** Confirmed attendees with no ticket mail, or more than one. */
  missing: number;
  duplicates: number;
  /** Ticket mail to anyone not confirmed. */
  unexpected: number;
  /** Mail of any other kind. */
  other: number;
}

/** Whether each confirmed attendee's address has exactly one ticket mail, and nobody else has one; and what else the outbox holds. */
export const ticketMailCheck = async (directory: string, confirmedAddresses: ReadonlySet<string>): Promise<TicketMailCheck> => {
  const perAddress = new Map<string, number>();
  let tickets = 0;
  let unexpected = 0;
  let other = 0;
  for (const message of await new Outbox(directory).messages()) {
    if (message.kind !== 'ticket') other++;
    else if (!confirmedAddresses.has(message.to)) unexpected++;
    else {
      tickets++;
      perAddress.set(message.to, (perAddress.get(message.to) ?? 0) + 1);
    }
  }
  const counts = [...confirmedAddresses].map((address) => perAddress.get(address) ?? 0);
  return { tickets, missing: counts.filter((n) => n === 0).length, duplicates: counts.filter((n) => n > 1).length, unexpected, other };
};

/**
 * Of the ticket-delivery jobs queued since `since` (epoch ms): seconds from it until the last was queued (the reactor's
 * share of the wait) and until the last one was done (the workers'), from pg-boss's own table.
 */
export const ticketJobTimes = async (pool: pg.Pool, since: number): Promise<{ lastQueued: number | null; lastDone: number | null; jobs: number }> => {
  const { rows } = await pool.query<{ queued: Date | null; done: Date | null; jobs: string }>(
    `SELECT max(created_on) AS queued, max(completed_on) AS done, count(*) AS jobs FROM pgboss.job WHERE name = $1 AND created_on >= $2`,
    [TICKET_DELIVERY_QUEUE, new Date(since)],
  );
  const seconds = (at: Date | null) => (at ? Number(((at.getTime() - since) / 1_000).toFixed(1)) : null);
  return { lastQueued: seconds(rows[0]!.queued), lastDone: seconds(rows[0]!.done), jobs: Number(rows[0]!.jobs) };
};
