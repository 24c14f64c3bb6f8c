import type pg from 'pg';
import { deterministicId } from '../commands/deterministic-id.js';
import { type TicketCodes, ticketIdOf } from '../commands/tickets/ticket-codes.js';
import { ticketQrPng } from '../commands/tickets/ticket-qr.js';
import type { Trace } from '../eventstore/trace.js';
import { ticketMailing } from '../projections/attendance/registration-queries.js';
import { localTime } from './local-time.js';
import type { Mailer } from './mailer.js';

export interface TicketDeliveryData {
  registrationId: string;
  eventId: string;
  attendeeId: string;
  /** The ticket version to send; a later version (reissue) or a cancellation supersedes it. */
  version: number;
  /** The event that issued the ticket (its causation) and its request; absent in jobs queued before jobs carried one. */
  trace?: Trace;
}

/**
 * Tickets issued longer ago than this are not mailed: the ticket-mail reactor may read years
 * of confirmations, when it starts on an existing store or follows its log from the start.
 */
export const TICKET_MAIL_HORIZON_MS = 24 * 60 * 60_000;

/** One job per ticket version, whoever queues it and however often; a registration is one of its event's. */
export const ticketDeliveryJobId = (eventId: string, registrationId: string, version: number): string =>
  deterministicId('ticket-delivery', eventId, registrationId, String(version));

/**
 * How the projector works the queue: batches of 20 tickets, 4 of them side by side, two batches
 * in flight; each ticket still its own job, settled and retried alone (eachJobOnItsOwn). An
 * on-sale confirms thousands within a minute. One job per fetch, each waiting for its own
 * fetch and completion (two queries on pg-boss's three connections) besides its read, its
 * signing and its write, mailed a few dozen tickets a second: 10,000 took minutes.
 */
export const TICKET_DELIVERY_WORK = { batchSize: 20, concurrency: 2, atOnce: 4 } as const;

export interface TicketDeliveryDependencies {
  pool: pg.Pool;
  codes: TicketCodes;
  mailer: Mailer;
}

/**
 * The `ticket-delivery` handler: reads the registration, its event and the attendee's
 * address from the read models, signs the ticket code and mails it with its QR as a PNG.
 * A superseded ticket (reissued, cancelled), or one for a disabled account, is skipped; a
 * read model that has not caught up yet (no account) throws, so the job is retried with backoff.
 */
export const deliverTicket = async (deps: TicketDeliveryDependencies, ticket: TicketDeliveryData): Promise<{ delivered: string } | { skipped: string }> => {
  const row = await ticketMailing(deps.pool, ticket.eventId, ticket.registrationId);
  if (!row) throw new Error(`Registration ${ticket.registrationId} of event ${ticket.eventId} is not in the attendance read model`);
  if (row.status !== 'confirmed' || row.ticketVersion !== ticket.version)
    return { skipped: `the registration is ${row.status} with ticket version ${row.ticketVersion}` };
  if (row.accountStatus === null) throw new Error(`Attendee ${ticket.attendeeId} is not in the accounts read model yet`);
  if (row.accountStatus === 'disabled' || row.accountStatus === 'erased') return { skipped: `the attendee's account is ${row.accountStatus}` };
  if (!row.email) return { skipped: `the log holds an address for the attendee that the accounts read model could not store` };
  const png = await ticketQrPng(await deps.codes.sign(ticket));
  const ticketId = ticketIdOf(ticket.eventId, ticket.registrationId);
  // Null where the log held a value the read model could not store.
  const [title, venue] = [row.title ?? 'your event', row.venue ?? 'the venue'];
  const when = row.firstSession ? `\nIt starts ${localTime(row.firstSession, row.timeZone ?? 'UTC')} at ${venue}.\n` : `\nVenue: ${venue}\n`;
  // Only a reissue makes a later version, and it revokes the earlier code: an attendee not
  // told so might bring the old QR to the door.
  const reissued = ticket.version > 1;
  const opening = reissued
    ? `here is your new ticket for ${title}. It replaces the one we sent you before, whose QR code no longer works at the door.`
    : `your registration for ${title} is confirmed.`;
  await deps.mailer.deliver({
    kind: 'ticket',
    to: row.email,
    subject: `Your ${reissued ? 'new ' : ''}ticket for ${title}`,
    text: `Hello ${row.name ?? ''},\n\n${opening}${when}\nShow the attached QR code at the door. Ticket ${ticketId}, version ${ticket.version}.\n`,
    token: '',
    attachments: [{ filename: `ticket-${ticketId}.png`, contentType: 'image/png', contentBase64: png.toString('base64') }],
  });
  // pg-boss keeps what a job returns: an id, never the address.
  return { delivered: ticketId };
};
