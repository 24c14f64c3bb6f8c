import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { CompressionTypes, Kafka, type Message, type Producer, Partitioners, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import type pg from 'pg';
import { type SessionLock, releaseSessionLock, trySessionLock } from '../postgres/session-lock.js';
import { toIntegrationEvent } from './contract.js';
import type { EventStore, RecordedEvent } from '../eventstore/event-store.js';
import { type Position, comparePositions, formatPosition } from '../eventstore/position.js';
import { batches } from '../projections/batches.js';
import type { RunnerLog } from '../projections/runner.js';

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
 * Delivery is at least once: the checkpoint moves only after Kafka acknowledged (acks=all)
 * every message of a batch, so a crash or a broker outage loses nothing but may publish a
 * tail twice. Consumers dedupe by event id; the idempotent producer keeps retries within
 * one producer from duplicating or reordering.
 */

const DEFAULT_NAME = 'kafka';
export const DEFAULT_TOPIC_PREFIX = 'rollcall.';
/** Partitions of each topic Rollcall creates; the ml-worker creates topics too and must agree. */
export const DEFAULT_PARTITIONS = 6;
const DEFAULT_BATCH_SIZE = 1_000;
const DEFAULT_LOCK_RETRY_MS = 1_000;
const DEFAULT_BACKOFF = { initialMs: 250, maxMs: 5_000 };
/** The categories Rollcall writes today, whose topics exist before the first event of them. */
const KNOWN_CATEGORIES = ['event', 'checkin', 'account'];
/**
 * Kafka refuses a record batch above message.max.bytes (1 MiB by default, compressed); one
 * produce call per this many bytes of JSON keeps every batch well below it.
 */
const MAX_SEND_BYTES = 512 * 1024;
// First key of the two-key advisory lock (the second is hashtext(name)); projections use 7_301_003.
const LOCK_CLASS = 7_301_005;
const NO_POSITION = -1n;
const TOPIC_PREFIX = /^[A-Za-z0-9._-]{0,200}$/;

export type ForwarderState = 'waiting_for_lock' | 'running' | 'stopped';

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
  log?: RunnerLog;
}

export interface ForwarderStatus {
  name: string;
  state: ForwarderState;
  /** The last position Kafka acknowledged (and the checkpoint holds). */
  position: Position | undefined;
}

const noLog: RunnerLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Lines on stdout and stderr, for the `forwarder` role. */
export const consoleLog: RunnerLog = {
  info: (_details, line) => process.stdout.write(`forwarder: ${line}\n`),
  warn: (_details, line) => process.stderr.write(`forwarder: ${line}\n`),
  error: (_details, line) => process.stderr.write(`forwarder: ${line}\n`),
};

/** The stream id's category: up to the first '-', characters Kafka refuses in a topic name replaced by '_'. */
export const categoryOf = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return (dash === -1 ? streamId : streamId.slice(0, dash)).replace(/[^A-Za-z0-9._-]/g, '_') || '_';
};

export const topicFor = (prefix: string, streamId: string): string => `${prefix}${categoryOf(streamId)}`;

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

/** The checkpoint row no longer says what this forwarder last wrote: someone else forwards now. */
class CheckpointMovedError extends Error {
  constructor(name: string) {
    super(`The checkpoint of forwarder ${name} was moved by someone else`);
  }
}

/**
 * Follows the event store from its own checkpoint and publishes every event to Kafka. One
 * active forwarder per name across processes (a session advisory lock, as projections
 * have; the others wait as standbys). While Kafka is unreachable it keeps the batch in hand
 * and retries with backoff; it never skips one.
 */
export class Forwarder {
  private readonly store: EventStore;
  private readonly pool: pg.Pool;
  private readonly kafka: Kafka;
  private readonly name: string;
  private readonly topicPrefix: string;
  private readonly partitions: number;
  private readonly replicationFactor: number;
  private readonly batchSize: number;
  private readonly lockRetryMs: number;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly log: RunnerLog;
  private readonly progress = new EventEmitter();
  /** Topics known to exist, so each is created once per process. */
  private readonly topics = new Set<string>();

  private state: ForwarderState = 'stopped';
  private position: Position | undefined;
  private life: Promise<void> | undefined;
  private stopSignal: AbortController | undefined;

  constructor(options: ForwarderOptions) {
    const topicPrefix = options.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
    if (!TOPIC_PREFIX.test(topicPrefix))
      throw new Error(`Topic prefix "${topicPrefix}" may hold only letters, digits, '.', '_' and '-' (at most 200)`);
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
    if (options.brokers.length === 0) throw new Error('The forwarder needs at least one Kafka broker');
    this.store = options.store;
    this.pool = options.pool;
    this.name = options.name ?? DEFAULT_NAME;
    this.topicPrefix = topicPrefix;
    this.partitions = options.partitions ?? DEFAULT_PARTITIONS;
    this.replicationFactor = options.replicationFactor ?? 1;
    this.batchSize = batchSize;
    this.lockRetryMs = options.lockRetryMs ?? DEFAULT_LOCK_RETRY_MS;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.log = options.log ?? noLog;
    this.progress.setMaxListeners(0);
    this.kafka = new Kafka({
      clientId: `rollcall-forwarder-${this.name}`,
      brokers: options.brokers,
      connectionTimeout: 3_000,
      // kafkajs would log every reconnect attempt while the broker is down; the forwarder
      // logs each failed publish with kafkajs's error instead.
      logLevel: logLevel.NOTHING,
      retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 5 },
    });
  }

  status(): ForwarderStatus {
    return { name: this.name, state: this.state, position: this.position };
  }

  /** Starts forwarding, or waiting for the lock as a standby; resolves once either is under way. */
  async start(): Promise<void> {
    if (this.life) return;
    const stop = new AbortController();
    this.stopSignal = stop;
    this.setState('waiting_for_lock');
    this.life = this.live(stop.signal).finally(() => {
      this.life = undefined;
      this.setState('stopped');
    });
  }

  /** Closes the subscription and Kafka clients, abandons an unacknowledged batch, releases the lock. */
  async stop(): Promise<void> {
    this.stopSignal?.abort();
    await this.life;
  }

  /** Resolves once Kafka acknowledged everything up to `position`; rejects after `timeoutMs`. */
  caughtUp(position: Position, { timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<void> {
    const reached = (): boolean => this.position !== undefined && comparePositions(this.position, position) >= 0;
    if (reached()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onCheckpoint = (): void => {
        if (!reached()) return;
        clearTimeout(timer);
        this.progress.off('checkpoint', onCheckpoint);
        resolve();
      };
      const timer = setTimeout(() => {
        this.progress.off('checkpoint', onCheckpoint);
        reject(new Error(`Forwarder ${this.name} did not reach ${formatPosition(position)} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.progress.on('checkpoint', onCheckpoint);
    });
  }

  private setState(state: ForwarderState): void {
    if (this.state !== state) this.log.info({ forwarder: this.name, state }, `${this.name}: ${state}`);
    this.state = state;
  }

  private async live(stop: AbortSignal): Promise<void> {
    let failures = 0;
    while (!stop.aborted) {
      const lock = await this.waitForLock(stop);
      if (!lock) return;
      this.setState('running');
      try {
        await this.forward(lock, stop);
        failures = 0;
      } catch (error) {
        // A connection to PostgreSQL, a moved checkpoint: start over from the stored checkpoint.
        if (!stop.aborted) this.log.warn({ forwarder: this.name, err: error }, `${this.name}: ${message(error)}; starting over`);
        failures += 1;
      } finally {
        await this.release(lock);
      }
      if (!stop.aborted) this.setState('waiting_for_lock');
      if (failures > 0) await this.pause(failures - 1, stop);
    }
  }

  private async pause(failures: number, signal: AbortSignal): Promise<void> {
    const ms = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(failures, 20));
    await sleep(ms * (0.75 + Math.random() / 2), undefined, { signal }).catch(() => undefined);
  }

  private async waitForLock(stop: AbortSignal): Promise<Lock | undefined> {
    while (!stop.aborted) {
      try {
        const lock = await this.tryLock();
        if (lock && stop.aborted) await this.release(lock);
        else if (lock) return lock;
      } catch (error) {
        this.log.warn({ forwarder: this.name, err: error }, `${this.name}: cannot ask for its lock: ${message(error)}`);
      }
      await sleep(this.lockRetryMs, undefined, { signal: stop }).catch(() => undefined);
    }
    return undefined;
  }

  private tryLock(): Promise<Lock | undefined> {
    return trySessionLock(this.pool, LOCK_CLASS, this.name, (error) =>
      this.log.warn({ forwarder: this.name, err: error }, `${this.name}: lost its lock connection`),
    );
  }

  private async release(lock: Lock): Promise<void> {
    // The connection goes back to the pool, where appends must wait for their WAL flush again.
    await lock.client.query('RESET synchronous_commit').catch(() => undefined);
    await releaseSessionLock(lock, LOCK_CLASS, this.name);
  }

  /** With the lock held: publish from the checkpoint until stopped, the lock is lost, or PostgreSQL fails. */
  private async forward(lock: Lock, stop: AbortSignal): Promise<void> {
    const owned = AbortSignal.any([stop, lock.lost]);
    this.position = await this.readCheckpoint(lock.client);
    // Checkpoints, written on this connection, commit without waiting for the WAL flush: one
    // lost in a database crash only publishes a tail again, which at-least-once delivery
    // allows, while a flush per batch put a disk sync between every two publishes.
    await lock.client.query('SET synchronous_commit = off');
    const subscription = this.store.subscribeToAll(this.position ? { after: this.position } : {});
    let session: KafkaSession | undefined;
    // Ends a wait for events and interrupts a send that is retrying against a dead broker.
    const interrupt = (): void => {
      void subscription.close().catch(() => undefined);
      if (session) void this.disconnect(session);
    };
    owned.addEventListener('abort', interrupt);
    try {
      session = await this.connect(owned);
      if (!session) return;
      const pending = batches(subscription[Symbol.asyncIterator](), this.batchSize);
      for (;;) {
        const next = await pending.next();
        if (owned.aborted || next.done) return;
        const batch = next.value;
        for (let failures = 0; ; failures++) {
          if (owned.aborted) return;
          try {
            session ??= await this.connect(owned);
            if (!session) return;
            await this.publish(session, batch);
            break;
          } catch (error) {
            if (owned.aborted) return;
            this.log.warn(
              { forwarder: this.name, err: error },
              `${this.name}: publishing ${batch.length} events from ${formatPosition(batch[0]!.position)} failed (attempt ${failures + 1}): ${message(error)}; retrying`,
            );
            if (session) await this.disconnect(session);
            session = undefined;
            await this.pause(failures, owned);
          }
        }
        await this.moveCheckpoint(lock.client, batch[batch.length - 1]!.position);
      }
    } finally {
      owned.removeEventListener('abort', interrupt);
      await subscription.close().catch(() => undefined);
      if (session) await this.disconnect(session);
    }
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
        if (failures > 0) this.log.info({ forwarder: this.name }, `${this.name}: connected to Kafka`);
        return session;
      } catch (error) {
        await this.disconnect(session);
        if (signal.aborted) break;
        this.log.warn({ forwarder: this.name, err: error }, `${this.name}: cannot reach Kafka (attempt ${failures + 1}): ${message(error)}; retrying`);
        await this.pause(failures, signal);
      }
    }
    return undefined;
  }

  private async disconnect(session: KafkaSession): Promise<void> {
    await Promise.allSettled([session.producer.disconnect(), session.admin.disconnect()]);
  }

  private async ensureTopics(session: KafkaSession, topics: readonly string[]): Promise<void> {
    const missing = [...new Set(topics)].filter((t) => !this.topics.has(t));
    if (missing.length === 0) return;
    // Returns false for topics that exist already, which is what a restart meets.
    await session.admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: this.partitions, replicationFactor: this.replicationFactor })),
    });
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

  private async readCheckpoint(client: pg.PoolClient): Promise<Position | undefined> {
    await client.query(
      `INSERT INTO rollcall.forwarder_checkpoints (name, commit_position, prepare_position)
       VALUES ($1, $2, $2) ON CONFLICT (name) DO NOTHING`,
      [this.name, NO_POSITION.toString()],
    );
    const { rows } = await client.query<{ commit_position: string; prepare_position: string }>(
      'SELECT commit_position, prepare_position FROM rollcall.forwarder_checkpoints WHERE name = $1',
      [this.name],
    );
    const commit = BigInt(rows[0]!.commit_position);
    return commit === NO_POSITION ? undefined : { commit, prepare: BigInt(rows[0]!.prepare_position) };
  }

  /** Fenced by the position this forwarder believes is stored, as the projection runner's checkpoint is. */
  private async moveCheckpoint(client: pg.PoolClient, to: Position): Promise<void> {
    const from = this.position;
    const { rowCount } = await client.query(
      `UPDATE rollcall.forwarder_checkpoints SET commit_position = $2, prepare_position = $3, updated_at = now()
        WHERE name = $1 AND commit_position = $4 AND prepare_position = $5`,
      [
        this.name,
        to.commit.toString(),
        to.prepare.toString(),
        (from?.commit ?? NO_POSITION).toString(),
        (from?.prepare ?? NO_POSITION).toString(),
      ],
    );
    if (rowCount !== 1) throw new CheckpointMovedError(this.name);
    this.position = to;
    this.progress.emit('checkpoint', to);
  }
}

/** The advisory lock's connection, held for as long as this forwarder is the active one. */
type Lock = SessionLock;
