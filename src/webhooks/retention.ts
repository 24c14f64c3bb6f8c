import type pg from 'pg';
import type { JobWorker } from '../jobs/job-runner.js';
import { WEBHOOK_RETENTION_QUEUE } from '../jobs/queues.js';

/** How long a finished delivery (delivered, given up or cancelled) and its attempts stay to be looked at and redelivered. */
export const WEBHOOK_DELIVERY_RETENTION_DAYS = 30;
/** Daily, at a quiet hour (UTC). */
export const WEBHOOK_RETENTION_CRON = '17 3 * * *';
/** Rows deleted per statement: a year of backlog goes in short transactions, not one long one. */
const CHUNK = 10_000;

/** Deletes the deliveries finished before `now` less the retention, with their attempts; how many. */
export const deleteOldDeliveries = async (pool: pg.Pool, now = new Date()): Promise<number> => {
  const before = new Date(now.getTime() - WEBHOOK_DELIVERY_RETENTION_DAYS * 86_400_000);
  let deleted = 0;
  for (;;) {
    const { rowCount } = await pool.query(
      `DELETE FROM rollcall.webhook_deliveries WHERE delivery_id IN (
         SELECT delivery_id FROM rollcall.webhook_deliveries
          WHERE status IN ('delivered', 'failed', 'cancelled') AND finished_at < $1 LIMIT $2)`,
      [before, CHUNK],
    );
    deleted += rowCount ?? 0;
    if ((rowCount ?? 0) < CHUNK) return deleted;
  }
};

/** The retention as a daily job of the projector's workers. */
export const webhookRetention = (pool: pg.Pool): JobWorker => ({
  queue: WEBHOOK_RETENTION_QUEUE,
  cron: WEBHOOK_RETENTION_CRON,
  work: async () => ({ deleted: await deleteOldDeliveries(pool) }),
});
