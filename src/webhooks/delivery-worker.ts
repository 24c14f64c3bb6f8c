import type pg from 'pg';
import type PgBoss from 'pg-boss';
import type { JobWorker } from '../jobs/job-runner.js';
import type { Jobs } from '../jobs/jobs.js';
import type { MailJobs } from '../jobs/mailer.js';
import { WEBHOOK_DELIVERY_QUEUE } from '../jobs/queues.js';
import { inTransaction } from '../postgres/transaction.js';
import type { DeliveryJobData } from './lanes.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, judgeAttempt } from './retry-policy.js';
import { type DeliveryRow, type Settlement, settle } from './settlement.js';
import { signedHeaders } from './signature.js';
import { tellOwner } from './webhook-disabled-mail.js';
import type { WebhookSender } from './webhook-sender.js';
import type { WebhookSecrets } from './webhook-secrets.js';

export interface DeliveryWorkerDependencies {
  pool: pg.Pool;
  jobs: Pick<Jobs, 'boss'>;
  secrets: WebhookSecrets;
  sender: WebhookSender;
  /** Where the owner of a webhook that was disabled is told. */
  mail: MailJobs;
  policy?: RetryPolicy;
  now?: () => Date;
  random?: () => number;
}

/**
 * 50 jobs a fetch, 8 fetches at once: up to 400 attempts in flight per process, which a
 * receiver answering in 100 ms turns into 4,000 deliveries/s; the database sees one read and
 * one transaction per batch, not per delivery.
 */
const BATCH_SIZE = 50;
const CONCURRENCY = 8;

const loadDeliveries = async (pool: pg.Pool, deliveryIds: readonly string[]): Promise<Map<string, DeliveryRow>> => {
  const { rows } = await pool.query<DeliveryRow>(
    `SELECT d.delivery_id, d.webhook_id, d.stream_id, d.body, d.status, d.attempts, d.first_attempt_at,
            w.url, w.secret_sealed, w.previous_secret_sealed, w.previous_secret_until, w.status AS webhook_status, w.failing_since, w.owner_id
       FROM rollcall.webhook_deliveries d JOIN rollcall.webhooks w USING (webhook_id)
      WHERE d.delivery_id = ANY($1::uuid[])`,
    [deliveryIds],
  );
  return new Map(rows.map((row) => [row.delivery_id, row]));
};

/** One attempt, signed for this moment, and what its answer means (retry-policy.ts). */
const attempt = async (deps: DeliveryWorkerDependencies, job: DeliveryJobData, row: DeliveryRow): Promise<Settlement> => {
  const now = deps.now?.() ?? new Date();
  const secrets = [row.secret_sealed, ...(row.previous_secret_sealed && row.previous_secret_until && row.previous_secret_until > now ? [row.previous_secret_sealed] : [])];
  const headers = signedHeaders(secrets.map((sealed) => deps.secrets.open(row.webhook_id, sealed)), row.delivery_id, now, row.body);
  const attempted = await deps.sender.post(row.url, headers, row.body);
  const number = row.attempts + 1;
  const verdict = judgeAttempt(deps.policy ?? DEFAULT_RETRY_POLICY, {
    answer: attempted,
    attempt: number,
    firstAttemptAt: row.first_attempt_at ?? now,
    failingSince: row.failing_since,
    redelivery: job.redelivery ?? false,
    now,
    random: deps.random?.() ?? Math.random(),
  });
  return { kind: 'attempted', job, row, attempted, verdict, attempt: number, now };
};

/** What a job comes to before any attempt: none for a delivery deleted, moved on, or of a disabled webhook. */
const triage = (job: DeliveryJobData, row: DeliveryRow | undefined, taken: Set<string>): Settlement | DeliveryRow => {
  // Deleted with its webhook; or a second job for one delivery (pg-boss repeating a job, a redelivery) in the batch.
  if (!row || taken.has(row.delivery_id)) return { kind: 'skipped' };
  taken.add(row.delivery_id);
  if (!job.redelivery && row.status !== 'queued') return { kind: 'skipped' };
  if (row.webhook_status !== 'enabled') return job.redelivery ? { kind: 'skipped' } : { kind: 'cancelled', job, row };
  return row;
};

/**
 * The `webhook-delivery` queue's worker: a batch's attempts side by side, then their outcomes
 * in one transaction with the jobs they lead to (retries, the next of each lane). A batch
 * whose transaction fails is failed whole, and pg-boss tries it again: its receivers may see
 * a delivery twice, which the webhook-id lets them recognize.
 */
export const webhookDeliveryWorker = (deps: DeliveryWorkerDependencies): JobWorker => {
  // The instance the first batch found: one still in flight as the process stops must not start pg-boss again.
  let started: Promise<PgBoss> | undefined;
  const boss = () => (started ??= deps.jobs.boss());
  return {
    queue: WEBHOOK_DELIVERY_QUEUE,
    batchSize: BATCH_SIZE,
    concurrency: CONCURRENCY,
    pollingIntervalSeconds: 0.5,
    work: async (batch: PgBoss.JobWithMetadata<unknown>[]) => {
      const jobs = batch.map((job) => job.data as DeliveryJobData);
      const rows = await loadDeliveries(deps.pool, jobs.map((job) => job.deliveryId));
      const taken = new Set<string>();
      const settlements = await Promise.all(
        jobs.map((job) => {
          const triaged = triage(job, rows.get(job.deliveryId), taken);
          return 'kind' in triaged ? triaged : attempt(deps, job, triaged);
        }),
      );
      const queue = await boss();
      // Without waiting for the WAL flush: pg-boss completes the jobs afterwards, durably, and WAL
      // is flushed in order, so outcomes are lost in a crash only with their jobs' completion; the
      // jobs then run again, an attempt more each (receivers deduplicate by webhook-id).
      const disabled = await inTransaction(deps.pool, (client) => settle(queue, client, settlements), 'BEGIN; SET LOCAL synchronous_commit = off');
      for (const { row, reason, at } of disabled) await tellOwner(deps.pool, deps.mail, row, reason, at);
      const counts: Record<string, number> = {};
      for (const settlement of settlements) {
        const outcome = settlement.kind === 'attempted' ? settlement.verdict.delivery.kind : settlement.kind;
        counts[outcome] = (counts[outcome] ?? 0) + 1;
      }
      return counts;
    },
  };
};
