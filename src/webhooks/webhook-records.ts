import type pg from 'pg';
import { type Page, type PageArgs, decodeCursor, pageSize, paged } from '../projections/pages.js';
import type { PublishedType } from '../integration/published-types.js';

/** The SQL of src/webhooks' tables that the API reads and writes; the dispatcher and the worker keep their own. */

type Queryable = pg.Pool | pg.PoolClient;

export interface WebhookView {
  id: string;
  ownerId: string;
  eventId: string | null;
  url: string;
  eventTypes: PublishedType[];
  status: 'enabled' | 'disabled';
  disabledReason: 'gone' | 'failing' | 'owner' | null;
  failingSince: string | null;
  createdAt: string;
}

export interface AttemptView {
  attempt: number;
  attemptedAt: string;
  statusCode: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  error: string | null;
}

export interface DeliveryView {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: PublishedType;
  streamId: string;
  status: 'waiting' | 'queued' | 'delivered' | 'failed' | 'cancelled';
  createdAt: string;
  finishedAt: string | null;
  attempts: AttemptView[];
}

const WEBHOOK_COLUMNS = 'webhook_id, owner_id, event_id, url, event_types, status, disabled_reason, failing_since, created_at';

const webhookView = (row: Record<string, any>): WebhookView => ({
  id: row.webhook_id,
  ownerId: row.owner_id,
  eventId: row.event_id,
  url: row.url,
  eventTypes: row.event_types,
  status: row.status,
  disabledReason: row.disabled_reason,
  failingSince: row.failing_since?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
});

export interface NewWebhook {
  id: string;
  ownerId: string;
  eventId: string | null;
  url: string;
  eventTypes: readonly PublishedType[];
  secretSealed: Buffer;
}

export const insertWebhook = async (db: Queryable, hook: NewWebhook): Promise<WebhookView> => {
  const { rows } = await db.query(
    `INSERT INTO rollcall.webhooks (webhook_id, owner_id, event_id, url, event_types, secret_sealed, status)
     VALUES ($1, $2, $3, $4, $5, $6, 'enabled') RETURNING ${WEBHOOK_COLUMNS}`,
    [hook.id, hook.ownerId, hook.eventId, hook.url, hook.eventTypes, hook.secretSealed],
  );
  return webhookView(rows[0]!);
};

/** The webhook, locked for the caller's transaction when `db` is in one. */
export const findWebhook = async (db: Queryable, webhookId: string, lock = false): Promise<WebhookView | undefined> => {
  const { rows } = await db.query(`SELECT ${WEBHOOK_COLUMNS} FROM rollcall.webhooks WHERE webhook_id = $1${lock ? ' FOR UPDATE' : ''}`, [webhookId]);
  return rows[0] ? webhookView(rows[0]) : undefined;
};

/** Everyone's for an admin (`ownerId` null), else the owner's; oldest first. */
export const listWebhooks = async (db: Queryable, ownerId: string | null): Promise<WebhookView[]> => {
  const { rows } = await db.query(`SELECT ${WEBHOOK_COLUMNS} FROM rollcall.webhooks WHERE $1::text IS NULL OR owner_id = $1 ORDER BY created_at, webhook_id`, [
    ownerId,
  ]);
  return rows.map(webhookView);
};

export interface WebhookChanges {
  url?: string;
  eventTypes?: readonly PublishedType[];
  secretSealed?: Buffer;
  /** Enabling starts afresh: no failures counted, no reason left. */
  enable?: boolean;
}

export const updateWebhook = async (db: Queryable, webhookId: string, changes: WebhookChanges): Promise<WebhookView> => {
  const { rows } = await db.query(
    `UPDATE rollcall.webhooks SET url = COALESCE($2, url), event_types = COALESCE($3, event_types), secret_sealed = COALESCE($4, secret_sealed),
            status = CASE WHEN $5 THEN 'enabled' ELSE status END,
            disabled_reason = CASE WHEN $5 THEN NULL ELSE disabled_reason END,
            failing_since = CASE WHEN $5 THEN NULL ELSE failing_since END,
            updated_at = now()
      WHERE webhook_id = $1 RETURNING ${WEBHOOK_COLUMNS}`,
    [webhookId, changes.url ?? null, changes.eventTypes ?? null, changes.secretSealed ?? null, changes.enable ?? false],
  );
  return webhookView(rows[0]!);
};

/** A new secret; the one it replaces keeps signing beside it until `graceUntil`. */
export const rotateSecret = async (db: Queryable, webhookId: string, secretSealed: Buffer, graceUntil: Date): Promise<WebhookView> => {
  const { rows } = await db.query(
    `UPDATE rollcall.webhooks SET previous_secret_sealed = secret_sealed, previous_secret_until = $3, secret_sealed = $2, updated_at = now()
      WHERE webhook_id = $1 RETURNING ${WEBHOOK_COLUMNS}`,
    [webhookId, secretSealed, graceUntil],
  );
  return webhookView(rows[0]!);
};

/** Stopped by its owner or an admin: what it still had to deliver is cancelled, so enabling it again starts afresh. */
export const disableByOwner = async (client: pg.PoolClient, webhookId: string): Promise<void> => {
  const { rowCount } = await client.query(
    `UPDATE rollcall.webhooks SET status = 'disabled', disabled_reason = 'owner', updated_at = now() WHERE webhook_id = $1 AND status = 'enabled'`,
    [webhookId],
  );
  if (rowCount)
    await client.query(`UPDATE rollcall.webhook_deliveries SET status = 'cancelled', finished_at = now() WHERE webhook_id = $1 AND status IN ('waiting', 'queued')`, [
      webhookId,
    ]);
};

export const deleteWebhook = async (db: Queryable, webhookId: string): Promise<void> => {
  await db.query('DELETE FROM rollcall.webhooks WHERE webhook_id = $1', [webhookId]);
};

const attemptsOf = async (db: Queryable, deliveryIds: readonly string[]): Promise<Map<string, AttemptView[]>> => {
  const { rows } = await db.query(
    `SELECT * FROM rollcall.webhook_attempts WHERE delivery_id = ANY($1::uuid[]) ORDER BY delivery_id, attempt`,
    [deliveryIds],
  );
  const attempts = new Map<string, AttemptView[]>();
  for (const row of rows)
    attempts.set(row.delivery_id, [
      ...(attempts.get(row.delivery_id) ?? []),
      {
        attempt: row.attempt,
        attemptedAt: row.attempted_at.toISOString(),
        statusCode: row.status_code,
        latencyMs: row.latency_ms,
        responseExcerpt: row.response_excerpt,
        error: row.error,
      },
    ]);
  return attempts;
};

const DELIVERY_COLUMNS = 'delivery_id, seq, webhook_id, event_id, event_type, stream_id, status, created_at, finished_at';

const withAttempts = async (db: Queryable, rows: Record<string, any>[]): Promise<DeliveryView[]> => {
  const attempts = await attemptsOf(db, rows.map((row) => row.delivery_id));
  return rows.map((row) => ({
    id: row.delivery_id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    streamId: row.stream_id,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    attempts: attempts.get(row.delivery_id) ?? [],
  }));
};

/** A webhook's deliveries, newest first, each with its attempts (one query for the page's attempts). */
export const deliveriesOf = async (db: Queryable, webhookId: string, args: PageArgs): Promise<Page<DeliveryView>> => {
  const size = pageSize(args.first, 20);
  const after = decodeCursor(args.after);
  const { rows } = await db.query(
    `SELECT ${DELIVERY_COLUMNS} FROM rollcall.webhook_deliveries
      WHERE webhook_id = $1 AND ($2::bigint IS NULL OR seq < $2) ORDER BY seq DESC LIMIT $3`,
    [webhookId, after, size + 1],
  );
  const page = paged(rows, size, (row) => String(row.seq), (row) => row);
  return { nodes: await withAttempts(db, page.nodes), pageInfo: page.pageInfo };
};

export const findDelivery = async (db: Queryable, deliveryId: string): Promise<DeliveryView | undefined> => {
  const { rows } = await db.query(`SELECT ${DELIVERY_COLUMNS} FROM rollcall.webhook_deliveries WHERE delivery_id = $1`, [deliveryId]);
  return (await withAttempts(db, rows))[0];
};
