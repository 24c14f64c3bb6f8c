import { decode } from '../../domain/decode.js';
import { parseStream } from '../../domain/streams.js';
import type { RecordedEvent } from '../../eventstore/event-store.js';
import { type OnUnstorable, asUuid, fieldsOf, storedValues } from '../stored-values.js';
import { type Known, ReportBatch } from './batch.js';
import { DOOR_TYPES, gatherDoor } from './door-changes.js';
import { EVENT_TYPES, gatherEvent } from './event-changes.js';

/**
 * The reports read model's pure step: from a batch of events, and what the tables hold of the
 * rows it touches, to the rows and counter changes to write. The writer reads the rows
 * {@link touchedBy} names first and writes what {@link reportChanges} returns.
 */

export const REPORT_EVENT_TYPES: readonly string[] = [...EVENT_TYPES, ...DOOR_TYPES];

const REGISTRATION_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES.filter((type) => type.startsWith('Registration')));
const DOOR: ReadonlySet<string> = new Set(DOOR_TYPES);

/** The registrations a batch moves or whose ticket a door saw, and the events it creates, by key. Keys that are no UUIDs are left out. */
export const touchedBy = (events: readonly RecordedEvent[]): { registrations: [string, string][]; createdEvents: string[] } => {
  const registrations: [string, string][] = [];
  const createdEvents: string[] = [];
  for (const recorded of events) {
    const stream = parseStream(recorded.streamId);
    const data = fieldsOf<{ eventId: string; registrationId: string }>(decode(recorded).data);
    const eventId = stream.kind === 'event' ? asUuid(stream.eventId) : stream.kind === 'checkin' && DOOR.has(recorded.type) ? asUuid(data.eventId) : null;
    if (eventId === null) continue;
    if (stream.kind === 'event' && recorded.type === 'EventCreated') createdEvents.push(eventId);
    if (!REGISTRATION_TYPES.has(recorded.type) && !DOOR.has(recorded.type)) continue;
    const registrationId = asUuid(data.registrationId);
    if (registrationId !== null) registrations.push([eventId, registrationId]);
  }
  return { registrations, createdEvents };
};

export const reportChanges = (events: readonly RecordedEvent[], known: Known, onUnstorable: OnUnstorable): ReportBatch => {
  const batch = new ReportBatch(known);
  for (const recorded of events) {
    const stream = parseStream(recorded.streamId);
    if (stream.kind === 'event') gatherEvent(batch, decode(recorded), stream.eventId, storedValues(recorded, onUnstorable));
    else if (stream.kind === 'checkin') gatherDoor(batch, decode(recorded), storedValues(recorded, onUnstorable));
  }
  return batch;
};
