import { foldStored } from '../domain/decode.js';
import { entries, isPersistentMap } from '../domain/persistent-map.js';
import { DomainError } from '../domain/domain-error.js';
import { deciderOf } from '../domain/streams.js';
import { parseInstant } from '../domain/values.js';
import type { EventStore, JsonValue, ReadStreamOptions, RecordedEvent } from '../eventstore/event-store.js';
import { formatPosition } from '../eventstore/position.js';
import { MAX_PAGE, type PageArgs, pageSize } from '../projections/pages.js';

/**
 * Audit replay reads the event store on purpose: it shows what a stream recorded and the
 * state the domain's own `evolve` folds it to at any revision or time.
 */

/** Hashes of passwords and tokens stay out of audit output, even for admins. */
const redacted = (value: unknown): JsonValue => {
  if (Array.isArray(value)) return value.map(redacted);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (value && typeof value === 'object') {
    // A persistent map (the event's registrations) shows as a plain object.
    if (isPersistentMap(value)) return redacted(Object.fromEntries(entries(value)));
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([key, v]) => [key, /hash/i.test(key) ? '[redacted]' : redacted(v)]),
    );
  }
  return value as JsonValue;
};

export interface HistoryEntry {
  revision: string;
  position: string;
  eventId: string;
  type: string;
  data: JsonValue;
  metadata: JsonValue;
  recordedAt: string;
}

const entryOf = (event: RecordedEvent): HistoryEntry => ({
  revision: event.revision.toString(),
  position: formatPosition(event.position),
  eventId: event.id,
  type: event.type,
  data: redacted(event.data),
  metadata: redacted(event.metadata),
  recordedAt: event.recordedAt.toISOString(),
});

/** The whole stream without `options`, as the CLI replays it. */
export const streamHistory = async (store: EventStore, streamId: string, options?: ReadStreamOptions): Promise<HistoryEntry[]> =>
  (await store.readStream(streamId, options)).map(entryOf);

/** A revision as the API shows it: at most 18 digits, so the next one still fits a bigint. */
const REVISION = /^\d{1,18}$/;

/** A page without `first`; the schema declares it as the default, which the query cost rule prices. */
export const STREAM_HISTORY_PAGE = MAX_PAGE;

/**
 * A page of the stream's history for the API: `first` events after revision `after` (a
 * revision as StreamEvent.revision gives it; from the start without one). The cursor is the
 * revision itself rather than an opaque one, because every entry carries it and aggregateAt
 * takes it too; a page shorter than `first` is the last.
 */
export const streamHistoryPage = (store: EventStore, streamId: string, page: PageArgs): Promise<HistoryEntry[]> => {
  const maxCount = pageSize(page.first, STREAM_HISTORY_PAGE);
  if (page.after != null && !REVISION.test(page.after))
    throw new DomainError('VALIDATION', 'after must be a revision as StreamEvent.revision gives it (a whole number)');
  return streamHistory(store, streamId, { fromRevision: page.after == null ? 0n : BigInt(page.after) + 1n, maxCount });
};

export type ReplayPoint = { revision: bigint } | { time: Date } | undefined;

/** `--at` of the CLI, or the aggregateAt arguments: a revision number or an ISO time. */
export const parseReplayPoint = (at: string | null | undefined): ReplayPoint => {
  if (at == null || at === '') return undefined;
  if (REVISION.test(at)) return { revision: BigInt(at) };
  const time = parseInstant(at);
  if (time === undefined) throw new DomainError('VALIDATION', 'at must be a revision (a whole number) or an RFC 3339 date-time');
  return { time: new Date(time) };
};

export interface AggregateAt {
  streamId: string;
  /** The last revision folded in; null when nothing was. */
  revision: string | null;
  position: string | null;
  state: JsonValue;
}

/** The state at a revision (inclusive) or time (events recorded up to it), as `evolve` folds it (from each event's current shape). */
export const aggregateAt = async (store: EventStore, streamId: string, point: ReplayPoint): Promise<AggregateAt> => {
  const decider = deciderOf(streamId);
  if (!decider) throw new DomainError('NOT_FOUND', `No domain owns a stream named "${streamId}"`);
  const events = (await store.readStream(streamId)).filter((event) =>
    point === undefined ? true : 'revision' in point ? event.revision <= point.revision : event.recordedAt <= point.time,
  );
  const state = foldStored(decider, events);
  const last = events.at(-1);
  return {
    streamId,
    revision: last ? last.revision.toString() : null,
    position: last ? formatPosition(last.position) : null,
    state: redacted(state),
  };
};
