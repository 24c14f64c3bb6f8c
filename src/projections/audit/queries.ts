import type pg from 'pg';
import { DomainError } from '../../domain/domain-error.js';
import { type Page, type PageArgs, decodeCursor, pageSize, paged } from '../pages.js';
import type { AuditRow } from './changes.js';
import { LIVE } from './tables.js';

export interface AuditFilter extends PageArgs {
  actorId?: string | null;
  correlationId?: string | null;
  streamId?: string | null;
  /** The event's type, as the log holds it. */
  type?: string | null;
  /** ISO-8601 times: from inclusive, to exclusive. */
  from?: string | null;
  to?: string | null;
}

/** A row as the audit log shows it: its whole position in one field. */
export type AuditEntry = Omit<AuditRow, 'commitPosition' | 'preparePosition' | 'recordedAt'> & { position: string };

/** A page without `first`; the schema declares it as the default, which the query cost rule prices. */
export const AUDIT_PAGE = 50;

/** Who did what, when: the log's events by actor, correlation id, stream, type or time, in log order. */
export const auditLog = async (db: pg.Pool | pg.PoolClient, filter: AuditFilter): Promise<Page<AuditEntry>> => {
  const size = pageSize(filter.first, AUDIT_PAGE);
  for (const [name, value] of [['from', filter.from], ['to', filter.to]] as const)
    if (value != null && Number.isNaN(Date.parse(value))) throw new DomainError('VALIDATION', `${name} must be an ISO-8601 time`);
  const after = decodeCursor(filter.after)?.split('/');
  const { rows } = await db.query(
    `SELECT * FROM ${LIVE}.audit_log
      WHERE ($1::text IS NULL OR actor_id = $1) AND ($2::text IS NULL OR correlation_id = $2)
        AND ($3::timestamptz IS NULL OR occurred_at >= $3) AND ($4::timestamptz IS NULL OR occurred_at < $4)
        AND ($5::bigint IS NULL OR (commit_position, prepare_position) > ($5, $6))
        AND ($8::text IS NULL OR (md5(stream_id) = md5($8) AND stream_id = $8))
        AND ($9::text IS NULL OR (md5(type) = md5($9) AND type = $9))
      ORDER BY commit_position, prepare_position LIMIT $7`,
    [
      filter.actorId ?? null,
      filter.correlationId ?? null,
      filter.from ?? null,
      filter.to ?? null,
      after?.[0] ?? null,
      after?.[1] ?? after?.[0] ?? null,
      size + 1,
      filter.streamId ?? null,
      filter.type ?? null,
    ],
  );
  return paged(rows, size, (row) => `${row.commit_position}/${row.prepare_position}`, (row) => ({
    position: row.commit_position === row.prepare_position ? String(row.commit_position) : `${row.commit_position}/${row.prepare_position}`,
    eventId: row.event_id,
    streamId: row.stream_id,
    type: row.type,
    actorId: row.actor_id,
    correlationId: row.correlation_id,
    commandId: row.command_id,
    occurredAt: row.occurred_at?.toISOString() ?? null,
  }));
};
