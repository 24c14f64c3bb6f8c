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
  /** UUID; appending an id that is already stored is a no-op (idempotency). */
  id: string;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
}

export interface RecordedEvent extends EventData {
  streamId: string;
  /** 0-based index of the event within its stream. */
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
 * Catches up from `after`, then follows new events live, in global order.
 * Iterate it (once); `caughtUp` resolves when the iteration has been handed everything
 * that was stored when it began.
 */
export interface AllSubscription extends AsyncIterable<RecordedEvent> {
  readonly caughtUp: Promise<void>;
  close(): Promise<void>;
}

export type StreamMetadata = JsonObject;

export interface EventStore {
  /** `memory` is the in-process store of the specs that need no database. */
  readonly kind: 'postgres' | 'eventstoredb' | 'memory';
  append(streamId: string, events: readonly EventData[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /** A missing stream reads as empty. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeToAllOptions): AllSubscription;
  getStreamMetadata(streamId: string): Promise<StreamMetadata | undefined>;
  setStreamMetadata(streamId: string, metadata: StreamMetadata): Promise<void>;
  close(): Promise<void>;
}
