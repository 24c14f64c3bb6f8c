import type { JsonObject } from '../domain/json.js';
import type { Position } from './position.js';

export type { JsonObject, JsonValue } from '../domain/json.js';

/** The envelope every Rollcall event carries (see ARCHITECTURE.md). */
export interface EventMetadata extends JsonObject {
  correlationId: string;
  causationId: string;
  actorId: string;
  commandId: string;
  /** ISO-8601 instant at which the command was decided. */
  occurredAt: string;
  schemaVersion: number;
}

export interface EventData {
  /** UUID. What appending an id again does differs by store: see `EventStore.append`. */
  id: string;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
}

export interface RecordedEvent extends EventData {
  streamId: string;
  /**
   * The event's index within its stream: from 0, without gaps, on PostgreSQL and in memory.
   * EventStoreDB keeps counting through a soft delete or a truncation (`$tb`, `$maxAge`,
   * `$maxCount`), so there a stream may start above 0 and show only what is left of it.
   */
  revision: bigint;
  position: Position;
  recordedAt: Date;
}

/**
 * What the stream must look like for an append to succeed:
 * `no_stream` (no event yet), `stream_exists` (at least one event),
 * `any`, or the exact revision of its last event.
 */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | bigint;

export interface AppendResult {
  /** Revision of the last event of the append, to pass as the next expected revision. */
  nextExpectedRevision: bigint;
  /** Global position of the last event of the append. */
  position: Position;
  /**
   * True when the append wrote nothing because all its ids were stored in this stream before
   * (a retry: see `EventStore.append`), false when it wrote them now. Absent from a store that
   * cannot tell the two apart (`tellsReplays` false).
   */
  replayed?: boolean;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive; defaults to the first event (forwards) or the last (backwards). */
  fromRevision?: bigint;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position; defaults to the beginning. */
  after?: Position;
  maxCount?: number;
}

export interface SubscribeToAllOptions {
  /** Exclusive: resume after a checkpoint; defaults to the beginning. */
  after?: Position;
}

/**
 * Catches up from `after`, then follows new events live, in global order. Iterate it (once).
 *
 * `caughtUp` resolves once the iteration has handed over everything that was stored when it
 * began, and the consumer came back for more; never when it fails or is closed first.
 *
 * It can end without `close()`: iteration returns when the store closes, and throws when the
 * subscription fails (on EventStoreDB: a dropped connection, a server restart or leader
 * change, AccessDenied), also when the failure came before iteration began. It never resumes
 * by itself: callers subscribe again after their checkpoint.
 */
export interface AllSubscription extends AsyncIterable<RecordedEvent> {
  readonly caughtUp: Promise<void>;
  close(): Promise<void>;
}

export type StreamMetadata = JsonObject;

/**
 * Which log a store holds, stable for the log's lifetime and the same from every process:
 * stored with each checkpoint, so that a position taken in one log is never used to resume in
 * another (src/log-follower/checkpoints.ts).
 */
export interface StoreIdentity {
  kind: EventStore['kind'];
  id: string;
}

export interface EventStore {
  /** `memory` is the in-process store of the specs that need no database. */
  readonly kind: 'postgres' | 'eventstoredb' | 'memory';
  /**
   * Whether each append's result says if it was a retry (`AppendResult.replayed`): PostgreSQL
   * and in memory do; EventStoreDB answers a repeated batch as it answered the first.
   */
  readonly tellsReplays: boolean;
  /**
   * Stores all of `events` or none, if the stream is where `expectedRevision` says.
   *
   * Sent again (a retry after a lost answer), the same ids do not always write nothing:
   * - PostgreSQL and in memory: ids are unique in the whole store. An append whose ids are all
   *   stored in this stream already writes nothing and answers as the first time did, whatever
   *   its expected revision; some of them, or ids of another stream, are DuplicateEventIdError.
   * - EventStoreDB recognises only the identical batch sent again at the same expected
   *   revision: always for an exact revision or `no_stream` (it compares the events stored at
   *   those revisions), for `any` and `stream_exists` only while its in-memory cache of recent
   *   appends still holds the first. Ids are not unique there: the same ids at a later revision
   *   are stored again, and one id can be in two streams.
   * Exactly-once therefore rests on the caller: the command handler appends at the exact
   * revision it read and recognises a command already handled by its command id in the stream
   * (src/commands/command-handler.ts), which holds on every store.
   *
   * A stream deleted for good (StreamDeletedError) can be neither appended to nor read.
   */
  append(streamId: string, events: readonly EventData[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /** A missing (or, on EventStoreDB, soft-deleted) stream reads as empty; one deleted for good is StreamDeletedError. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeToAllOptions): AllSubscription;
  getStreamMetadata(streamId: string): Promise<StreamMetadata | undefined>;
  /** Replaces Rollcall's metadata of the stream; EventStoreDB's own settings of it (`$acl`, `$maxAge`, ...) are kept. */
  setStreamMetadata(streamId: string, metadata: StreamMetadata): Promise<void>;
  /** Where the log ends now: the last event's position (EventStoreDB's system records aside), undefined while it is empty. */
  headPosition(): Promise<Position | undefined>;
  identity(): Promise<StoreIdentity>;
  close(): Promise<void>;
}
