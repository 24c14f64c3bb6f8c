import { ERASED, PERSONAL_FIELDS } from '../domain/personal-data.js';
import { openWith, sealWith } from '../security/master-key.js';
import type {
  AllSubscription,
  AppendResult,
  EventData,
  EventStore,
  ExpectedRevision,
  JsonObject,
  JsonValue,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreIdentity,
  StreamMetadata,
  SubscribeToAllOptions,
} from '../eventstore/event-store.js';
import type { Position } from '../eventstore/position.js';
import type { PersonalDataKeys, SubjectKey } from './personal-data-keys.js';

/** What a personal field reads as when its ciphertext does not open under its person's key: altered bytes. */
export const UNREADABLE = '[unreadable]';
/** What a personal field reads as through `withheld()`. */
export const WITHHELD = '[withheld]';

type PersonalType = keyof typeof PERSONAL_FIELDS;

/** A personal field as it is stored: its JSON value sealed (AES-256-GCM) under its person's key. */
interface SealedField extends JsonObject {
  sealed: string;
}

const isSealed = (value: JsonValue | undefined): value is SealedField =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && typeof value.sealed === 'string' && Object.keys(value).length === 1;

const personalFields = (type: string) => (Object.hasOwn(PERSONAL_FIELDS, type) ? PERSONAL_FIELDS[type as PersonalType] : undefined);

/** The person an event's personal fields belong to, when it has any. */
const subjectOf = (event: { type: string; data: JsonObject }): string | undefined => {
  const fields = personalFields(event.type);
  const subject = fields && event.data[fields.subject];
  return typeof subject === 'string' ? subject : undefined;
};

/** Binds a ciphertext to its event and field: it cannot be moved to another and still open. */
const boundTo = (eventId: string, field: string): string => `${eventId}/${field}`;

/**
 * The event store as everyone but the adapters sees it: the personal fields of events
 * (PERSONAL_FIELDS) are sealed under their person's key on the way in and opened on the way
 * out, so the log, its backups and any tool reading it raw hold ciphertext only. Once the
 * person is erased their fields read as ERASED, in replays, projections and rebuilds alike,
 * also in events written before sealing began (which stay readable in the raw log: an
 * append-only log cannot be rewritten).
 */
export class PersonalDataEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly keys: PersonalDataKeys,
    /** Reads show every personal field as WITHHELD, opening nothing (see `withheld`). */
    private readonly withholding = false,
  ) {}

  /**
   * The same store for readers that need no personal data (the access-token check folds an
   * account for its status, roles and sessions): its personal fields read as WITHHELD, so no
   * key is looked up or derived and nothing is decrypted. Appends are sealed as ever.
   */
  withheld(): PersonalDataEventStore {
    return new PersonalDataEventStore(this.inner, this.keys, true);
  }

  get kind(): EventStore['kind'] {
    return this.inner.kind;
  }

  get tellsReplays(): boolean {
    return this.inner.tellsReplays;
  }

  async append(streamId: string, events: readonly EventData[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return this.inner.append(streamId, await Promise.all(events.map((event) => this.seal(event))), expectedRevision);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.openAll(await this.inner.readStream(streamId, options));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.openAll(await this.inner.readAll(options));
  }

  subscribeToAll(options?: SubscribeToAllOptions): AllSubscription {
    const inner = this.inner.subscribeToAll(options);
    const open = async (event: RecordedEvent) => (await this.openAll([event]))[0]!;
    return {
      caughtUp: inner.caughtUp,
      close: () => inner.close(),
      async *[Symbol.asyncIterator]() {
        for await (const event of inner) yield await open(event);
      },
    };
  }

  getStreamMetadata(streamId: string): Promise<StreamMetadata | undefined> {
    return this.inner.getStreamMetadata(streamId);
  }

  setStreamMetadata(streamId: string, metadata: StreamMetadata): Promise<void> {
    return this.inner.setStreamMetadata(streamId, metadata);
  }

  headPosition(): Promise<Position | undefined> {
    return this.inner.headPosition();
  }

  identity(): Promise<StoreIdentity> {
    return this.inner.identity();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async seal(event: EventData): Promise<EventData> {
    const subject = subjectOf(event);
    if (subject === undefined) return event;
    const key = await this.keys.keyFor(subject);
    const data: JsonObject = { ...event.data };
    for (const field of personalFields(event.type)!.fields) {
      const value = data[field];
      if (value === undefined) continue;
      data[field] = { sealed: sealWith(key, Buffer.from(JSON.stringify(value)), boundTo(event.id, field)).toString('base64') };
    }
    return { ...event, data };
  }

  private async openAll(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const subjects = events.flatMap((event) => subjectOf(event) ?? []);
    if (subjects.length === 0) return events;
    if (this.withholding) return events.map((event) => (subjectOf(event) === undefined ? event : { ...event, data: withheldFields(event) }));
    const keys = await this.keys.lookup(subjects);
    return events.map((event) => {
      const subject = subjectOf(event);
      return subject === undefined ? event : { ...event, data: openFields(event, keys.get(subject)) };
    });
  }
}

const withheldFields = (event: RecordedEvent): JsonObject => {
  const data: JsonObject = { ...event.data };
  for (const field of personalFields(event.type)!.fields) if (data[field] !== undefined) data[field] = WITHHELD;
  return data;
};

const openFields = (event: RecordedEvent, key: SubjectKey | undefined): JsonObject => {
  const data: JsonObject = { ...event.data };
  for (const field of personalFields(event.type)!.fields) {
    const value = data[field];
    if (value === undefined) continue;
    if (!isSealed(value)) {
      // Written before sealing began: plain in the log, hidden here once its person is erased.
      if (key?.status === 'erased') data[field] = ERASED;
      continue;
    }
    // No key at all is an erasure too: keys are made before the first sealed append.
    if (key?.status !== 'live') {
      data[field] = ERASED;
      continue;
    }
    try {
      data[field] = JSON.parse(openWith(key.key, Buffer.from(value.sealed, 'base64'), boundTo(event.id, field)).toString('utf8')) as JsonValue;
    } catch {
      data[field] = UNREADABLE;
    }
  }
  return data;
};
