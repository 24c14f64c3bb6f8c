import type pg from 'pg';
import { inTransaction } from '../../postgres/transaction.js';
import { LIVE } from './tables.js';

/**
 * A session's check-in list: what a scanner downloads to decide alone, offline. Which tickets
 * admit (each with the version its code must carry, and whether it is in already), which no
 * longer do, and the event's status and the session's window. Asked with `since` (a list's
 * `position`), it holds only what changed after it.
 */

export interface ListedTicket {
  registrationId: string;
  /** The version a code must carry: a code of an older one is revoked. */
  version: number;
  /** Whether the ticket is checked in at this session. */
  checkedIn: boolean;
}

export interface RevokedTicket {
  registrationId: string;
  /** Why it no longer admits: the registration's status (cancelled, rejected, …) or `event_cancelled`. */
  reason: string;
}

export interface CheckInList {
  eventId: string;
  sessionId: string;
  eventStatus: string;
  checkInOpensAt: string | null;
  checkInClosesAt: string | null;
  /** Where this list stands: ask again with it as `since` for what changed after. */
  position: string;
  /** Tickets that admit, as they stand now: on a refresh, those that changed after `since`. */
  tickets: ListedTicket[];
  /** Tickets issued once that no longer admit; on a refresh, those revoked after `since`. */
  revoked: RevokedTicket[];
}

interface ListRow {
  registration_id: string;
  status: string;
  ticket_version: number;
  checked_in: boolean | null;
  /** The later of the registration's last change and its last check-in change at the session. */
  changed_position: string;
}

/**
 * The list in one snapshot (REPEATABLE READ): the projector commits a batch's rows together,
 * so every change at or below the highest position read is in it, and every later one will
 * carry a higher position. That position is the next `since`; a list with nothing new keeps
 * the `since` it was asked with. Undefined for an event or session the read model lacks.
 */
export const checkInList = (pool: pg.Pool, args: { eventId: string; sessionId: string; since: bigint }): Promise<CheckInList | undefined> =>
  inTransaction(
    pool,
    async (client) => {
      const { rows: sessions } = await client.query<{ status: string; check_in_opens_at: Date | null; check_in_closes_at: Date | null }>(
        `SELECT e.status, s.check_in_opens_at, s.check_in_closes_at FROM ${LIVE}.events e
           JOIN ${LIVE}.sessions s ON s.event_id = e.event_id AND s.session_id = $2
          WHERE e.event_id = $1`,
        [args.eventId, args.sessionId],
      );
      const session = sessions[0];
      if (!session) return undefined;
      // A check-in changes when it is made or undone, or when a face match makes it; a
      // superseded scan's row is a refusal and changes nothing.
      const { rows } = await client.query<ListRow>(
        `WITH door AS (
           SELECT DISTINCT ON (registration_id) registration_id, kind <> 'undo' AS checked_in, position
             FROM ${LIVE}.check_ins
            WHERE event_id = $1 AND session_id = $2 AND registration_id IS NOT NULL AND (result = 'ok' OR kind = 'undo')
            ORDER BY registration_id, position DESC, prepare_position DESC
         )
         SELECT r.registration_id, r.status, r.ticket_version, d.checked_in,
                GREATEST(COALESCE(r.updated_position, r.registered_position), COALESCE(d.position, 0))::text AS changed_position
           FROM ${LIVE}.registrations r LEFT JOIN door d USING (registration_id)
          WHERE r.event_id = $1 AND r.ticket_version > 0
            AND GREATEST(COALESCE(r.updated_position, r.registered_position), COALESCE(d.position, 0)) > $3
          ORDER BY r.registration_id`,
        [args.eventId, args.sessionId, args.since.toString()],
      );
      const cancelled = session.status === 'cancelled';
      const list: CheckInList = {
        eventId: args.eventId,
        sessionId: args.sessionId,
        eventStatus: session.status,
        checkInOpensAt: session.check_in_opens_at?.toISOString() ?? null,
        checkInClosesAt: session.check_in_closes_at?.toISOString() ?? null,
        position: rows.reduce((highest, row) => (BigInt(row.changed_position) > highest ? BigInt(row.changed_position) : highest), args.since).toString(),
        tickets: [],
        revoked: [],
      };
      for (const row of rows) {
        if (row.status === 'confirmed' && !cancelled)
          list.tickets.push({ registrationId: row.registration_id, version: row.ticket_version, checkedIn: row.checked_in ?? false });
        else list.revoked.push({ registrationId: row.registration_id, reason: cancelled ? 'event_cancelled' : row.status });
      }
      return list;
    },
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
  );
