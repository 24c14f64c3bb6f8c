import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { DuplicateEventIdError, InvalidInputError, WrongExpectedRevisionError, describeExpected } from '../errors.js';
import type {
  AllSubscription,
  AppendResult,
  EventData,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  JsonObject,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreIdentity,
  StreamMetadata,
  SubscribeToAllOptions,
} from '../event-store.js';
import { type Position, positionAt } from '../position.js';
import { type ValidatedEvent, assertJsonObject, validateAppend, validateStreamId } from '../validate-append.js';
import { AppendListener, AppendSignal } from './append-signal.js';
import type { Gathered } from '../../gathered.js';
import { type AppendOutcome, type PendingAppend, groupCommit } from './group-commit.js';
import { EVENT_COLUMNS, type EventRow, toRecorded } from './event-rows.js';
import { GAP_RETRY_MS, type PendingGap, safePrefix } from './safe-prefix.js';
import { type StreamRead, gatheredStreamReads } from './stream-reads.js';
import { SharedTail } from './shared-tail.js';
import { createSubscription } from './subscription.js';

const MAX_READ = 10_000;
const DEFAULT_READ_ALL = 1_000;

export interface AppendRow {
  next_revision: string;
  last_position: string;
}

/** The single statement an append is, exported so tests can run it inside a transaction they hold open. */
export const appendQuery = (streamId: string, events: readonly ValidatedEvent[], expected: ExpectedRevision) => ({
  name: 'rollcall_append_events',
  text: 'SELECT next_revision, last_position FROM rollcall.append_events($1, $2, $3, $4)',
  values: [
    streamId,
    typeof expected === 'bigint' ? 'exact' : expected,
    typeof expected === 'bigint' ? expected.toString() : null,
    // Built from the JSON text validation already produced, so nothing is serialised twice.
    `[${events.map((e) => `{"id":"${e.id}","type":${JSON.stringify(e.type)},"data":${e.data},"metadata":${e.metadata}}`).join(',')}]`,
  ],
});

const DEADLOCK_DETECTED = '40P01';

/** How often an append with no exact expectation ('any', 'stream_exists') retries after losing a race. */
const RACE_RETRIES = 20;

export interface PostgresEventStoreOptions {
  pool: pg.Pool;
  /** For the two extra connections that carry LISTEN/NOTIFY outside the pool. */
  connectionString: string;
  /** Appends to different streams share a transaction when they arrive together (group-commit.ts); on unless false. */
  groupCommit?: boolean;
}

export interface SafeBatch {
  events: RecordedEvent[];
  pending: PendingGap | undefined;
}

/** The event store on PostgreSQL; the schema comes from infra/migrations. */
export class PostgresEventStore implements EventStore {
  readonly kind = 'postgres';
  readonly tellsReplays = true;
  private readonly pool: pg.Pool;
  private readonly signal: AppendSignal;
  readonly listener: AppendListener;
  private readonly groups: Gathered<PendingAppend, AppendOutcome> | undefined;
  private readonly streamReads: Gathered<StreamRead, EventRow[]>;
  private readonly tail: SharedTail;

  constructor(options: PostgresEventStoreOptions) {
    this.pool = options.pool;
    this.groups = options.groupCommit === false ? undefined : groupCommit(this.pool, (append) => this.appendAlone(append));
    this.streamReads = gatheredStreamReads(this.pool, (read) => this.selectStream(read.streamId, read.fromRevision, false, null));
    this.signal = new AppendSignal(options.connectionString);
    this.listener = new AppendListener(options.connectionString);
    this.tail = new SharedTail({ signals: () => this.listener.current, readSafeBatch: (after, limit, pending) => this.readSafeBatch(after, limit, pending) });
  }

  async append(streamId: string, events: readonly EventData[], expected: ExpectedRevision): Promise<AppendResult> {
    const valid = validateAppend(streamId, events, expected);
    for (let attempt = 1; ; attempt++) {
      const append = { streamId, events: valid, expected };
      const outcome = await (this.groups ? this.groups.call(append) : this.appendAlone(append));
      if ('row' in outcome) {
        this.signal.poke();
        return toAppendResult(outcome.row, false);
      }
      const { code, detail, constraint } = outcome.refused;
      // Chosen to break a deadlock between groups: nothing of it was stored, so it goes again.
      if (code === DEADLOCK_DETECTED && attempt < RACE_RETRIES) continue;
      // A retry of an append that is already stored, or ids reused: only the ids can tell.
      const before = await this.appendedBefore(streamId, valid);
      if (before) return before;
      if (code === 'RC001')
        throw new WrongExpectedRevisionError(streamId, describeExpected(expected), toActual(BigInt(detail ?? '-1')));
      if (code === DEADLOCK_DETECTED || constraint !== 'events_stream_id_revision_key')
        throw new Error(`append to ${streamId} refused: ${code} ${constraint ?? ''}`.trim());
      // Lost a race for the next revision: fine to try again unless a revision was promised.
      if (typeof expected === 'bigint' || expected === 'no_stream' || attempt >= RACE_RETRIES)
        throw new WrongExpectedRevisionError(streamId, describeExpected(expected), await this.currentRevision(streamId));
    }
  }

  /** One append in a transaction of its own; a refusal the caller can act on comes back as such. */
  private async appendAlone({ streamId, events, expected }: PendingAppend): Promise<AppendOutcome> {
    try {
      const { rows } = await this.pool.query<AppendRow>(appendQuery(streamId, events, expected));
      if (!rows[0]) throw new Error('append_events returned no row');
      return { row: rows[0] };
    } catch (error) {
      const { code, detail, constraint } = error as pg.DatabaseError;
      if (code === 'RC001' || code === '23505') return { refused: { code, detail, constraint } };
      throw error;
    }
  }

  private async appendedBefore(streamId: string, events: readonly ValidatedEvent[]): Promise<AppendResult | undefined> {
    const { rows } = await this.pool.query<AppendRow & { stored: number; stored_here: number }>(
      'SELECT stored, stored_here, next_revision, last_position FROM rollcall.appended_before($1, $2)',
      [streamId, events.map((e) => e.id)],
    );
    const row = rows[0]!;
    if (row.stored === 0) return undefined;
    if (row.stored_here !== events.length) throw new DuplicateEventIdError(streamId);
    return toAppendResult(row, true);
  }

  private async currentRevision(streamId: string): Promise<bigint | 'no_stream'> {
    const { rows } = await this.pool.query<{ revision: string | null }>(
      'SELECT max(revision) AS revision FROM rollcall.events WHERE stream_id = $1',
      [streamId],
    );
    return toActual(BigInt(rows[0]?.revision ?? '-1'));
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateStreamId(streamId);
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? BigInt(Number.MAX_SAFE_INTEGER) : 0n);
    if (typeof from !== 'bigint' || from < 0n) throw new InvalidInputError('fromRevision must be a bigint >= 0');
    const rows =
      backwards || options.maxCount !== undefined
        ? await this.selectStream(streamId, from, backwards, readLimit(options.maxCount ?? MAX_READ))
        : await this.streamReads.call({ streamId, fromRevision: from });
    return rows.map(toRecorded);
  }

  /** `limit` null reads to the stream's end. */
  private async selectStream(streamId: string, from: bigint, backwards: boolean, limit: number | null): Promise<EventRow[]> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM rollcall.events e
        WHERE e.stream_id = $1 AND e.revision ${backwards ? '<=' : '>='} $2
        ORDER BY e.revision ${backwards ? 'DESC' : 'ASC'} LIMIT $3`,
      [streamId, from.toString(), limit],
    );
    return rows;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after?.commit ?? 0n;
    const limit = readLimit(options.maxCount ?? DEFAULT_READ_ALL);
    let pending: PendingGap | undefined;
    for (;;) {
      const batch = await this.readSafeBatch(after, limit, pending);
      if (batch.events.length > 0 || !batch.pending) return batch.events;
      pending = batch.pending;
      if (pending.running.size > 0) await sleep(GAP_RETRY_MS);
    }
  }

  /**
   * Events after `after` that no later commit can precede, and the gap that stops the
   * batch short, to pass back in on the next read.
   */
  async readSafeBatch(after: bigint, limit: number, pending: PendingGap | undefined): Promise<SafeBatch> {
    // Asked before the read begins, so a gap its holders left behind is settled by the read that follows.
    const pendingEnded = pending ? await this.allEnded(pending.running) : false;
    const { rows } = await this.pool.query<EventRow>({
      name: 'rollcall_read_all',
      text: `SELECT ${EVENT_COLUMNS} FROM rollcall.events e WHERE e.position > $1 ORDER BY e.position LIMIT $2`,
      values: [after.toString(), limit],
    });
    const withPositions = rows.map((row) => ({ row, position: BigInt(row.position) }));
    const prefix = safePrefix(withPositions, after, pending, pendingEnded);
    const events = prefix.deliver.map(({ row }) => toRecorded(row));
    if (prefix.newGapUpTo === undefined) return { events, pending: prefix.pending };
    return { events, pending: { upTo: prefix.newGapUpTo, running: await this.runningTransactions() } };
  }

  private async runningTransactions(): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ xid: string }>({
      name: 'rollcall_running_xids',
      text: 'SELECT backend_xid::text AS xid FROM pg_stat_activity WHERE backend_xid IS NOT NULL',
    });
    return new Set(rows.map((r) => r.xid));
  }

  private async allEnded(transactions: ReadonlySet<string>): Promise<boolean> {
    if (transactions.size === 0) return true;
    const { rows } = await this.pool.query<{ running: boolean }>({
      name: 'rollcall_any_running',
      text: 'SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE backend_xid::text = ANY ($1)) AS running',
      values: [[...transactions]],
    });
    return !rows[0]!.running;
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    const { tail, listener } = this;
    return createSubscription({ listener, readSafeBatch: (after, limit, pending) => tail.readSafeBatch(after, limit, pending) }, options.after?.commit ?? 0n);
  }

  async getStreamMetadata(streamId: string): Promise<StreamMetadata | undefined> {
    validateStreamId(streamId);
    const { rows } = await this.pool.query<{ metadata: StreamMetadata | null }>(
      'SELECT metadata FROM rollcall.stream_metadata WHERE stream_id = $1',
      [streamId],
    );
    return rows[0]?.metadata ?? undefined;
  }

  async setStreamMetadata(streamId: string, metadata: StreamMetadata): Promise<void> {
    validateStreamId(streamId);
    assertJsonObject(metadata, 'Stream metadata');
    await this.pool.query(
      `INSERT INTO rollcall.stream_metadata (stream_id, metadata) VALUES ($1, $2)
       ON CONFLICT (stream_id) DO UPDATE SET metadata = excluded.metadata`,
      [streamId, JSON.stringify(metadata)],
    );
  }

  /** The highest position committed; readers may still be waiting out a gap below it. */
  async headPosition(): Promise<Position | undefined> {
    const { rows } = await this.pool.query<{ head: string | null }>('SELECT max(position)::text AS head FROM rollcall.events');
    return rows[0]?.head ? positionAt(BigInt(rows[0].head)) : undefined;
  }

  /** The id the migration drew for this database's log (infra/migrations/015_store_identity.sql): a restored copy keeps it, as it keeps the positions. */
  async identity(): Promise<StoreIdentity> {
    const { rows } = await this.pool.query<{ id: string }>('SELECT store_id::text AS id FROM rollcall.event_store_identity');
    if (!rows[0]) throw new Error('rollcall.event_store_identity is empty: run the migrations');
    return { kind: this.kind, id: rows[0].id };
  }

  /** Closes the LISTEN/NOTIFY connections; the pool belongs to the caller. */
  async close(): Promise<void> {
    await Promise.all([this.signal.close(), this.listener.close()]);
  }
}

const toAppendResult = (row: AppendRow, replayed: boolean): AppendResult => ({
  nextExpectedRevision: BigInt(row.next_revision),
  position: positionAt(BigInt(row.last_position)),
  replayed,
});

const toActual = (revision: bigint): bigint | 'no_stream' => (revision === -1n ? 'no_stream' : revision);

const readLimit = (maxCount: number): number => {
  if (!Number.isInteger(maxCount) || maxCount < 1) throw new InvalidInputError('maxCount must be a positive integer');
  return Math.min(maxCount, MAX_READ);
};
