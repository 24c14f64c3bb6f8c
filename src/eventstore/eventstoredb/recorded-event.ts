import type { AllStreamResolvedEvent, ResolvedEvent } from '@eventstore/db-client';
import type { EventMetadata, JsonObject, RecordedEvent } from '../event-store.js';

const isSystem = (streamId: string, type: string): boolean => streamId.startsWith('$') || type.startsWith('$');

/** The port's event for one the client read; undefined for the server's own records (`$` streams and types) and non-JSON events, which the port never shows. */
export const toRecorded = (resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined => {
  const event = resolved.event;
  if (!event || !event.isJson || isSystem(event.streamId, event.type)) return undefined;
  return {
    id: event.id,
    type: event.type,
    data: event.data as JsonObject,
    metadata: event.metadata as EventMetadata,
    streamId: event.streamId,
    revision: event.revision,
    // Always set by servers of 22.6 and later, which the adapter requires.
    position: { commit: event.position!.commit, prepare: event.position!.prepare },
    recordedAt: event.created,
  };
};
