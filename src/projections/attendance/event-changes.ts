import type { EventDetails, FaceVerification, RegistrationConfirmedVia, Session } from '../../domain/event/event.js';
import type { RecordedEvent } from '../../eventstore/event-store.js';
import { type StoredValues, fieldsOf, occurredAt } from '../stored-values.js';
import type { AttendanceChanges, SessionRow } from './batch-changes.js';
import type { StoredEvent } from './event-types.js';
import { keyOf } from './keys.js';

/** What an event stream's events change: the event's row, its sessions, staff and registrations. */

const FACE_MODES = ['off', 'optional', 'required'] as const satisfies readonly FaceVerification[];

const CONFIRMED_VIA = ['registration', 'approval', 'promotion'] as const satisfies readonly RegistrationConfirmedVia[];

const detailsColumns = (value: unknown, v: StoredValues) => {
  const details = fieldsOf<EventDetails>(value);
  return {
    title: v.text(details.title, 'details.title'),
    description: v.text(details.description, 'details.description'),
    venue: v.text(details.venue, 'details.venue'),
    time_zone: v.timeZone(details.timeZone, 'details.timeZone'),
    requires_approval: v.boolean(details.requiresApproval, 'details.requiresApproval'),
    face_verification: v.oneOf(details.faceVerification, 'details.faceVerification', FACE_MODES),
    registration_opens_at: v.instant(details.registrationOpensAt, 'details.registrationOpensAt'),
    registration_closes_at: v.instant(details.registrationClosesAt, 'details.registrationClosesAt'),
  };
};

const sessionRows = (eventId: string, value: unknown, v: StoredValues): SessionRow[] => {
  if (!Array.isArray(value)) {
    v.skip('sessions', 'is not a list');
    return [];
  }
  return value.flatMap((item: unknown, i): SessionRow[] => {
    const session = fieldsOf<Session>(item);
    const sessionId = v.uuid(session.sessionId, `sessions[${i}].sessionId`);
    if (sessionId === null) return [];
    return [
      {
        eventId,
        sessionId,
        startsAt: v.instant(session.startsAt, `sessions[${i}].startsAt`),
        endsAt: v.instant(session.endsAt, `sessions[${i}].endsAt`),
        checkInOpensAt: v.instant(session.checkInOpensAt, `sessions[${i}].checkInOpensAt`),
        checkInClosesAt: v.instant(session.checkInClosesAt, `sessions[${i}].checkInClosesAt`),
      },
    ];
  });
};

export const gatherEvent = (changes: AttendanceChanges, recorded: RecordedEvent, streamEventId: string, v: StoredValues): void => {
  // Every row of an event stream is keyed by the event: a stream whose id is no UUID has no row to change.
  const eventId = v.uuid(streamEventId, 'streamId');
  if (eventId === null) return;
  const event = { type: recorded.type, data: fieldsOf(recorded.data) } as StoredEvent;
  const at = occurredAt(recorded);
  /** The registration an event names, when it names one the tables can key. */
  const named = (registrationId: unknown) => v.uuid(registrationId, 'registrationId');
  /** The registration's row when this read model has it; a change to one it never saw changes nothing. */
  const existing = (registrationId: unknown) => {
    const id = named(registrationId);
    const row = id === null ? undefined : changes.registrations.get(keyOf(eventId, id));
    if (id !== null && !row) v.skip('registrationId', 'names a registration no earlier event of this event made');
    return row;
  };
  switch (event.type) {
    case 'EventCreated': {
      if (changes.hasEvent(eventId)) {
        v.skip('streamId', 'names an event created before; the first creation stands');
        return;
      }
      changes.newEvents.set(eventId, {
        event_id: eventId,
        organizer_id: v.text(event.data.organizerId, 'organizerId'),
        ...detailsColumns(event.data.details, v),
        status: 'draft',
        capacity: v.integer(event.data.capacity, 'capacity'),
        created_position: recorded.position.commit.toString(),
        updated_at: at,
      });
      return;
    }
    case 'EventDetailsUpdated':
      return changes.patchEvent(eventId, { ...detailsColumns(event.data.details, v), updated_at: at });
    case 'EventPublished':
    case 'EventCancelled':
      return changes.patchEvent(eventId, { status: event.type === 'EventPublished' ? 'published' : 'cancelled', updated_at: at });
    case 'CapacityChanged':
      return changes.patchEvent(eventId, { capacity: v.integer(event.data.capacity, 'capacity'), updated_at: at });
    case 'SessionsScheduled':
      for (const row of sessionRows(eventId, event.data.sessions, v)) {
        const key = keyOf(eventId, row.sessionId);
        if (!changes.sessions.has(key)) changes.sessions.set(key, row);
      }
      return;
    case 'StaffAssigned': {
      const staffId = v.indexedText(event.data.staffId, 'staffId');
      if (staffId !== null) changes.staff.push([eventId, staffId]);
      return;
    }
    case 'RegistrationSubmitted':
    case 'RegistrationWaitlisted': {
      const id = named(event.data.registrationId);
      const status = event.type === 'RegistrationSubmitted' ? 'pending' : 'waitlisted';
      if (id !== null) changes.moveRegistration(recorded, eventId, id, status, v.indexedText(event.data.attendeeId, 'attendeeId'));
      return;
    }
    case 'RegistrationConfirmed': {
      const id = named(event.data.registrationId);
      if (id === null) return;
      const attendeeId = v.indexedText(event.data.attendeeId, 'attendeeId');
      const previous = changes.registrations.get(keyOf(eventId, id))?.ticketVersion ?? 0;
      const version = v.integer(previous + 1, 'ticket version') ?? previous;
      const via = v.oneOf(event.data.via, 'via', CONFIRMED_VIA);
      return changes.moveRegistration(recorded, eventId, id, 'confirmed', attendeeId, { version, via });
    }
    case 'RegistrationRejected':
    case 'RegistrationCancelled': {
      const row = existing(event.data.registrationId);
      if (row) changes.moveRegistration(recorded, eventId, row.registrationId, event.type === 'RegistrationRejected' ? 'rejected' : 'cancelled', row.attendeeId);
      return;
    }
    case 'TicketReissued': {
      const row = existing(event.data.registrationId);
      const version = row ? v.integer(event.data.version, 'version') : null;
      if (row && version !== null) Object.assign(row, { ticketVersion: version, updatedAt: at, updatedPosition: recorded.position.commit.toString(), dirty: true });
      return;
    }
    case 'RegistrationNoteAdded': {
      const row = existing(event.data.registrationId);
      if (row) Object.assign(row, { note: v.text(event.data.note, 'note'), updatedAt: at, dirty: true });
      return;
    }
    case 'CheckedIn':
    case 'CheckInAwaitingFace':
    case 'FaceMatched':
    case 'FaceMismatched':
    case 'FaceUnverifiable':
    case 'ScanRefused':
    case 'CheckInSuperseded':
    case 'CheckInUndone':
    case 'UnreadableTicketScanned':
    case 'ScannerDeviceRegistered':
    case 'ScannerDeviceRevoked':
      // Door events live in check-in streams, devices in their own; one in an event stream is not the event's.
      return;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

