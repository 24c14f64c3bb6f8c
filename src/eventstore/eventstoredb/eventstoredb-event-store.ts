import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  StreamDeletedError as ClientStreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  metastreamOf,
  type AllStreamResolvedEvent,
  type EventData as ClientEventData,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { InvalidInputError, StreamDeletedError, WrongExpectedRevisionError, describeExpected } from '../errors.js';
import type {
  AllSubscription,
  AppendResult,
  EventData,
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
import { comparePositions, type Position } from '../position.js';
import { assertJsonObject, validateAppend, validateStreamId } from '../validate-append.js';
import { explained, resendable } from './client-errors.js';
import { parseEventStoreUrl } from './connection-string.js';
import { toRecorded } from './recorded-event.js';
import { followSubscription } from './subscription.js';

/** Our stream metadata lives under one custom key, so it can never be read as an EventStoreDB setting such as maxAge. */
const METADATA_KEY = 'rollcall';
/**
 * Holds the store's id (`identity()`), written once by the first process to ask. A `$` stream:
 * the subscriptions and reads of the port never show it, and only admins may change it.
 */
export const STORE_ID_STREAM = '$rollcall-store-id';
const DEFAULT_READ_ALL = 1_000;
const RESENDS = 5;
/** Someone else changing the stream's metadata between our read and write: merged into theirs, this often. */
const METADATA_RETRIES = 5;
/** `headPosition` looks this far back past EventStoreDB's own records for an event of ours. */
const HEAD_PAGE = 100;
const HEAD_PAGES = 10;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The event store on EventStoreDB / KurrentDB, through its gRPC client. */
export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb';
  readonly tellsReplays = false;
  private storeId: Promise<string> | undefined;

  constructor(
    private readonly client: EventStoreDBClient,
    /** The connection string's user, named when the server denies it access. */
    private readonly user?: string,
  ) {}

  static connect(connectionString: string): EventStoreDbEventStore {
    let user: string | undefined;
    try {
      ({ user } = parseEventStoreUrl(connectionString));
    } catch (error) {
      throw new Error(`The EventStoreDB connection string ${(error as Error).message}`);
    }
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString), user);
  }

  async append(streamId: string, events: readonly EventData[], expected: ExpectedRevision): Promise<AppendResult> {
    const valid = validateAppend(streamId, events, expected);
    // The server counts a stream that only has metadata as existing; the port does not.
    if (expected === 'stream_exists' && (await this.readStream(streamId, { direction: 'backwards', maxCount: 1 })).length === 0)
      throw new WrongExpectedRevisionError(streamId, describeExpected(expected), 'no_stream');
    const toAppend = valid.map((e, i) => jsonEvent({ id: e.id, type: e.type, data: events[i]!.data, metadata: events[i]!.metadata }));
    const result = await this.write(streamId, toAppend, expected);
    const position = result.position ?? (await this.positionOf(streamId, result.nextExpectedRevision));
    return { nextExpectedRevision: result.nextExpectedRevision, position };
  }

  /** appendToStream, sent again where that is safe (client-errors.ts), its refusals as the port's errors. */
  private async write(stream: string, events: ClientEventData[], expected: ExpectedRevision): Promise<{ nextExpectedRevision: bigint; position?: Position }> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.client.appendToStream(stream, events, { expectedRevision: expected });
        // Only a client made with throwOnAppendFailure=false answers a refusal so, and 6.2.1's batch append then misreports the revision.
        if (!result.success) throw new WrongExpectedRevisionError(stream, describeExpected(expected), undefined);
        return result;
      } catch (error) {
        if (error instanceof WrongExpectedVersionError)
          throw new WrongExpectedRevisionError(stream, describeExpected(expected), toActual(error.actualVersion));
        if (error instanceof ClientStreamDeletedError) throw new StreamDeletedError(stream);
        // Below the port's own limit only when the server's was configured lower than its 1 MiB default.
        if (error instanceof MaxAppendSizeExceededError)
          throw new InvalidInputError(`EventStoreDB refused the append to "${stream}" as above its limit of ${error.maxAppendSize} bytes`);
        if (attempt < RESENDS && resendable(error, expected)) {
          await sleep(50 * attempt);
          continue;
        }
        throw explained(error, this.user, `stream "${stream}"`);
      }
    }
  }

  private async positionOf(streamId: string, revision: bigint): Promise<Position> {
    const [event] = await this.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    if (!event) throw new Error(`Stream "${streamId}" has no revision ${revision} right after appending it`);
    return event.position;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateStreamId(streamId);
    const backwards = options.direction === 'backwards';
    if (options.fromRevision !== undefined && (typeof options.fromRevision !== 'bigint' || options.fromRevision < 0n))
      throw new InvalidInputError('fromRevision must be a bigint >= 0');
    if (options.maxCount !== undefined) positiveCount(options.maxCount);
    const read = await this.readRaw(streamId, {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision: options.fromRevision ?? (backwards ? END : START),
      ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
    });
    return read.flatMap((resolved) => toRecorded(resolved) ?? []);
  }

  /** A stream as the client reads it, system events included; missing (or soft-deleted) reads as empty, deleted for good as StreamDeletedError. */
  private async readRaw(stream: string, options: Parameters<EventStoreDBClient['readStream']>[1], portStream = stream): Promise<ResolvedEvent[]> {
    const read: ResolvedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, options)) read.push(resolved);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      if (error instanceof ClientStreamDeletedError) throw new StreamDeletedError(portStream);
      throw explained(error, this.user, `stream "${stream}"`);
    }
    return read;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const wanted = positiveCount(options.maxCount ?? DEFAULT_READ_ALL);
    const events: RecordedEvent[] = [];
    let after = options.after;
    // System events are filtered out here, so a page can come back short: read on until it is full or the log ends.
    for (;;) {
      const page = await this.readAllPage(after, wanted - events.length);
      events.push(...page.events);
      // A page holds one more than asked when `after` is no event's position (nothing to skip).
      if (page.exhausted || events.length >= wanted || !page.last) return events.slice(0, wanted);
      after = page.last;
    }
  }

  private async readAllPage(
    after: Position | undefined,
    count: number,
  ): Promise<{ events: RecordedEvent[]; last: Position | undefined; exhausted: boolean }> {
    // fromPosition is inclusive; one more is read to skip `after` itself.
    const maxCount = count + (after ? 1 : 0);
    const events: RecordedEvent[] = [];
    let last: Position | undefined;
    let seen = 0;
    for (const resolved of await this.readAllRaw({ direction: FORWARDS, fromPosition: after ?? START, maxCount })) {
      seen++;
      const position = resolved.event?.position;
      if (position) last = position;
      if (after && position && comparePositions(position, after) <= 0) continue;
      const event = toRecorded(resolved);
      if (event) events.push(event);
    }
    return { events, last, exhausted: seen < maxCount };
  }

  private async readAllRaw(options: Parameters<EventStoreDBClient['readAll']>[0]): Promise<AllStreamResolvedEvent[]> {
    const read: AllStreamResolvedEvent[] = [];
    try {
      for await (const resolved of this.client.readAll(options)) read.push(resolved);
    } catch (error) {
      throw explained(error, this.user, '$all');
    }
    return read;
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    // Servers before 23.10 never send caughtUp; the adapter requires 23.10.
    const subscription = this.client.subscribeToAll({ fromPosition: options.after ?? START, filter: excludeSystemEvents() });
    return followSubscription(subscription, (error) => explained(error, this.user, '$all'));
  }

  async getStreamMetadata(streamId: string): Promise<StreamMetadata | undefined> {
    validateStreamId(streamId);
    const { settings } = await this.metadataOf(streamId);
    const ours = settings[METADATA_KEY];
    return isObject(ours) ? ours : undefined;
  }

  /** Written over the settings read, at the metastream's revision: an operator's $acl, $maxAge or $tb stays. */
  async setStreamMetadata(streamId: string, metadata: StreamMetadata): Promise<void> {
    validateStreamId(streamId);
    assertJsonObject(metadata, 'Stream metadata');
    for (let attempt = 1; ; attempt++) {
      const { settings, revision } = await this.metadataOf(streamId);
      const merged = jsonEvent({ type: '$metadata', data: { ...settings, [METADATA_KEY]: metadata } });
      try {
        await this.write(metastreamOf(streamId), [merged], revision ?? 'no_stream');
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= METADATA_RETRIES) throw error;
      }
    }
  }

  /** The stream's metadata as stored (EventStoreDB's settings and ours) and the metastream's revision. */
  private async metadataOf(streamId: string): Promise<{ settings: JsonObject; revision: bigint | undefined }> {
    const [last] = await this.readRaw(metastreamOf(streamId), { direction: BACKWARDS, fromRevision: END, maxCount: 1 }, streamId);
    const data = last?.event?.isJson ? last.event.data : undefined;
    return { settings: isObject(data) ? data : {}, revision: last?.event?.revision };
  }

  /** The newest event of ours in $all, looked for past up to HEAD_PAGES pages of the server's own records (scavenges, statistics). */
  async headPosition(): Promise<Position | undefined> {
    let from: Position | typeof END = END;
    let newest: Position | undefined;
    for (let page = 0; page < HEAD_PAGES; page++) {
      const read = await this.readAllRaw({ direction: BACKWARDS, fromPosition: from, maxCount: HEAD_PAGE });
      newest ??= read[0]?.event?.position;
      const ours = read.find((resolved) => toRecorded(resolved));
      if (ours) return ours.event!.position;
      const last = read.at(-1)?.event?.position;
      if (read.length < HEAD_PAGE || !last) return undefined;
      from = last;
    }
    // A tail that long is the server's own bookkeeping; its newest record stands for the head.
    return newest;
  }

  /**
   * A UUID kept in STORE_ID_STREAM, written by the first process that asks: stable for the
   * cluster's lifetime and the same from every node and client, whatever the hosts are called.
   */
  async identity(): Promise<StoreIdentity> {
    this.storeId ??= this.readOrCreateStoreId().catch((error: unknown) => {
      this.storeId = undefined;
      throw error;
    });
    return { kind: this.kind, id: await this.storeId };
  }

  private async readOrCreateStoreId(): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      const [first] = await this.readRaw(STORE_ID_STREAM, { direction: FORWARDS, fromRevision: START, maxCount: 1 });
      const data = first?.event?.isJson ? first.event.data : undefined;
      if (isObject(data) && typeof data.storeId === 'string') return data.storeId;
      // Refused as existing yet read as empty (its event expired or truncated away): a new id would orphan every checkpoint.
      if (first || attempt > 2) throw new Error(`${STORE_ID_STREAM} holds no store id Rollcall wrote: restore its first event (or soft-delete it and empty rollcall.checkpoints to start afresh)`);
      try {
        await this.write(STORE_ID_STREAM, [jsonEvent({ type: 'RollcallStoreIdentified', data: { storeId: randomUUID() } })], NO_STREAM);
      } catch (error) {
        // Another process wrote it first: read theirs.
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      }
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

const positiveCount = (count: number): number => {
  if (!Number.isInteger(count) || count < 1) throw new InvalidInputError('maxCount must be a positive integer');
  return count;
};

const toActual = (actual: bigint | string): bigint | 'no_stream' | undefined =>
  typeof actual === 'bigint' ? actual : actual === 'no_stream' ? 'no_stream' : undefined;
