import { setTimeout as sleep } from 'node:timers/promises';
import {
  BACKWARDS,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { InvalidInputError, WrongExpectedRevisionError, describeExpected } from '../errors.js';
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
import { comparePositions, type Position } from '../position.js';
import { assertJsonObject, validateAppend, validateStreamId } from '../validate-append.js';

/** Our stream metadata lives under one custom key, so it can never be read as an EventStoreDB setting such as maxAge. */
const METADATA_KEY = 'rollcall';
const DEFAULT_READ_ALL = 1_000;
const DUPLICATE_RETRIES = 5;

type AnyResolved = ResolvedEvent | AllStreamResolvedEvent;

const isSystem = (streamId: string, type: string): boolean => streamId.startsWith('$') || type.startsWith('$');

const toRecorded = (resolved: AnyResolved): RecordedEvent | undefined => {
  const event = resolved.event;
  if (!event || !event.isJson || isSystem(event.streamId, event.type)) return undefined;
  return {
    id: event.id,
    type: event.type,
    data: event.data as JsonObject,
    metadata: event.metadata as EventMetadata,
    streamId: event.streamId,
    revision: event.revision,
    // Always set by servers of 22.6 and later, which the adapter requires.
    position: { commit: event.position!.commit, prepare: event.position!.prepare },
    recordedAt: event.created,
  };
};

/** The event store on EventStoreDB / KurrentDB, through its gRPC client. */
export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb';

  constructor(private readonly client: EventStoreDBClient) {}

  static connect(connectionString: string): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString));
  }

  async append(streamId: string, events: readonly EventData[], expected: ExpectedRevision): Promise<AppendResult> {
    const valid = validateAppend(streamId, events, expected);
    // The server counts a stream that only has metadata as existing; the port does not.
    if (expected === 'stream_exists' && (await this.readStream(streamId, { direction: 'backwards', maxCount: 1 })).length === 0)
      throw new WrongExpectedRevisionError(streamId, describeExpected(expected), 'no_stream');
    const toAppend = valid.map((e, i) => jsonEvent({ id: e.id, type: e.type, data: events[i]!.data, metadata: events[i]!.metadata }));
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.client.appendToStream(streamId, toAppend, { expectedRevision: expected });
        const position = result.position ?? (await this.positionOf(streamId, result.nextExpectedRevision));
        return { nextExpectedRevision: result.nextExpectedRevision, position };
      } catch (error) {
        if (error instanceof WrongExpectedVersionError)
          throw new WrongExpectedRevisionError(streamId, describeExpected(expected), toActual(error.actualVersion));
        // A duplicate of an append the server has not indexed yet is dropped and times out;
        // sent again, it comes back as the idempotent success it is.
        if (error instanceof DeadlineExceededError && attempt < DUPLICATE_RETRIES) {
          await sleep(50 * attempt);
          continue;
        }
        throw error;
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
    try {
      return await collect(
        this.client.readStream(streamId, {
          direction: backwards ? BACKWARDS : FORWARDS,
          fromRevision: options.fromRevision ?? (backwards ? END : START),
          ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
        }),
      );
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const wanted = positiveCount(options.maxCount ?? DEFAULT_READ_ALL);
    const events: RecordedEvent[] = [];
    let after = options.after;
    // System events are filtered out here, so a page can come back short: read on until it is full or the log ends.
    for (;;) {
      const page = await this.readAllPage(after, wanted - events.length);
      events.push(...page.events);
      if (page.exhausted || events.length >= wanted || !page.last) return events;
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
    for await (const resolved of this.client.readAll({ direction: FORWARDS, fromPosition: after ?? START, maxCount })) {
      seen++;
      const position = resolved.event?.position;
      if (position) last = position;
      if (after && position && comparePositions(position, after) <= 0) continue;
      const event = toRecorded(resolved);
      if (event) events.push(event);
    }
    return { events, last, exhausted: seen < maxCount };
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    const subscription = this.client.subscribeToAll({
      fromPosition: options.after ?? START,
      filter: excludeSystemEvents(),
    });
    // Servers before 23.10 never send caughtUp; the adapter requires 23.10. Ending also settles it, so nobody waits forever.
    const caughtUp = new Promise<void>((resolve) => {
      subscription.once('caughtUp', resolve);
      subscription.once('close', resolve);
      subscription.once('error', () => resolve());
    });
    async function* follow(): AsyncGenerator<RecordedEvent> {
      for await (const resolved of subscription) {
        const event = toRecorded(resolved);
        if (event) yield event;
      }
    }
    const iterator = follow();
    return {
      caughtUp,
      [Symbol.asyncIterator]: () => iterator,
      async close() {
        await subscription.unsubscribe();
        await iterator.return(undefined);
      },
    };
  }

  async getStreamMetadata(streamId: string): Promise<StreamMetadata | undefined> {
    validateStreamId(streamId);
    const { metadata } = await this.client.getStreamMetadata(streamId);
    return (metadata?.[METADATA_KEY] as StreamMetadata | undefined) ?? undefined;
  }

  async setStreamMetadata(streamId: string, metadata: StreamMetadata): Promise<void> {
    validateStreamId(streamId);
    assertJsonObject(metadata, 'Stream metadata');
    await this.client.setStreamMetadata(streamId, { [METADATA_KEY]: metadata });
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

const collect = async (read: AsyncIterable<AnyResolved>): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for await (const resolved of read) {
    const event = toRecorded(resolved);
    if (event) events.push(event);
  }
  return events;
};

const positiveCount = (count: number): number => {
  if (!Number.isInteger(count) || count < 1) throw new InvalidInputError('maxCount must be a positive integer');
  return count;
};

const toActual = (actual: bigint | string): bigint | 'no_stream' | undefined =>
  typeof actual === 'bigint' ? actual : actual === 'no_stream' ? 'no_stream' : undefined;
