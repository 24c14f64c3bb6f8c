import type pg from 'pg';
import type { CheckInFlag } from '../../domain/check-in/check-in.js';
import { type Position, formatPosition } from '../../eventstore/position.js';
import { LIVE_ACCOUNTS } from '../accounts/tables.js';
import { type Page, type PageArgs, decodeCursor, pageSize, paged } from '../pages.js';
import { LIVE } from './tables.js';

/** The door log: every scan, manual check-in and undo, in log order. */

/** A row of the check-in log (null where the log holds what the projection could not store). */
interface CheckInRow {
  position: string;
  prepare_position: string;
  event_id: string | null;
  session_id: string | null;
  registration_id: string | null;
  attendee_id: string | null;
  staff_id: string | null;
  kind: string | null;
  result: string | null;
  reason: string | null;
  at: Date;
  device_id: string | null;
  scanned_at: Date | null;
  offline: boolean;
  offline_conflict: boolean;
}


/** The whole position: the events of one EventStoreDB append share their commit position. */
const checkInPosition = (row: CheckInRow): string => formatPosition({ commit: BigInt(row.position), prepare: BigInt(row.prepare_position) });

/** One line of the door log, for queries and for the live feed alike. */
const checkInEntry = (row: CheckInRow) => ({
  position: checkInPosition(row),
  eventId: row.event_id,
  sessionId: row.session_id,
  registrationId: row.registration_id,
  attendeeId: row.attendee_id,
  staffId: row.staff_id,
  kind: row.kind,
  result: row.result,
  reason: row.reason,
  at: row.at.toISOString(),
  deviceId: row.device_id,
  scannedAt: row.scanned_at?.toISOString() ?? null,
  offline: row.offline,
  flags: row.offline_conflict ? (['offline_conflict'] as CheckInFlag[]) : [],
});

export type CheckInEntry = ReturnType<typeof checkInEntry>;

/** A page without `first`; the schema declares it as the default, which the query cost rule prices. */
export const CHECK_INS_PAGE = 50;

/** A session's door log. */
export const sessionCheckIns = async (db: pg.Pool | pg.PoolClient, args: { eventId: string; sessionId: string } & PageArgs): Promise<Page<CheckInEntry>> => {
  const size = pageSize(args.first, CHECK_INS_PAGE);
  const [commit, prepare] = decodeCursor(args.after)?.split('/') ?? [];
  const { rows } = await db.query<CheckInRow>(
    `SELECT * FROM ${LIVE}.check_ins
      WHERE event_id = $1 AND session_id = $2 AND ($3::bigint IS NULL OR (position, prepare_position) > ($3, $4::bigint))
      ORDER BY position, prepare_position LIMIT $5`,
    [args.eventId, args.sessionId, commit ?? null, prepare ?? commit ?? null, size + 1],
  );
  return paged(rows, size, checkInPosition, checkInEntry);
};

/** The door log between two commit positions (after `from`, up to `to`): what the live feed publishes. */
export const checkInsBetween = async (db: pg.Pool | pg.PoolClient, from: bigint, to: bigint): Promise<CheckInEntry[]> => {
  const { rows } = await db.query<CheckInRow>(
    `SELECT * FROM ${LIVE}.check_ins WHERE position > $1 AND position <= $2 ORDER BY position, prepare_position`,
    [from.toString(), to.toString()],
  );
  return rows.map(checkInEntry);
};

/**
 * An event's door log after position `after` and up to commit position `upTo`, at most `limit`
 * rows: what a dashboard resuming after `after` missed. Read by the primary key's range, as a
 * resume is mostly after a short disconnect.
 */
export const eventCheckInsAfter = async (db: pg.Pool | pg.PoolClient, eventId: string, after: Position, upTo: bigint, limit: number): Promise<CheckInEntry[]> => {
  const { rows } = await db.query<CheckInRow>(
    `SELECT * FROM ${LIVE}.check_ins
      WHERE event_id = $1 AND (position, prepare_position) > ($2::bigint, $3::bigint) AND position <= $4
      ORDER BY position, prepare_position LIMIT $5`,
    [eventId, after.commit.toString(), after.prepare.toString(), upTo.toString(), limit],
  );
  return rows.map(checkInEntry);
};

/**
 * The first decision on a ticket held for its face after `after`: the face verdict, or a
 * check-in by hand, which settles it too. What a door waiting for the face is answered.
 */
export const faceDecisionAfter = async (
  db: pg.Pool | pg.PoolClient,
  args: { eventId: string; sessionId: string; registrationId: string; after: Position },
): Promise<CheckInEntry | undefined> => {
  const { rows } = await db.query<CheckInRow>(
    `SELECT * FROM ${LIVE}.check_ins
      WHERE event_id = $1 AND session_id = $2 AND registration_id = $3 AND (position, prepare_position) > ($4::bigint, $5::bigint)
        AND kind IN ('face', 'manual')
      ORDER BY position, prepare_position LIMIT 1`,
    [args.eventId, args.sessionId, args.registrationId, args.after.commit.toString(), args.after.prepare.toString()],
  );
  return rows[0] && checkInEntry(rows[0]);
};

/**
 * The names of attendees at the door, by account id (null for an account the read model lacks,
 * or an erased one): what a scan's answer shows the door, so it can act without another query.
 */
export const attendeeNames = async (db: pg.Pool | pg.PoolClient, attendeeIds: readonly string[]): Promise<(string | null)[]> => {
  const { rows } = await db.query<{ account_id: string; name: string | null }>(`SELECT account_id, name FROM ${LIVE_ACCOUNTS} WHERE account_id = ANY ($1::text[])`, [
    [...new Set(attendeeIds)],
  ]);
  const names = new Map(rows.map((row) => [row.account_id, row.name]));
  return attendeeIds.map((id) => names.get(id) ?? null);
};
