import type pg from 'pg';
import { EVENT_COLUMNS, type EventRow } from './event-rows.js';
import { Gathered } from '../../gathered.js';

/** A stream read from a revision to its end: what the command side asks before every decision. */
export interface StreamRead {
  streamId: string;
  fromRevision: bigint;
}

/** Reads that share a statement; each usually finds nothing new, so a group's answer stays small. */
const MAX_GROUP = 256;

/**
 * Reads of different streams that arrive while earlier ones are out go together in the next
 * statement: under load (doors scanning at many sessions, a seed replaying) the command
 * side's catch-up reads cost one round trip per group instead of one each.
 */
export const gatheredStreamReads = (pool: pg.Pool, alone: (read: StreamRead) => Promise<EventRow[]>): Gathered<StreamRead, EventRow[]> =>
  new Gathered(async (reads) => {
    if (reads.length === 1) return [await alone(reads[0]!)];
    const { rows } = await pool.query<EventRow & { entry: string }>({
      name: 'rollcall_read_streams',
      text: `SELECT r.entry, ${EVENT_COLUMNS}
               FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS r(stream_id, from_revision, entry)
               CROSS JOIN LATERAL (
                 SELECT * FROM rollcall.events e WHERE e.stream_id = r.stream_id AND e.revision >= r.from_revision ORDER BY e.revision
               ) e
              ORDER BY r.entry, e.revision`,
      values: [reads.map((read) => read.streamId), reads.map((read) => read.fromRevision.toString())],
    });
    const answers = reads.map((): EventRow[] => []);
    for (const row of rows) answers[Number(row.entry) - 1]!.push(row);
    return answers;
  }, MAX_GROUP);
