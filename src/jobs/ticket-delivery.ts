import type pg from 'pg';
import PgBoss from 'pg-boss';
import { deterministicId } from '../commands/deterministic-id.js';
import { type TicketCodes, ticketIdOf } from '../commands/tickets/ticket-codes.js';
import { ticketQrPng } from '../commands/tickets/ticket-qr.js';
import { type Position, comparePositions } from '../eventstore/position.js';
import { liveSchema, readCheckpoint } from '../projections/runner.js';
import { localTime } from './local-time.js';
import type { Mailer } from './mailer.js';
import { TICKET_DELIVERY_QUEUE } from './queues.js';

export interface TicketDeliveryData {
  registrationId: string;
  eventId: string;
  attendeeId: string;
  /** The ticket version to send; a later version (reissue) or a cancellation supersedes it. */
  version: number;
}

/** A ticket the attendance projection just issued, with when and where its event was recorded. */
export interface IssuedTicket extends TicketDeliveryData {
  recordedAt: Date;
  position: Position;
}

/**
 * Tickets issued longer ago than this are not mailed when their events are projected:
 * a read model built from scratch on an existing store replays years of confirmations.
 */
export const TICKET_MAIL_HORIZON_MS = 24 * 60 * 60_000;

/** One job per ticket version, whoever enqueues it and however often; a registration is one of its event's. */
export const ticketDeliveryJobId = (eventId: string, registrationId: string, version: number): string =>
  deterministicId('ticket-delivery', eventId, registrationId, String(version));

// Renders pg-boss's insert only; every statement runs on the `db` passed to send.
const statements = new PgBoss({
  schema: 'pgboss',
  db: { executeSql: () => Promise.reject(new Error('ticket delivery jobs are sent on the projection’s transaction')) },
});

/**
 * Queues the delivery of tickets in the transaction of the projection batch that issued
 * them: the job exists if and only if the registration's new row committed, so a batch
 * retried after a rollback queues nothing twice. Only tickets after the live checkpoint are
 * sent: those before it were sent when the live tables applied them, and a rebuild or verify
 * shadow replays them as history. A shadow that gets ahead of the live tables (a rebuild
 * while the live runner is stopped, or the rebuild that replaces tables of an older version)
 * sends what nobody sent; the job id keeps a live runner that applies it too from sending it
 * again. Nothing is queued before the job tables exist.
 */
export const enqueueTicketDeliveries = async (client: pg.PoolClient, tickets: readonly IssuedTicket[], now = new Date()): Promise<void> => {
  const recent = tickets.filter((t) => now.getTime() - t.recordedAt.getTime() <= TICKET_MAIL_HORIZON_MS);
  if (recent.length === 0) return;
  const live = (await readCheckpoint(client, 'attendance'))?.position;
  const unsent = live ? recent.filter((t) => comparePositions(t.position, live) > 0) : recent;
  if (unsent.length === 0) return;
  const { rows } = await client.query<{ installed: boolean }>("SELECT to_regclass('pgboss.job') IS NOT NULL AS installed");
  if (!rows[0]?.installed) return;
  const db = { executeSql: (text: string, values: unknown[]) => client.query(text, values) };
  for (const { recordedAt: _, position: __, ...ticket } of unsent)
    await statements.send(TICKET_DELIVERY_QUEUE, ticket satisfies TicketDeliveryData, {
      id: ticketDeliveryJobId(ticket.eventId, ticket.registrationId, ticket.version),
      singletonKey: `${ticket.eventId}:${ticket.registrationId}:${ticket.version}`,
      db,
    });
};

export interface TicketDeliveryDependencies {
  pool: pg.Pool;
  codes: TicketCodes;
  mailer: Mailer;
}

interface TicketRow {
  status: string;
  ticket_version: number;
  title: string | null;
  venue: string | null;
  time_zone: string | null;
  email: string | null;
  name: string | null;
  account_status: string | null;
  first_session: Date | null;
}

/**
 * The `ticket-delivery` handler: reads the registration, its event and the attendee's
 * address from the read models, signs the ticket code and mails it with its QR as a PNG.
 * A superseded ticket (reissued, cancelled), or one for a disabled account, is skipped; a
 * read model that has not caught up yet (no account) throws, so the job is retried with backoff.
 */
export const deliverTicket = async (deps: TicketDeliveryDependencies, ticket: TicketDeliveryData): Promise<{ delivered: string } | { skipped: string }> => {
  const attendance = liveSchema('attendance');
  const { rows } = await deps.pool.query<TicketRow>(
    `SELECT r.status, r.ticket_version, e.title, e.venue, e.time_zone, a.email, a.name, a.status AS account_status,
            (SELECT min(s.starts_at) FROM ${attendance}.sessions s WHERE s.event_id = r.event_id) AS first_session
       FROM ${attendance}.registrations r
       JOIN ${attendance}.events e ON e.event_id = r.event_id
       LEFT JOIN ${liveSchema('accounts')}.accounts a ON a.account_id = r.attendee_id
      WHERE r.event_id = $1 AND r.registration_id = $2`,
    [ticket.eventId, ticket.registrationId],
  );
  const row = rows[0];
  if (!row) throw new Error(`Registration ${ticket.registrationId} of event ${ticket.eventId} is not in the attendance read model`);
  if (row.status !== 'confirmed' || row.ticket_version !== ticket.version)
    return { skipped: `the registration is ${row.status} with ticket version ${row.ticket_version}` };
  if (row.account_status === null) throw new Error(`Attendee ${ticket.attendeeId} is not in the accounts read model yet`);
  if (row.account_status === 'disabled') return { skipped: `the attendee's account is disabled` };
  if (!row.email) return { skipped: `the log holds an address for the attendee that the accounts read model could not store` };
  const png = await ticketQrPng(await deps.codes.sign(ticket));
  const ticketId = ticketIdOf(ticket.eventId, ticket.registrationId);
  // Null where the log held a value the read model could not store.
  const [title, venue] = [row.title ?? 'your event', row.venue ?? 'the venue'];
  const when = row.first_session ? `\nIt starts ${localTime(row.first_session, row.time_zone ?? 'UTC')} at ${venue}.\n` : `\nVenue: ${venue}\n`;
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
  return { delivered: row.email };
};
