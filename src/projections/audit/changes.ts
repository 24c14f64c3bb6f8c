import type { EventMetadata, RecordedEvent } from '../../eventstore/event-store.js';
import { type OnUnstorable, fieldsOf, storedValues } from '../stored-values.js';

/** The audit log's pure step: one row per event, whatever its type. */

export interface AuditRow {
  commitPosition: string;
  preparePosition: string;
  eventId: string;
  streamId: string;
  type: string;
  actorId: string | null;
  correlationId: string | null;
  commandId: string | null;
  occurredAt: string | null;
  recordedAt: Date;
}

export const auditRows = (events: readonly RecordedEvent[], onUnstorable: OnUnstorable): AuditRow[] =>
  events.map((e) => {
    // The store checks the envelope of what it appends; what an older version or another tool wrote may still hold anything.
    const v = storedValues(e, onUnstorable);
    const { actorId, correlationId, commandId, occurredAt } = fieldsOf<EventMetadata>(e.metadata);
    return {
      commitPosition: e.position.commit.toString(),
      preparePosition: e.position.prepare.toString(),
      eventId: e.id,
      streamId: e.streamId,
      type: e.type,
      actorId: v.indexedText(actorId, 'metadata.actorId'),
      correlationId: v.indexedText(correlationId, 'metadata.correlationId'),
      commandId: v.text(commandId, 'metadata.commandId'),
      occurredAt: v.instant(occurredAt, 'metadata.occurredAt'),
      recordedAt: e.recordedAt,
    };
  });
