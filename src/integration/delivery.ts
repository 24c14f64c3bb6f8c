import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { IntegrationEvent } from './contract.js';

/**
 * A worker that reacts to integration events (ml-worker, reminders, …). The same handler runs
 * on Kafka (a consumer group) or on the embedded default (the event store's subscription).
 * Delivery is at least once: a handler must be idempotent by event id; redeliveries that
 * reach a consumer after it finished an event are dropped by `consumer_processed`.
 */
export interface Reactor {
  /** The consumer's name: its checkpoint, and with the topic prefix its Kafka group (kafka-consumer.ts, reactorGroupId). */
  readonly name: string;
  handle(event: IntegrationEvent): Promise<void>;
  /**
   * Whether `event` can make the reactor do anything (absent: every event can). Those it
   * cannot are never looked up, handed over nor marked: a second delivery of one costs
   * nothing, and an on-sale's registrations would otherwise cost every reactor a look-up and
   * a mark each.
   */
  reactsTo?(event: IntegrationEvent): boolean;
  /**
   * Does what `handle` would do for each of `events` (in log order, none handled before), at
   * once, for a reactor that can spare round trips that way. If it throws, the events are
   * handed to `handle` one by one, with their retries and dead letters: it must be idempotent
   * as `handle` is, since part of it may have happened.
   */
  handleBatch?(events: readonly IntegrationEvent[]): Promise<void>;
}

export interface RetryPolicy {
  /** Tries in all before an event is a dead letter (default 5). */
  attempts: number;
  /** The first pause between tries, doubled each time (default 500 ms). */
  backoffMs: number;
}

/**
 * About 7.5 s of retries: enough to ride out a database failover or a restarting job queue,
 * short enough that a poison event holds up its partition (or the store consumer) only briefly.
 */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, backoffMs: 500 };

/** An admin replays dead letters once the cause is fixed: one that still fails says so at once. */
const REPLAY_RETRY: RetryPolicy = { attempts: 2, backoffMs: 100 };

/** `ignored`: an event the reactor does not react to ({@link Reactor.reactsTo}). */
export type Delivery = 'handled' | 'duplicate' | 'dead_letter' | 'ignored';

/**
 * Marks events handled, committed without waiting for the WAL flush. The mark only spares a
 * redelivered event a second run of its handler, which handlers must bear anyway (delivery is
 * at least once), so a mark lost in a database crash costs a repeat; a flush per event held a
 * consumer to the disk's sync rate (about 300 events/s here).
 */
export const markProcessed = async (pool: pg.Pool, consumer: string, eventIds: readonly string[]): Promise<void> => {
  if (eventIds.length === 0) return;
  // One round trip: a multi-statement query is one implicit transaction, in which SET LOCAL
  // holds until its commit. Such a query takes no parameters, hence the escaped literals.
  const ids = eventIds.map((id) => pg.escapeLiteral(id)).join(', ');
  await pool.query(
    `SET LOCAL synchronous_commit = off;
     INSERT INTO rollcall.consumer_processed (consumer, event_id)
     SELECT ${pg.escapeLiteral(consumer)}, unnest(ARRAY[${ids}]::uuid[]) ON CONFLICT DO NOTHING`,
  );
};

/** The handler's last error after `policy.attempts` tries with backoff, or undefined once it succeeded. */
const handleWithRetries = async (reactor: Reactor, event: IntegrationEvent, policy: RetryPolicy): Promise<{ error: unknown } | undefined> => {
  for (let attempt = 1; ; attempt++) {
    try {
      await reactor.handle(event);
      return undefined;
    } catch (error) {
      if (attempt >= policy.attempts) return { error };
      await sleep(policy.backoffMs * 2 ** (attempt - 1));
    }
  }
};

const recordDeadLetter = async (pool: pg.Pool, reactor: Reactor, event: IntegrationEvent, error: unknown, attempts: number): Promise<void> => {
  await pool.query(
    `INSERT INTO rollcall.dead_letters (consumer, event_id, event, error, attempts) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (consumer, event_id) DO UPDATE SET error = excluded.error, attempts = rollcall.dead_letters.attempts + excluded.attempts, failed_at = now()`,
    [reactor.name, event.id, JSON.stringify(event), error instanceof Error ? error.message : String(error), attempts],
  );
};

/** Whether a reactor that handles batches handled these: a failed batch goes through `handle` one by one. */
const handledAsBatch = async (reactor: Reactor, events: readonly IntegrationEvent[]): Promise<boolean> => {
  if (!reactor.handleBatch) return false;
  try {
    await reactor.handleBatch(events);
    return true;
  } catch {
    return false;
  }
};

/**
 * Hands events to the reactor in order: those it does not react to are ignored, those it
 * handled before (or twice in the list) are skipped, each other one is retried with backoff and set aside as a dead letter if it keeps
 * failing (a reactor that handles batches gets them all at once first). One query looks the
 * batch up, rather than one per event. Returns what happened to each and the ids it handled,
 * which the caller marks ({@link markProcessed}).
 */
export const handleAll = async (
  pool: pg.Pool,
  reactor: Reactor,
  events: readonly IntegrationEvent[],
  policy: RetryPolicy = DEFAULT_RETRY,
  /** Told of each event set aside, with its trace. */
  log?: (line: string) => void,
): Promise<{ outcomes: Delivery[]; handled: string[] }> => {
  const relevant = events.map((event) => reactor.reactsTo?.(event) ?? true);
  const ids = events.flatMap((event, i) => (relevant[i] ? [event.id] : []));
  if (ids.length === 0) return { outcomes: events.map(() => 'ignored'), handled: [] };
  const { rows } = await pool.query<{ event_id: string }>(
    'SELECT event_id FROM rollcall.consumer_processed WHERE consumer = $1 AND event_id = ANY($2::uuid[])',
    [reactor.name, ids],
  );
  const seen = new Set(rows.map((row) => row.event_id));
  const fresh = events.map((event, i) => {
    const id = event.id.toLowerCase();
    if (!relevant[i] || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const passedOver = (i: number): Delivery => (relevant[i] ? 'duplicate' : 'ignored');
  const toHandle = events.filter((_, i) => fresh[i]);
  if (toHandle.length > 1 && (await handledAsBatch(reactor, toHandle)))
    return { outcomes: fresh.map((f, i) => (f ? 'handled' : passedOver(i))), handled: toHandle.map((event) => event.id.toLowerCase()) };
  const handled: string[] = [];
  const outcomes: Delivery[] = [];
  for (const [i, event] of events.entries()) {
    const id = event.id.toLowerCase();
    if (!fresh[i]) {
      outcomes.push(passedOver(i));
      continue;
    }
    const failure = await handleWithRetries(reactor, event, policy);
    if (failure) {
      await recordDeadLetter(pool, reactor, event, failure.error, policy.attempts);
      log?.(
        `reactor ${reactor.name}: ${event.type} ${event.id} (correlation ${event.correlationId}) failed ${policy.attempts} times and is a dead letter: ${failure.error instanceof Error ? failure.error.message : String(failure.error)}`,
      );
    } else handled.push(id);
    outcomes.push(failure ? 'dead_letter' : 'handled');
  }
  return { outcomes, handled };
};

/** {@link handleAll}, then the marks: a crash in between repeats what it handled. */
export const deliverAll = async (
  pool: pg.Pool,
  reactor: Reactor,
  events: readonly IntegrationEvent[],
  policy: RetryPolicy = DEFAULT_RETRY,
  log?: (line: string) => void,
): Promise<Delivery[]> => {
  const { outcomes, handled } = await handleAll(pool, reactor, events, policy, log);
  await markProcessed(pool, reactor.name, handled);
  return outcomes;
};

/** Hands one event to the reactor, as {@link deliverAll} does. */
export const deliver = async (pool: pg.Pool, reactor: Reactor, event: IntegrationEvent, policy: RetryPolicy = DEFAULT_RETRY): Promise<Delivery> =>
  (await deliverAll(pool, reactor, [event], policy))[0]!;

export interface DeadLetter {
  consumer: string;
  eventId: string;
  type: string;
  error: string;
  attempts: number;
  failedAt: string;
  event: IntegrationEvent;
}

export const listDeadLetters = async (pool: pg.Pool, consumer?: string | null, limit = 100): Promise<DeadLetter[]> => {
  const { rows } = await pool.query<{ consumer: string; event_id: string; event: IntegrationEvent; error: string; attempts: number; failed_at: Date }>(
    `SELECT * FROM rollcall.dead_letters WHERE ($1::text IS NULL OR consumer = $1) ORDER BY failed_at LIMIT $2`,
    [consumer ?? null, limit],
  );
  return rows.map((row) => ({
    consumer: row.consumer,
    eventId: row.event_id,
    type: row.event.type,
    error: row.error,
    attempts: row.attempts,
    failedAt: row.failed_at.toISOString(),
    event: row.event,
  }));
};

/**
 * Hands a consumer's dead letters (or one of them) to its reactor again; those it now handles
 * leave the list. Runs where the reactor's code is: the worker, or the admin CLI.
 */
export const replayDeadLetters = async (
  pool: pg.Pool,
  reactor: Reactor,
  eventId?: string,
  policy: RetryPolicy = REPLAY_RETRY,
  signal?: AbortSignal,
): Promise<{ replayed: number; stillFailing: number }> => {
  const letters = (await listDeadLetters(pool, reactor.name, 10_000)).filter((letter) => !eventId || letter.eventId === eventId);
  let replayed = 0;
  for (const letter of letters) {
    // Stopped between letters: those not tried yet count as still failing, and stay listed.
    if (signal?.aborted) break;
    if ((await deliver(pool, reactor, letter.event, policy)) === 'dead_letter') continue;
    await pool.query('DELETE FROM rollcall.dead_letters WHERE consumer = $1 AND event_id = $2', [reactor.name, letter.eventId]);
    replayed++;
  }
  return { replayed, stillFailing: letters.length - replayed };
};

export const reportLag = async (pool: pg.Pool, consumer: string, mode: 'store' | 'kafka', lag: number): Promise<void> => {
  await pool.query(
    `INSERT INTO rollcall.consumer_lag (consumer, mode, lag) VALUES ($1, $2, $3)
     ON CONFLICT (consumer) DO UPDATE SET mode = excluded.mode, lag = excluded.lag, reported_at = now()`,
    [consumer, mode, lag],
  );
};
