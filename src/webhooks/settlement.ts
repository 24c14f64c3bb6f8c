import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { type Lane, advanceLanes, lockLanes, queueAttempts } from './lanes.js';
import { type DisableReason, type Verdict, webhookVerdict } from './retry-policy.js';
import type { Attempted } from './webhook-sender.js';

/** A delivery as the worker reads it, with its webhook. */
export interface DeliveryRow {
  delivery_id: string;
  webhook_id: string;
  stream_id: string;
  body: string;
  status: string;
  attempts: number;
  first_attempt_at: Date | null;
  url: string;
  secret_sealed: Buffer;
  previous_secret_sealed: Buffer | null;
  previous_secret_until: Date | null;
  webhook_status: string;
  failing_since: Date | null;
  owner_id: string;
}

/** What became of one job of a batch. */
export type Settlement =
  | { kind: 'attempted'; job: { redelivery?: boolean }; row: DeliveryRow; attempted: Attempted; verdict: Verdict; attempt: number; now: Date }
  /** Its webhook was disabled: taken out of its lane unattempted. */
  | { kind: 'cancelled'; job: { redelivery?: boolean }; row: DeliveryRow }
  | { kind: 'skipped' };

type Attempt = Extract<Settlement, { kind: 'attempted' }>;

export interface Disabled {
  row: DeliveryRow;
  reason: DisableReason;
  at: Date;
}

const STATUS_OF: Record<Verdict['delivery']['kind'], string> = { delivered: 'delivered', failed: 'failed', retry: 'queued' };

const laneOf = (row: DeliveryRow): Lane => ({ webhookId: row.webhook_id, streamId: row.stream_id });

const uniqueLanes = (rows: readonly DeliveryRow[]): Lane[] => [...new Map(rows.map((row) => [`${row.webhook_id} ${row.stream_id}`, laneOf(row)])).values()];

/**
 * The webhooks' state after the batch, each row locked in id order and before any lane, as
 * the dispatcher holds them (FOR SHARE) before its lanes: the two never wait for each other
 * in a circle. Touched only when a webhook starts or stops failing, or is disabled, so that
 * healthy deliveries never contend for its row.
 */
const settleWebhooks = async (client: pg.PoolClient, attempts: readonly Attempt[]): Promise<Disabled[]> => {
  const byWebhook = new Map<string, Attempt[]>();
  for (const attempt of attempts) byWebhook.set(attempt.row.webhook_id, [...(byWebhook.get(attempt.row.webhook_id) ?? []), attempt]);
  const disabled: Disabled[] = [];
  for (const [webhookId, group] of [...byWebhook].sort(([a], [b]) => a.localeCompare(b))) {
    const { failingSince, disable } = webhookVerdict(group.map((attempt) => attempt.verdict));
    const { row, now } = group[0]!;
    if ((row.failing_since === null) !== (failingSince === null))
      await client.query(
        `UPDATE rollcall.webhooks SET failing_since = CASE WHEN $2::timestamptz IS NULL THEN NULL ELSE COALESCE(failing_since, $2) END WHERE webhook_id = $1`,
        [webhookId, failingSince],
      );
    if (!disable) continue;
    const { rowCount } = await client.query(
      `UPDATE rollcall.webhooks SET status = 'disabled', disabled_reason = $2, updated_at = now() WHERE webhook_id = $1 AND status = 'enabled'`,
      [webhookId, disable],
    );
    // Another batch may have disabled it first: its owner is told once.
    if (rowCount) disabled.push({ row, reason: disable, at: now });
  }
  return disabled;
};

/**
 * In one statement: each attempt in the log, numbered on from the last one logged (a
 * redelivery's, a repeated job's come after it), and the new state of the deliveries at their
 * lanes' heads, if still queued (another may have cancelled them meanwhile). Answers those
 * settled, with their new status.
 */
const logAndSettle = async (client: pg.PoolClient, attempts: readonly Attempt[], inLane: readonly Attempt[], cancelled: readonly DeliveryRow[]): Promise<Map<string, string>> => {
  const { rows } = await client.query<{ delivery_id: string; status: string }>(
    `WITH logged AS (
       INSERT INTO rollcall.webhook_attempts (delivery_id, attempt, attempted_at, status_code, latency_ms, response_excerpt, error)
       SELECT x.id, COALESCE((SELECT max(a.attempt) FROM rollcall.webhook_attempts a WHERE a.delivery_id = x.id), 0) + 1, x.at, x.status_code, x.latency, x.excerpt, x.error
         FROM unnest($1::uuid[], $2::timestamptz[], $3::int[], $4::int[], $5::text[], $6::text[]) AS x (id, at, status_code, latency, excerpt, error)
     )
     UPDATE rollcall.webhook_deliveries d
        SET status = x.status, attempts = COALESCE(x.attempts, d.attempts), first_attempt_at = COALESCE(d.first_attempt_at, x.at),
            finished_at = CASE WHEN x.status = 'queued' THEN NULL ELSE now() END
       FROM unnest($7::uuid[], $8::text[], $9::int[], $10::timestamptz[]) AS x (id, status, attempts, at)
      WHERE d.delivery_id = x.id AND d.status = 'queued'
      RETURNING d.delivery_id, x.status`,
    [
      attempts.map((a) => a.row.delivery_id),
      attempts.map((a) => a.now),
      attempts.map((a) => a.attempted.statusCode ?? null),
      attempts.map((a) => a.attempted.latencyMs),
      attempts.map((a) => a.attempted.excerpt),
      attempts.map((a) => a.attempted.error),
      [...inLane.map((a) => a.row.delivery_id), ...cancelled.map((row) => row.delivery_id)],
      [...inLane.map((a) => STATUS_OF[a.verdict.delivery.kind]), ...cancelled.map(() => 'cancelled')],
      [...inLane.map((a) => a.attempt), ...cancelled.map(() => null)],
      [...inLane.map((a) => a.now), ...cancelled.map(() => null)],
    ],
  );
  return new Map(rows.map((row) => [row.delivery_id, row.status]));
};

/**
 * Writes a batch's outcomes in the caller's transaction: webhooks, the attempt log, the
 * deliveries, and the jobs they lead to: a retry after its delay, the next delivery of each
 * lane whose head is finished. A webhook disabled now has what it still had
 * to deliver cancelled (its own delivery settled first). Answers the webhooks disabled, whose
 * owners are to be told once it commits.
 */
export const settle = async (boss: PgBoss, client: pg.PoolClient, settlements: readonly Settlement[]): Promise<Disabled[]> => {
  const attempts = settlements.filter((s): s is Attempt => s.kind === 'attempted');
  const inLane = attempts.filter((a) => !a.job.redelivery);
  const cancelled = settlements.flatMap((s) => (s.kind === 'cancelled' ? [s.row] : []));
  const disabled = await settleWebhooks(client, attempts);
  const gone = [...new Set(disabled.map((d) => d.row.webhook_id))];
  const settled = await logAndSettle(client, attempts, inLane, cancelled);
  // A redelivery that went through settles a delivery given up; one that failed leaves it as it was.
  const redelivered = attempts.filter((a) => a.job.redelivery && a.verdict.delivery.kind === 'delivered').map((a) => a.row.delivery_id);
  if (redelivered.length > 0)
    await client.query(`UPDATE rollcall.webhook_deliveries SET status = 'delivered', finished_at = now() WHERE delivery_id = ANY($1::uuid[])`, [redelivered]);
  if (gone.length > 0)
    await client.query(`UPDATE rollcall.webhook_deliveries SET status = 'cancelled', finished_at = now() WHERE webhook_id = ANY($1::uuid[]) AND status IN ('waiting', 'queued')`, [gone]);
  const live = (row: DeliveryRow) => settled.has(row.delivery_id) && !gone.includes(row.webhook_id);
  const retries = inLane.flatMap((a) =>
    a.verdict.delivery.kind === 'retry' && live(a.row) ? [{ deliveryId: a.row.delivery_id, startAfter: new Date(a.now.getTime() + a.verdict.delivery.delayMs) }] : [],
  );
  // Last, so that the dispatcher, which waits for these locks, waits the least: only a lane
  // whose head is finished has a next to queue, and only its lock orders that with the
  // dispatcher adding to it (a head retried stays the head, whatever is added behind it).
  const finished = uniqueLanes([...inLane.filter((a) => a.verdict.delivery.kind !== 'retry').map((a) => a.row), ...cancelled].filter(live));
  await lockLanes(client, finished);
  const advanced = await advanceLanes(client, finished);
  await queueAttempts(boss, client, [...retries, ...advanced.map((deliveryId) => ({ deliveryId }))]);
  return disabled;
};
