import type { EventMetadata } from '../eventstore/event-store.js';
import type { Projection } from './projection.js';
import { fieldsOf, storedValues } from './stored-values.js';

/** Every event's stream, type, actor, correlation id and time: who did what, when. */
export const auditProjection: Projection = {
  name: 'audit',
  // 2: the envelope's fields are nullable, so a value PostgreSQL cannot store is null instead of a failed batch.
  version: 2,
  tables: ['audit_log'],
  async setUp(client, s) {
    await client.query(`
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
      CREATE INDEX IF NOT EXISTS audit_by_time ON ${s}.audit_log (occurred_at);`);
  },
  async apply(client, s, events, onUnstorable) {
    if (events.length === 0) return;
    // The store checks the envelope of what it appends; what an older version or another tool wrote may still hold anything.
    const envelopes = events.map((e) => {
      const v = storedValues(e, onUnstorable);
      const { actorId, correlationId, commandId, occurredAt } = fieldsOf<EventMetadata>(e.metadata);
      return {
        actorId: v.indexedText(actorId, 'metadata.actorId'),
        correlationId: v.indexedText(correlationId, 'metadata.correlationId'),
        commandId: v.text(commandId, 'metadata.commandId'),
        occurredAt: v.instant(occurredAt, 'metadata.occurredAt'),
      };
    });
    // One statement per batch: the audit index sees every event, so it is the one that must keep up.
    await client.query(
      `INSERT INTO ${s}.audit_log (commit_position, prepare_position, event_id, stream_id, type, actor_id, correlation_id, command_id, occurred_at, recorded_at)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::timestamptz[])`,
      [
        events.map((e) => e.position.commit.toString()),
        events.map((e) => e.position.prepare.toString()),
        events.map((e) => e.id),
        events.map((e) => e.streamId),
        events.map((e) => e.type),
        envelopes.map((e) => e.actorId),
        envelopes.map((e) => e.correlationId),
        envelopes.map((e) => e.commandId),
        envelopes.map((e) => e.occurredAt),
        events.map((e) => e.recordedAt),
      ],
    );
  },
};
