import type pg from 'pg';
import { type Page, type PageArgs, decodeCursor, pageSize, paged } from '../projections/pages.js';
import type { ImportProgress } from './attendee-import.js';
import type { ImportOutcome, OutcomeCounts, ReportRow } from './import-report.js';
import { inTransaction } from '../postgres/transaction.js';

/** `interrupted`: it was running in a process that stopped (a crash, a deploy); importing the file again finishes it. */
export type ImportJobState = 'running' | 'done' | 'failed' | 'interrupted';

export interface ImportJobView {
  id: string;
  eventId: string;
  requestedBy: string;
  state: ImportJobState;
  rowCount: number;
  progress: ImportProgress;
  counts: OutcomeCounts;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

/** How long a running import may go untouched before it counts as interrupted: many heartbeats (HEARTBEAT_MS) missed. */
const INTERRUPTED_AFTER = '30 seconds';

const VIEW = `SELECT import_id, event_id, requested_by, row_count, steps_total, steps_done, counts, error, started_at, finished_at,
  CASE WHEN state = 'running' AND heartbeat_at < now() - interval '${INTERRUPTED_AFTER}' THEN 'interrupted' ELSE state END AS state
  FROM rollcall.attendee_imports`;

interface JobRow {
  import_id: string;
  event_id: string;
  requested_by: string;
  state: ImportJobState;
  row_count: number;
  steps_total: number;
  steps_done: number;
  counts: OutcomeCounts;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

const viewOf = (row: JobRow): ImportJobView => ({
  id: row.import_id,
  eventId: row.event_id,
  requestedBy: row.requested_by,
  state: row.state,
  rowCount: row.row_count,
  progress: { done: row.steps_done, total: row.steps_total },
  counts: row.counts,
  error: row.error,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
});

/** A kept report row: what the import did, without the address (see ReportRow). */
export type KeptRow = Omit<ReportRow, 'email'> & { email: null };

/** The committed imports and their reports, in `rollcall.attendee_imports` and `rollcall.attendee_import_rows`. */
export class ImportJobs {
  constructor(private readonly pool: pg.Pool) {}

  async create(job: { id: string; eventId: string; requestedBy: string; rowCount: number; total: number }): Promise<void> {
    await this.pool.query(
      `INSERT INTO rollcall.attendee_imports (import_id, event_id, requested_by, state, row_count, steps_total) VALUES ($1, $2, $3, 'running', $4, $5)`,
      [job.id, job.eventId, job.requestedBy, job.rowCount, job.total],
    );
  }

  /** Also the heartbeat: a running import's progress, written however little it moved. */
  async progress(id: string, done: number): Promise<void> {
    await this.pool.query(`UPDATE rollcall.attendee_imports SET steps_done = GREATEST(steps_done, $2), heartbeat_at = now() WHERE import_id = $1`, [id, done]);
  }

  /** Its report, in one statement however long, and the job done, in one transaction: a reader sees both or neither. */
  async finish(id: string, rows: readonly ReportRow[], counts: OutcomeCounts): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO rollcall.attendee_import_rows (import_id, row_number, outcome, status, account_id, registration_id, message)
         SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
        [
          id,
          rows.map((r) => r.row),
          rows.map((r) => r.outcome),
          rows.map((r) => r.status),
          rows.map((r) => r.accountId),
          rows.map((r) => r.registrationId),
          rows.map((r) => r.message),
        ],
      );
      await client.query(
        `UPDATE rollcall.attendee_imports SET state = 'done', steps_done = steps_total, counts = $2, finished_at = now(), heartbeat_at = now() WHERE import_id = $1`,
        [id, JSON.stringify(counts)],
      );
    });
  }

  async fail(id: string, error: string): Promise<void> {
    await this.pool.query(`UPDATE rollcall.attendee_imports SET state = 'failed', error = $2, finished_at = now(), heartbeat_at = now() WHERE import_id = $1`, [id, error]);
  }

  async find(id: string): Promise<ImportJobView | undefined> {
    const { rows } = await this.pool.query<JobRow>(`${VIEW} WHERE import_id = $1`, [id]);
    return rows[0] && viewOf(rows[0]);
  }

  /** A page of its report in the file's order, of one outcome when asked. */
  async rows(id: string, args: PageArgs & { outcome?: ImportOutcome | null }): Promise<Page<KeptRow>> {
    const size = pageSize(args.first, 100);
    const after = Number(decodeCursor(args.after) ?? 0);
    const { rows } = await this.pool.query<{ row_number: number; outcome: ImportOutcome; status: ReportRow['status']; account_id: string | null; registration_id: string | null; message: string | null }>(
      `SELECT row_number, outcome, status, account_id, registration_id, message FROM rollcall.attendee_import_rows
        WHERE import_id = $1 AND row_number > $2 AND ($3::text IS NULL OR outcome = $3) ORDER BY row_number LIMIT $4`,
      [id, after, args.outcome ?? null, size + 1],
    );
    return paged(
      rows,
      size,
      (row) => String(row.row_number),
      (row) => ({ row: row.row_number, email: null, outcome: row.outcome, status: row.status, message: row.message, accountId: row.account_id, registrationId: row.registration_id }),
    );
  }
}
