import type pg from 'pg';
import type { ExpectedRevision } from '../event-store.js';
import type { ValidatedEvent } from '../validate-append.js';
import { Gathered } from '../../gathered.js';

/** What one append came to: its row, or why PostgreSQL refused it, in a DatabaseError's terms. */
export type AppendOutcome =
  | { row: { next_revision: string; last_position: string } }
  | { refused: { code: string; detail?: string; constraint?: string } };

export interface PendingAppend {
  streamId: string;
  events: readonly ValidatedEvent[];
  expected: ExpectedRevision;
}

interface EntryRow {
  entry: number;
  next_revision: string | null;
  last_position: string | null;
  failure: string | null;
  failure_detail: string | null;
  failure_constraint: string | null;
}

/**
 * At most this many appends share a transaction: each runs in a subtransaction of its own,
 * and past 64 of them PostgreSQL's snapshots overflow to pg_subtrans for every reader.
 */
const MAX_GROUP = 64;

const appendJson = ({ streamId, events, expected }: PendingAppend): string =>
  `{"stream":${JSON.stringify(streamId)},"expected":"${typeof expected === 'bigint' ? 'exact' : expected}",` +
  `"revision":${typeof expected === 'bigint' ? expected.toString() : 'null'},` +
  // Built from the JSON text validation already produced, so nothing is serialised twice.
  `"events":[${events.map((e) => `{"id":"${e.id}","type":${JSON.stringify(e.type)},"data":${e.data},"metadata":${e.metadata}}`).join(',')}]}`;

const byStream = (a: PendingAppend, b: PendingAppend): number => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0);

/**
 * Group commit: appends to different streams that arrive while earlier ones are being
 * written go together in the next statement (rollcall.append_to_streams,
 * infra/migrations/023): one transaction and one WAL flush for many writers, each still
 * checked against its own expected revision and told only of its own refusal.
 *
 * If a whole group fails (a value PostgreSQL will not take as JSON, a dropped connection),
 * nothing of it was stored, and each of its appends is tried again alone, so one bad append
 * never fails its neighbours.
 */
export const groupCommit = (pool: pg.Pool, alone: (append: PendingAppend) => Promise<AppendOutcome>): Gathered<PendingAppend, AppendOutcome> =>
  new Gathered(async (group) => {
    if (group.length === 1) return [await alone(group[0]!)];
    // Sorted by stream (stably: one stream's appends keep their order), so groups from several
    // processes wait for each other's rows in one order and cannot deadlock.
    const sorted = group.map((append, index) => ({ append, index })).sort((a, b) => byStream(a.append, b.append) || a.index - b.index);
    let rows: EntryRow[];
    try {
      ({ rows } = await pool.query<EntryRow>({
        name: 'rollcall_append_to_streams',
        text: 'SELECT entry, next_revision, last_position, failure, failure_detail, failure_constraint FROM rollcall.append_to_streams($1)',
        values: [`[${sorted.map(({ append }) => appendJson(append)).join(',')}]`],
      }));
    } catch {
      return Promise.all(group.map(async (append) => alone(append)));
    }
    const outcomes: AppendOutcome[] = [];
    for (const row of rows) {
      outcomes[sorted[row.entry - 1]!.index] = row.failure
        ? { refused: { code: row.failure, detail: row.failure_detail ?? undefined, constraint: row.failure_constraint ?? undefined } }
        : { row: { next_revision: row.next_revision!, last_position: row.last_position! } };
    }
    return outcomes;
  }, MAX_GROUP);
