import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { IntegrationEvent } from './contract.js';

/**
 * A worker that reacts to integration events (ml-worker, reminders, …). The same handler runs
 * on Kafka (a consumer group) or on the embedded default (the event store's subscription).
 * Delivery is at least once: a handler must be idempotent by event id; redeliveries that
 * reach a consumer after it finished an event are dropped by `consumer_processed`.
 */
export interface Reactor {
  /** The consumer's name: its Kafka group id and its checkpoint. */
  readonly name: string;
  handle(event: IntegrationEvent): Promise<void>;
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

export type Delivery = 'handled' | 'duplicate' | 'dead_letter';

/** Hands one event to the reactor: retried with backoff, and set aside as a dead letter if it keeps failing. */
export const deliver = async (pool: pg.Pool, reactor: Reactor, event: IntegrationEvent, policy: RetryPolicy = DEFAULT_RETRY): Promise<Delivery> => {
  const seen = await pool.query('SELECT 1 FROM rollcall.consumer_processed WHERE consumer = $1 AND event_id = $2', [reactor.name, event.id]);
  if (seen.rowCount) return 'duplicate';
  let failure: unknown;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    try {
      await reactor.handle(event);
      await pool.query('INSERT INTO rollcall.consumer_processed (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        reactor.name,
        event.id,
      ]);
      return 'handled';
    } catch (error) {
      failure = error;
      if (attempt < policy.attempts) await sleep(policy.backoffMs * 2 ** (attempt - 1));
    }
  }
  await pool.query(
    `INSERT INTO rollcall.dead_letters (consumer, event_id, event, error, attempts) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (consumer, event_id) DO UPDATE SET error = excluded.error, attempts = rollcall.dead_letters.attempts + excluded.attempts, failed_at = now()`,
    [reactor.name, event.id, JSON.stringify(event), failure instanceof Error ? failure.message : String(failure), policy.attempts],
  );
  return 'dead_letter';
};

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
