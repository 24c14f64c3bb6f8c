import { randomUUID } from 'node:crypto';
import { DuplicateEventIdError, InvalidInputError, WrongExpectedRevisionError, describeExpected } from '../errors.js';
import type {
  AllSubscription,
  AppendResult,
  EventData,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreIdentity,
  StreamMetadata,
  SubscribeToAllOptions,
} from '../event-store.js';
import { type Position, positionAt } from '../position.js';
import { assertJsonObject, validateAppend, validateStreamId } from '../validate-append.js';
import { AppendWaiters, followLog } from './follow-log.js';

/** The same read limits as the PostgreSQL store, so a caller that pages there pages here. */
const MAX_READ = 10_000;
const DEFAULT_READ_ALL = 1_000;

/**
 * The event store in this process' memory, for specs of the command side and the API that
 * need no database. It keeps the port's whole behaviour (checked by the contract suite): the
 * same validation, expected revisions, idempotent event ids, one global order and stream
 * metadata. Events are stored as the JSON they would be stored as elsewhere, so a caller that
 * mutates what it appended or read changes nothing stored.
 */
export class MemoryEventStore implements EventStore {
  readonly kind = 'memory';
  readonly tellsReplays: boolean = true;
  /** Position n is `log[n - 1]`: positions start at 1, as the PostgreSQL sequence does. */
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly byId = new Map<string, RecordedEvent>();
  private readonly metadata = new Map<string, string>();
  private readonly appended = new AppendWaiters();
  /** Each instance is a log of its own. */
  private readonly id = randomUUID();

  async append(streamId: string, events: readonly EventData[], expected: ExpectedRevision): Promise<AppendResult> {
    const valid = validateAppend(streamId, events, expected);
    const before = this.appendedBefore(streamId, valid.map((e) => e.id));
    if (before) return before;
    const stream = this.streams.get(streamId) ?? [];
    const current = BigInt(stream.length) - 1n;
    if (
      (expected === 'no_stream' && current !== -1n) ||
      (expected === 'stream_exists' && current === -1n) ||
      (typeof expected === 'bigint' && current !== expected)
    )
      throw new WrongExpectedRevisionError(streamId, describeExpected(expected), current === -1n ? 'no_stream' : current);
    const recordedAt = new Date();
    for (const event of valid) {
      const recorded: RecordedEvent = {
        id: event.id,
        type: event.type,
        data: JSON.parse(event.data),
        metadata: JSON.parse(event.metadata),
        streamId,
        revision: BigInt(stream.length),
        position: positionAt(BigInt(this.log.length + 1)),
        recordedAt,
      };
      stream.push(recorded);
      this.log.push(recorded);
      this.byId.set(recorded.id, recorded);
    }
    this.streams.set(streamId, stream);
    this.appended.wake();
    const last = stream.at(-1)!;
    return { nextExpectedRevision: last.revision, position: last.position, replayed: false };
  }

  /** The original result of an append of these ids, as a retry gets it; a partial or cross-stream reuse is refused. */
  private appendedBefore(streamId: string, ids: string[]): AppendResult | undefined {
    const stored = ids.flatMap((id) => this.byId.get(id) ?? []);
    if (stored.length === 0) return undefined;
    if (stored.length !== ids.length || stored.some((e) => e.streamId !== streamId)) throw new DuplicateEventIdError(streamId);
    const last = stored.reduce((a, b) => (a.revision > b.revision ? a : b));
    return { nextExpectedRevision: last.revision, position: last.position, replayed: true };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateStreamId(streamId);
    const { fromRevision } = options;
    if (fromRevision !== undefined && (typeof fromRevision !== 'bigint' || fromRevision < 0n))
      throw new InvalidInputError('fromRevision must be a bigint >= 0');
    const count = options.maxCount === undefined ? Number.POSITIVE_INFINITY : readLimit(options.maxCount);
    const stream = this.streams.get(streamId) ?? [];
    // Revision n is `stream[n]`; slice clamps a revision past the end.
    const read =
      options.direction === 'backwards'
        ? stream.slice(0, fromRevision === undefined ? stream.length : Number(fromRevision) + 1).reverse()
        : stream.slice(Number(fromRevision ?? 0n));
    return read.slice(0, count).map(copyOf);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = readLimit(options.maxCount ?? DEFAULT_READ_ALL);
    const after = Number(options.after?.commit ?? 0n);
    return this.log.slice(after, after + limit).map(copyOf);
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    return followLog({ log: this.log, appended: this.appended, copy: copyOf }, Number(options.after?.commit ?? 0n));
  }

  async getStreamMetadata(streamId: string): Promise<StreamMetadata | undefined> {
    validateStreamId(streamId);
    const stored = this.metadata.get(streamId);
    return stored === undefined ? undefined : (JSON.parse(stored) as StreamMetadata);
  }

  async setStreamMetadata(streamId: string, metadata: StreamMetadata): Promise<void> {
    validateStreamId(streamId);
    assertJsonObject(metadata, 'Stream metadata');
    this.metadata.set(streamId, JSON.stringify(metadata));
  }

  async headPosition(): Promise<Position | undefined> {
    return this.log.at(-1)?.position;
  }

  async identity(): Promise<StoreIdentity> {
    return { kind: this.kind, id: this.id };
  }

  /** Ends every subscription; what is stored stays readable. */
  async close(): Promise<void> {
    this.appended.close();
  }
}

/** Stored events are shared between readers; each gets its own copy. */
const copyOf = (event: RecordedEvent): RecordedEvent => ({
  ...event,
  data: structuredClone(event.data),
  metadata: structuredClone(event.metadata),
  recordedAt: new Date(event.recordedAt),
});

const readLimit = (maxCount: number): number => {
  if (!Number.isInteger(maxCount) || maxCount < 1) throw new InvalidInputError('maxCount must be a positive integer');
  return Math.min(maxCount, MAX_READ);
};
