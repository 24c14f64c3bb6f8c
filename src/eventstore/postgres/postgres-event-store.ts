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
  StreamMetadata,
  SubscribeToAllOptions,
} from '../event-store.js';
import { positionAt } from '../position.js';
import { type ValidatedEvent, assertJsonObject, validateAppend, validateStreamId } from '../validate-append.js';
import { AppendListener, AppendSignal } from './append-signal.js';
import { GAP_RETRY_MS, type PendingGap, parseSnapshot, safePrefix } from './safe-prefix.js';
import { createSubscription } from './subscription.js';

const MAX_READ = 10_000;
const DEFAULT_READ_ALL = 1_000;

interface EventRow {
  position: string;
  stream_id: string;
  revision: string;
  event_id: string;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
  recorded_at: Date;
}

const COLUMNS = 'e.position, e.stream_id, e.revision, e.event_id, e.type, e.data, e.metadata, e.recorded_at';

const toRecorded = (row: EventRow): RecordedEvent => ({
  id: row.event_id,
  type: row.type,
  data: row.data,
  metadata: row.metadata,
  streamId: row.stream_id,
  revision: BigInt(row.revision),
  position: positionAt(BigInt(row.position)),
  recordedAt: row.recorded_at,
});

export interface AppendRow {
  next_revision: string;
  last_position: string;
}

/** The single statement an append is, exported so tests can run it inside a transaction they hold open. */
export const appendQuery = (streamId: string, events: readonly ValidatedEvent[], expected: ExpectedRevision) => ({
  name: 'rollcall_append_events',
  text: 'SELECT next_revision, last_position FROM rollcall.append_events($1, $2, $3, $4, $5, $6, $7)',
  values: [
    streamId,
    typeof expected === 'bigint' ? 'exact' : expected,
    typeof expected === 'bigint' ? expected.toString() : null,
    events.map((e) => e.id),
    events.map((e) => e.type),
    events.map((e) => e.data),
    events.map((e) => e.metadata),
  ],
});

export interface PostgresEventStoreOptions {
  pool: pg.Pool;
  /** For the two extra connections that carry LISTEN/NOTIFY outside the pool. */
  connectionString: string;
}

export interface SafeBatch {
  events: RecordedEvent[];
  pending: PendingGap | undefined;
}

/** The event store on PostgreSQL; the schema comes from infra/migrations. */
export class PostgresEventStore implements EventStore {
  readonly kind = 'postgres';
  private readonly pool: pg.Pool;
  private readonly signal: AppendSignal;
  readonly listener: AppendListener;

  constructor(options: PostgresEventStoreOptions) {
    this.pool = options.pool;
    this.signal = new AppendSignal(options.connectionString);
    this.listener = new AppendListener(options.connectionString);
  }

  async append(streamId: string, events: readonly EventData[], expected: ExpectedRevision): Promise<AppendResult> {
    const valid = validateAppend(streamId, events, expected);
    let row: AppendRow | undefined;
    try {
      const result = await this.pool.query<AppendRow>(appendQuery(streamId, valid, expected));
      row = result.rows[0];
    } catch (error) {
      throw this.translate(error, streamId, expected);
    }
    if (!row) throw new Error('append_events returned no row');
    this.signal.poke();
    return { nextExpectedRevision: BigInt(row.next_revision), position: positionAt(BigInt(row.last_position)) };
  }

  private translate(error: unknown, streamId: string, expected: ExpectedRevision): unknown {
    const { code, detail, constraint } = error as pg.DatabaseError;
    if (code === 'RC001') {
      const actual = detail === undefined ? undefined : BigInt(detail);
      return new WrongExpectedRevisionError(streamId, describeExpected(expected), actual === -1n ? 'no_stream' : actual);
    }
    // 23505 on the event id: the same ids raced into another stream.
    if (code === 'RC002' || (code === '23505' && constraint === 'events_event_id_key'))
      return new DuplicateEventIdError(streamId);
    return error;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateStreamId(streamId);
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? BigInt(Number.MAX_SAFE_INTEGER) : 0n);
    if (typeof from !== 'bigint' || from < 0n) throw new InvalidInputError('fromRevision must be a bigint >= 0');
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM rollcall.events e
        WHERE e.stream_id = $1 AND e.revision ${backwards ? '<=' : '>='} $2
        ORDER BY e.revision ${backwards ? 'DESC' : 'ASC'} LIMIT $3`,
      // LIMIT NULL reads the whole stream.
      [streamId, from.toString(), options.maxCount === undefined ? null : readLimit(options.maxCount)],
    );
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after?.commit ?? 0n;
    const limit = readLimit(options.maxCount ?? DEFAULT_READ_ALL);
    let pending: PendingGap | undefined;
    for (;;) {
      const batch = await this.readSafeBatch(after, limit, pending);
      if (batch.events.length > 0 || !batch.pending) return batch.events;
      pending = batch.pending;
      await sleep(GAP_RETRY_MS);
    }
  }

  /**
   * Events after `after` that no later commit can precede, and the gap that stops the
   * batch short, to pass back in on the next read.
   */
  async readSafeBatch(after: bigint, limit: number, pending: PendingGap | undefined): Promise<SafeBatch> {
    const { rows } = await this.pool.query<EventRow & { snap: string }>({
      name: 'rollcall_read_all',
      // The snapshot text is taken in the same statement as the rows, so it describes exactly what they saw.
      text: `WITH s AS MATERIALIZED (SELECT pg_current_snapshot()::text AS snap)
             SELECT ${COLUMNS}, s.snap FROM rollcall.events e CROSS JOIN s
              WHERE e.position > $1 ORDER BY e.position LIMIT $2`,
      values: [after.toString(), limit],
    });
    if (rows.length === 0) return { events: [], pending };
    const withPositions = rows.map((row) => ({ row, position: BigInt(row.position) }));
    const safe = safePrefix(withPositions, after, parseSnapshot(rows[0]!.snap), pending);
    return { events: safe.deliver.map(({ row }) => toRecorded(row)), pending: safe.pending };
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    return createSubscription(this, options.after?.commit ?? 0n);
  }

  async getStreamMetadata(streamId: string): Promise<StreamMetadata | undefined> {
    validateStreamId(streamId);
    const { rows } = await this.pool.query<{ metadata: StreamMetadata | null }>(
      'SELECT metadata FROM rollcall.streams WHERE stream_id = $1',
      [streamId],
    );
    return rows[0]?.metadata ?? undefined;
  }

  async setStreamMetadata(streamId: string, metadata: StreamMetadata): Promise<void> {
    validateStreamId(streamId);
    assertJsonObject(metadata, 'Stream metadata');
    await this.pool.query(
      `INSERT INTO rollcall.streams (stream_id, revision, metadata) VALUES ($1, -1, $2)
       ON CONFLICT (stream_id) DO UPDATE SET metadata = excluded.metadata`,
      [streamId, JSON.stringify(metadata)],
    );
  }

  /** Closes the LISTEN/NOTIFY connections; the pool belongs to the caller. */
  async close(): Promise<void> {
    await Promise.all([this.signal.close(), this.listener.close()]);
  }
}

const readLimit = (maxCount: number): number => {
  if (!Number.isInteger(maxCount) || maxCount < 1) throw new InvalidInputError('maxCount must be a positive integer');
  return Math.min(maxCount, MAX_READ);
};
