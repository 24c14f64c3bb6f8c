import type pg from 'pg';
import type { AuditRow } from './changes.js';

/** One statement per batch: the audit log sees every event, so it is the read model that must keep up. */
export const writeRows = async (client: pg.PoolClient, s: string, rows: readonly AuditRow[]): Promise<void> => {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO ${s}.audit_log (commit_position, prepare_position, event_id, stream_id, type, actor_id, correlation_id, command_id, occurred_at, recorded_at)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::timestamptz[])`,
    [
      rows.map((r) => r.commitPosition),
      rows.map((r) => r.preparePosition),
      rows.map((r) => r.eventId),
      rows.map((r) => r.streamId),
      rows.map((r) => r.type),
      rows.map((r) => r.actorId),
      rows.map((r) => r.correlationId),
      rows.map((r) => r.commandId),
      rows.map((r) => r.occurredAt),
      rows.map((r) => r.recordedAt),
    ],
  );
};
