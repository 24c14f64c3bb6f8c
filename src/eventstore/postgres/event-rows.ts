import type { EventMetadata, JsonObject, RecordedEvent } from '../event-store.js';
import { positionAt } from '../position.js';

/** An event as rollcall.events holds it, selected with EVENT_COLUMNS. */
export interface EventRow {
  position: string;
  stream_id: string;
  revision: string;
  event_id: string;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
  recorded_at: Date;
}

export const EVENT_COLUMNS = 'e.position, e.stream_id, e.revision, e.event_id, e.type, e.data, e.metadata, e.recorded_at';

export const toRecorded = (row: EventRow): RecordedEvent => ({
  id: row.event_id,
  type: row.type,
  data: row.data,
  metadata: row.metadata,
  streamId: row.stream_id,
  revision: BigInt(row.revision),
  position: positionAt(BigInt(row.position)),
  recordedAt: row.recorded_at,
});
