import { liveSchema } from '../runner.js';

/** Every event's stream, type, actor, correlation id and time: who did what, when. */

export const AUDIT = 'audit';

export const LIVE = liveSchema(AUDIT);

export const TABLES = ['audit_log'] as const;

/**
 * 2: the envelope's fields are nullable, so a value PostgreSQL cannot store is null instead of a failed batch.
 * 3: indexes by stream and by type, for auditLog's filters.
 */
export const VERSION = 3;

export const createTables = (s: string): string => `
  CREATE TABLE IF NOT EXISTS ${s}.audit_log (
    commit_position bigint NOT NULL,
    prepare_position bigint NOT NULL,
    event_id uuid NOT NULL,
    stream_id text NOT NULL,
    type text NOT NULL,
    actor_id text,
    correlation_id text,
    command_id text,
    occurred_at timestamptz,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (commit_position, prepare_position)
  );
  CREATE INDEX IF NOT EXISTS audit_by_actor ON ${s}.audit_log (actor_id, commit_position);
  CREATE INDEX IF NOT EXISTS audit_by_correlation ON ${s}.audit_log (correlation_id, commit_position);
  CREATE INDEX IF NOT EXISTS audit_by_time ON ${s}.audit_log (occurred_at);
  -- By a digest of the name, not the name: a stream or type another tool wrote may be too long
  -- for an index entry, and a row the index refuses would stop the projection.
  CREATE INDEX IF NOT EXISTS audit_by_stream ON ${s}.audit_log (md5(stream_id), commit_position, prepare_position);
  CREATE INDEX IF NOT EXISTS audit_by_type ON ${s}.audit_log (md5(type), commit_position, prepare_position);`;
