import type { EventEvent } from '../../domain/event/event.js';
import { decode } from '../../domain/decode.js';
import { parseStream } from '../../domain/streams.js';
import type { RecordedEvent } from '../../eventstore/event-store.js';
import { type OnUnstorable, asUuid, fieldsOf, storedValues } from '../stored-values.js';
import { AttendanceChanges, type Known } from './batch-changes.js';
import { gatherCheckIn } from './door-changes.js';
import { gatherEvent } from './event-changes.js';
import { gatherScannerDevice } from './scanner-device-changes.js';
import { ERASURE_TYPE } from './event-types.js';

/**
 * The attendance read model's pure step: from a batch of events, and what the tables hold of
 * the rows it touches, to the rows to write. No I/O, so it is tested without PostgreSQL; the
 * writer (writer.ts) reads the rows {@link touchedBy} names first and writes what this returns.
 */

/** The events that move a registration, and so need its row. */
const REGISTRATION_EVENTS: ReadonlySet<string> = new Set([
  'RegistrationSubmitted',
  'RegistrationWaitlisted',
  'RegistrationConfirmed',
  'RegistrationRejected',
  'RegistrationCancelled',
  'TicketReissued',
  'RegistrationNoteAdded',
] satisfies EventEvent['type'][]);

/** The rows a batch touches, by key: the registrations it moves and the events it creates. Keys that are no UUIDs are left out: the batch skips their events, reporting them. */
export const touchedBy = (events: readonly RecordedEvent[]): { registrations: [string, string][]; createdEvents: string[] } => {
  const registrations: [string, string][] = [];
  const createdEvents: string[] = [];
  for (const recorded of events) {
    const stream = parseStream(recorded.streamId);
    const eventId = stream.kind === 'event' ? asUuid(stream.eventId) : null;
    if (eventId === null) continue;
    if (recorded.type === 'EventCreated') createdEvents.push(eventId);
    if (!REGISTRATION_EVENTS.has(recorded.type)) continue;
    const registrationId = asUuid(fieldsOf<{ registrationId: string }>(decode(recorded).data).registrationId);
    if (registrationId !== null) registrations.push([eventId, registrationId]);
  }
  return { registrations, createdEvents };
};

/** The changes a batch makes to the rows in `known`; events of other streams change nothing. */
export const attendanceChanges = (events: readonly RecordedEvent[], known: Known, onUnstorable: OnUnstorable): AttendanceChanges => {
  const changes = new AttendanceChanges(known);
  for (const recorded of events) {
    const stream = parseStream(recorded.streamId);
    if (stream.kind === 'event') gatherEvent(changes, decode(recorded), stream.eventId, storedValues(recorded, onUnstorable));
    else if (stream.kind === 'checkin') gatherCheckIn(changes, decode(recorded), storedValues(recorded, onUnstorable));
    else if (stream.kind === 'scanner') gatherScannerDevice(changes, decode(recorded), storedValues(recorded, onUnstorable));
    else if (stream.kind === 'account' && recorded.type === ERASURE_TYPE) changes.erasedAttendees.push(stream.accountId);
  }
  return changes;
};
