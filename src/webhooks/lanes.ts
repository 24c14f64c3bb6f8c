import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { WEBHOOK_DELIVERY_QUEUE } from '../jobs/queues.js';

/** A `webhook-delivery` job: one attempt at a delivery. */
export interface DeliveryJobData {
  deliveryId: string;
  /** An admin's redelivery: one attempt, outside its lane's order, never retried. */
  redelivery?: boolean;
}

export interface Lane {
  webhookId: string;
  streamId: string;
}

/** Puts pg-boss's inserts in the caller's transaction, so a delivery's state and its job commit together. */
const inTransactionOf = (client: pg.PoolClient) => ({ executeSql: (text: string, values: unknown[]) => client.query(text, values) });

/** Queues one attempt at each delivery, in `client`'s transaction; a retry waits for its `startAfter`. */
export const queueAttempts = async (boss: PgBoss, client: pg.PoolClient, jobs: ReadonlyArray<DeliveryJobData & { startAfter?: Date }>): Promise<void> => {
  if (jobs.length === 0) return;
  await boss.insert(
    jobs.map(({ startAfter, ...data }) => ({ name: WEBHOOK_DELIVERY_QUEUE, data, ...(startAfter ? { startAfter } : {}) })),
    { db: inTransactionOf(client) },
  );
};

/**
 * Takes the lanes' locks, in `client`'s transaction and always in one order (so that two
 * transactions locking several never deadlock): the dispatcher adding deliveries to a lane
 * and a worker finishing its head take turns, so that neither misses the other (a delivery
 * added as the head finishes is queued by one of them, never by both or neither). A row
 * lock, not an update: a lane is locked twice per delivery, and a new row version each time
 * would be as many writes as the deliveries themselves.
 */
export const lockLanes = async (client: pg.PoolClient, lanes: readonly Lane[]): Promise<void> => {
  if (lanes.length === 0) return;
  await client.query(
    `SELECT 1 FROM rollcall.webhook_lanes WHERE (webhook_id, stream_id) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))
      ORDER BY webhook_id, stream_id FOR UPDATE`,
    [lanes.map((lane) => lane.webhookId), lanes.map((lane) => lane.streamId)],
  );
};

/** The dispatcher's {@link lockLanes}: creates the lanes a batch opens first (a worker only ever locks lanes that exist). */
export const openLanes = async (client: pg.PoolClient, lanes: readonly Lane[]): Promise<void> => {
  if (lanes.length === 0) return;
  await client.query(
    `INSERT INTO rollcall.webhook_lanes (webhook_id, stream_id) SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING`,
    [lanes.map((lane) => lane.webhookId), lanes.map((lane) => lane.streamId)],
  );
  await lockLanes(client, lanes);
};

/** Once the lanes' heads are finished, and their locks held: the next delivery waiting in each, queued now; their ids. */
export const advanceLanes = async (client: pg.PoolClient, lanes: readonly Lane[]): Promise<string[]> => {
  if (lanes.length === 0) return [];
  const { rows } = await client.query<{ delivery_id: string }>(
    `UPDATE rollcall.webhook_deliveries SET status = 'queued'
      WHERE delivery_id IN (SELECT DISTINCT ON (webhook_id, stream_id) delivery_id FROM rollcall.webhook_deliveries
                             WHERE status = 'waiting' AND (webhook_id, stream_id) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))
                             ORDER BY webhook_id, stream_id, seq)
      RETURNING delivery_id`,
    [lanes.map((lane) => lane.webhookId), lanes.map((lane) => lane.streamId)],
  );
  return rows.map((row) => row.delivery_id);
};
