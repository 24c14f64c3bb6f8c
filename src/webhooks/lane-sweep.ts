import type pg from 'pg';
import type { JobWorker } from '../jobs/job-runner.js';
import type { Jobs } from '../jobs/jobs.js';
import { WEBHOOK_DELIVERY_QUEUE, WEBHOOK_LANE_SWEEP_QUEUE } from '../jobs/queues.js';
import { inTransaction } from '../postgres/transaction.js';
import { type Lane, lockLanes, queueAttempts } from './lanes.js';

/** Every minute: a lane whose head lost its job waits about a minute more at most. */
export const WEBHOOK_LANE_SWEEP_CRON = '* * * * *';
/** Heads queued again by one sweep at most; the next sweep takes the rest. */
const MAX_PER_SWEEP = 1_000;

/** Queued heads without a job that will run them: created, waiting for a retry, or running. */
const ORPHANS = `
  SELECT d.delivery_id, d.webhook_id, d.stream_id FROM rollcall.webhook_deliveries d
   WHERE d.status = 'queued'
     AND NOT EXISTS (SELECT 1 FROM pgboss.job j
                      WHERE j.name = $1 AND j.state IN ('created', 'retry', 'active') AND j.data->>'deliveryId' = d.delivery_id::text)
   ORDER BY d.seq LIMIT $2`;

/**
 * Queues again the head of every lane whose job pg-boss gave up on: a worker that failed five
 * times over (its database down) dead-letters its batch, and the lane behind each head would
 * otherwise wait for an admin. Under the lanes' locks, the heads are checked again, so a head
 * a worker settled meanwhile is left alone. Returns how many were queued.
 */
export const requeueOrphanedHeads = async (pool: pg.Pool, jobs: Pick<Jobs, 'boss'>): Promise<number> => {
  const found = await pool.query<{ delivery_id: string; webhook_id: string; stream_id: string }>(ORPHANS, [WEBHOOK_DELIVERY_QUEUE, MAX_PER_SWEEP]);
  if (found.rows.length === 0) return 0;
  const boss = await jobs.boss();
  return inTransaction(pool, async (client) => {
    const lanes: Lane[] = found.rows.map((row) => ({ webhookId: row.webhook_id, streamId: row.stream_id }));
    await lockLanes(client, lanes);
    const still = await client.query<{ delivery_id: string }>(`SELECT delivery_id FROM (${ORPHANS}) o WHERE delivery_id = ANY($3::uuid[])`, [
      WEBHOOK_DELIVERY_QUEUE,
      MAX_PER_SWEEP,
      found.rows.map((row) => row.delivery_id),
    ]);
    await queueAttempts(boss, client, still.rows.map((row) => ({ deliveryId: row.delivery_id })));
    return still.rows.length;
  });
};

/** The sweep as a job of the projector's workers, beside the deliveries themselves. */
export const webhookLaneSweeper = (pool: pg.Pool, jobs: Pick<Jobs, 'boss'>): JobWorker => ({
  queue: WEBHOOK_LANE_SWEEP_QUEUE,
  cron: WEBHOOK_LANE_SWEEP_CRON,
  work: async () => ({ requeued: await requeueOrphanedHeads(pool, jobs) }),
});
