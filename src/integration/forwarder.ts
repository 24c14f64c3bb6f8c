// Over 300 lines on purpose: the forwarder's Kafka side (topics, producer, the ack before the checkpoint, the envelope check) is one concern, and split it would be read in pieces.
import { setTimeout as sleep } from 'node:timers/promises';
import { CompressionTypes, Kafka, type Message, type Producer, Partitioners, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import type pg from 'pg';
import { categoryOf } from '../domain/streams.js';
import type { EventStore, RecordedEvent } from '../eventstore/event-store.js';
import { type Position, formatPosition } from '../eventstore/position.js';
import { type FollowerLog, messageOf, noLog } from '../log-follower/follower-log.js';
import { FollowsTheLog } from '../log-follower/follows-the-log.js';
import { type FollowerState, LogFollower } from '../log-follower/log-follower.js';
import { toIntegrationEvent } from './contract.js';
import { kafkaLogCreator } from './kafka-log.js';
import { createTopics } from './kafka-topics.js';

/**
 * Publishes the event log to Kafka.
 *
 * Topics: one per stream category, `<prefix><category>`, where the category is the stream
 * id up to its first '-' (`event-…` → `rollcall.event`, `checkin-…` → `rollcall.checkin`,
 * `account-…` and `account-email-…` → `rollcall.account`), as EventStoreDB's `$by_category`
 * cuts it. A consumer subscribes to the areas it cares about, and retention can differ per
 * area. The prefix defaults to `rollcall.` (KAFKA_TOPIC_PREFIX, e.g. one per environment).
 *
 * Message (internal event types are never sent): key = stream id, so one stream's events
 * land on one partition in revision order; value = the integration event as JSON
 * (./contract.ts), `{ id, type, version, streamId, revision, position, occurredAt,
 * correlationId, causationId, data }` as schemas/envelope.v<N>.json describes it, with `data`
 * holding only the fields of schemas/<type>.v<version>.json; revision and position are
 * decimal strings (they are 64-bit), position `<commit>`, or `<commit>/<prepare>` where the
 * two differ (EventStoreDB). Headers, to route and trace without parsing the value:
 * `event-id`, `type`, `schema-version` (the value's `version`), `position` (always
 * `<commit>/<prepare>`), `correlation-id`, `causation-id`.
 *
 * Delivery is at least once: the forwarder is a log follower (src/log-follower/) whose
 * checkpoint moves only after Kafka acknowledged (acks=all) every message of a batch, so a crash or a broker outage loses nothing but may publish a
 * tail twice. Consumers dedupe by event id; the idempotent producer keeps retries within
 * one producer from duplicating or reordering.
 */

const DEFAULT_NAME = 'kafka';
export const DEFAULT_TOPIC_PREFIX = 'rollcall.';
/** Partitions of each topic Rollcall creates; the ml-worker creates topics too and must agree. */
export const DEFAULT_PARTITIONS = 6;
const DEFAULT_BACKOFF = { initialMs: 250, maxMs: 5_000 };
/** The categories Rollcall writes today, whose topics exist before the first event of them. */
const KNOWN_CATEGORIES = ['event', 'checkin', 'account', 'forecast'];
/**
 * Kafka refuses a record batch above message.max.bytes (1 MiB by default, compressed); one
 * produce call per this many bytes of JSON keeps every batch well below it.
 */
const MAX_SEND_BYTES = 512 * 1024;
const TOPIC_PREFIX = /^[A-Za-z0-9._-]{0,200}$/;

export interface ForwarderOptions {
  store: EventStore;
  pool: pg.Pool;
  brokers: string[];
  /** Names the checkpoint and the lock (default `kafka`): forwarders of one name share them. */
  name?: string;
  /** Prepended to each category to name its topic (default `rollcall.`). */
  topicPrefix?: string;
  /** Partitions of each topic it creates (default 6; replication factor 1). */
  partitions?: number;
  replicationFactor?: number;
  /** Most events read and published per step (default 1,000). */
  batchSize?: number;
  /** How often a standby asks for the lock (default 1 s). */
  lockRetryMs?: number;
  /** Pause after a failed publish, doubled per failure up to `maxMs` (default 250 ms to 5 s). */
  backoff?: { initialMs: number; maxMs: number };
  log?: FollowerLog;
}

export interface ForwarderStatus {
  name: string;
  state: FollowerState;
  /** The last position Kafka acknowledged (and the checkpoint holds). */
  position: Position | undefined;
  /** Whether this tenure's producer is connected to Kafka (never, for a standby). */
  connected: boolean;
}

/** The topic of the stream's category, characters Kafka refuses in a topic name replaced by '_'. */
export const topicFor = (prefix: string, streamId: string): string => `${prefix}${categoryOf(streamId).replace(/[^A-Za-z0-9._-]/g, '_') || '_'}`;

/**
 * The message for one stored event: its integration event (the public contract: only
 * published types, private fields left out) keyed by stream id, or undefined for an
 * internal event, which never leaves.
 */
export const toKafkaMessage = (event: RecordedEvent): Message | undefined => {
  const integration = toIntegrationEvent(event);
  if (!integration) return undefined;
  return {
    key: event.streamId,
    value: JSON.stringify(integration),
    headers: {
      'event-id': integration.id,
      type: integration.type,
      'schema-version': String(integration.version),
      position: `${event.position.commit}/${event.position.prepare}`,
      'correlation-id': integration.correlationId,
      'causation-id': integration.causationId,
    },
  };
};

/** The connected Kafka clients of one tenure; thrown away whole after any failure. */
interface KafkaSession {
  producer: Producer;
  admin: Admin;
}

/**
 * Follows the event store from its own checkpoint and publishes every event to Kafka. One
 * active forwarder per name across processes (the others wait as standbys). While Kafka is
 * unreachable it keeps the batch in hand and retries with backoff; it never skips one.
 */
export class Forwarder extends FollowsTheLog<'forwarder'> {
  private readonly kafka: Kafka;
  private readonly name: string;
  private readonly topicPrefix: string;
  private readonly partitions: number;
  private readonly replicationFactor: number;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly log: FollowerLog;
  protected readonly follower: LogFollower<'forwarder'>;
  /** Topics known to exist, so each is created once per process. */
  private readonly topics = new Set<string>();
  /** This tenure's Kafka clients, connected or connecting (undefined once aborted). */
  private session: Promise<KafkaSession | undefined> | undefined;
  private connected = false;

  constructor(options: ForwarderOptions) {
    super();
    const topicPrefix = options.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
    if (!TOPIC_PREFIX.test(topicPrefix))
      throw new Error(`Topic prefix "${topicPrefix}" may hold only letters, digits, '.', '_' and '-' (at most 200)`);
    if (options.brokers.length === 0) throw new Error('The forwarder needs at least one Kafka broker');
    this.name = options.name ?? DEFAULT_NAME;
    this.topicPrefix = topicPrefix;
    this.partitions = options.partitions ?? DEFAULT_PARTITIONS;
    this.replicationFactor = options.replicationFactor ?? 1;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.log = options.log ?? noLog;
    this.kafka = new Kafka({
      clientId: `rollcall-forwarder-${this.name}`,
      brokers: options.brokers,
      connectionTimeout: 3_000,
      // kafkajs would log every reconnect attempt while the broker is down; the forwarder
      // logs each failed publish with kafkajs's error instead. Raised, its lines go to our log.
      logLevel: logLevel.NOTHING,
      logCreator: kafkaLogCreator(this.log),
      retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 5 },
    });
    this.follower = new LogFollower({
      kind: 'forwarder',
      name: this.name,
      store: options.store,
      pool: options.pool,
      log: this.log,
      retryDelayMs: (errors) => this.backoffMs(errors),
      batchSize: options.batchSize,
      lockRetryMs: options.lockRetryMs,
      handler: {
        open: (lock, signal) => this.open(lock, signal),
        ready: (signal) => this.ready(signal),
        deliver: (batch, signal) => this.deliver(batch, signal),
        close: (lock) => this.close(lock),
      },
    });
  }

  status(): ForwarderStatus {
    const { state, position } = this.follower.status();
    return { name: this.name, state, position, connected: this.connected };
  }

  /** With the lock held: checkpoints without a flush, and Kafka connecting while the checkpoint is claimed. */
  private async open(lock: pg.PoolClient, signal: AbortSignal): Promise<undefined> {
    // Checkpoints, written on this connection, commit without waiting for the WAL flush: one
    // lost in a database crash only publishes a tail again, which at-least-once delivery
    // allows, while a flush per batch put a disk sync between every two publishes.
    await lock.query('SET synchronous_commit = off');
    this.session = this.connect(signal);
    // Interrupts a send that is retrying against a dead broker; `close` disconnects again and waits for it.
    signal.addEventListener('abort', () => void this.session?.then((session) => session && this.disconnect(session)), { once: true });
    return undefined;
  }

  /** Kafka connected (or the tenure over): only then does the follower subscribe to the store. */
  private async ready(signal: AbortSignal): Promise<void> {
    await (this.session ??= this.connect(signal));
  }

  private async close(lock: pg.PoolClient): Promise<void> {
    await this.dropSession();
    // The connection goes back to the pool, where appends must wait for their WAL flush again.
    await lock.query('RESET synchronous_commit').catch(() => undefined);
  }

  /** Resolves once Kafka acknowledged the batch, retrying with backoff; returns without it only when `signal` aborts. */
  private async deliver(batch: readonly RecordedEvent[], signal: AbortSignal): Promise<void> {
    for (let failures = 0; !signal.aborted; failures++) {
      const session = await (this.session ??= this.connect(signal));
      if (!session) return;
      try {
        await this.publish(session, batch);
        return;
      } catch (error) {
        if (signal.aborted) return;
        this.log.warn(
          { forwarder: this.name, err: error },
          `forwarder ${this.name}: publishing ${batch.length} events from ${formatPosition(batch[0]!.position)} failed (attempt ${failures + 1}): ${messageOf(error)}; retrying`,
        );
        await this.dropSession();
        await sleep(this.backoffMs(failures), undefined, { signal }).catch(() => undefined);
      }
    }
  }

  private backoffMs(failures: number): number {
    const ms = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(failures, 20));
    return ms * (0.75 + Math.random() / 2);
  }

  /** Connects the producer and the admin client and creates the known topics; retries until it works or `signal` aborts. */
  private async connect(signal: AbortSignal): Promise<KafkaSession | undefined> {
    for (let failures = 0; !signal.aborted; failures++) {
      const session: KafkaSession = {
        producer: this.kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          allowAutoTopicCreation: false,
          // murmur2 on the key, as the Java client: other languages' producers put a stream on the same partition.
          createPartitioner: Partitioners.DefaultPartitioner,
          retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 5 },
        }),
        admin: this.kafka.admin(),
      };
      try {
        await session.producer.connect();
        await session.admin.connect();
        await this.ensureTopics(session, KNOWN_CATEGORIES.map((c) => `${this.topicPrefix}${c}`));
        if (failures > 0) this.log.info({ forwarder: this.name }, `forwarder ${this.name}: connected to Kafka`);
        this.connected = !signal.aborted;
        return session;
      } catch (error) {
        await this.disconnect(session);
        if (signal.aborted) break;
        this.log.warn(
          { forwarder: this.name, err: error },
          `forwarder ${this.name}: cannot reach Kafka (attempt ${failures + 1}): ${messageOf(error)}; retrying`,
        );
        await sleep(this.backoffMs(failures), undefined, { signal }).catch(() => undefined);
      }
    }
    return undefined;
  }

  /** Disconnects this tenure's session, once it has finished connecting. */
  private async dropSession(): Promise<void> {
    const pending = this.session;
    this.session = undefined;
    const session = await pending;
    if (session) await this.disconnect(session);
  }

  private async disconnect(session: KafkaSession): Promise<void> {
    this.connected = false;
    await Promise.allSettled([session.producer.disconnect(), session.admin.disconnect()]);
  }

  private async ensureTopics(session: KafkaSession, topics: readonly string[]): Promise<void> {
    const missing = [...new Set(topics)].filter((t) => !this.topics.has(t));
    if (missing.length === 0) return;
    // Returns false for topics that exist already, which is what a restart meets.
    await createTopics(session.admin, missing.map((topic) => ({ topic, numPartitions: this.partitions, replicationFactor: this.replicationFactor })));
    for (const topic of missing) this.topics.add(topic);
  }

  /** Resolves once Kafka acknowledged every event of the batch (acks=all). */
  private async publish(session: KafkaSession, batch: readonly RecordedEvent[]): Promise<void> {
    const messages = batch.flatMap((event) => {
      const message = toKafkaMessage(event);
      return message ? [{ topic: topicFor(this.topicPrefix, event.streamId), message }] : [];
    });
    await this.ensureTopics(
      session,
      messages.map((m) => m.topic),
    );
    // In order, one produce call at a time: with one in flight, a stream's events keep their order.
    let start = 0;
    while (start < messages.length) {
      let end = start;
      let bytes = 0;
      while (end < messages.length && (end === start || bytes < MAX_SEND_BYTES)) {
        bytes += (messages[end]!.message.value as string).length;
        end += 1;
      }
      const byTopic = new Map<string, Message[]>();
      for (const { topic, message: m } of messages.slice(start, end)) {
        const list = byTopic.get(topic) ?? [];
        list.push(m);
        byTopic.set(topic, list);
      }
      await session.producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.GZIP,
        topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })),
      });
      start = end;
    }
  }
}
