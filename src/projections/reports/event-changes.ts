import type { EventDetails, EventEvent, RegistrationConfirmedVia, Session } from '../../domain/event/event.js';
import type { RecordedEvent } from '../../eventstore/event-store.js';
import type { StoredEvent } from '../attendance/event-types.js';
import { type StoredValues, fieldsOf, occurredAt } from '../stored-values.js';
import type { RegistrationStatus, ReportBatch } from './batch.js';

/** What an event stream's events change in the reports: the event's row, its sessions, its registrations and their approvals. */

/** The event stream's types the reports read; capacity, staff and reissued tickets change no figure. */
export const EVENT_TYPES = [
  'EventCreated',
  'EventDetailsUpdated',
  'SessionsScheduled',
  'EventPublished',
  'EventCancelled',
  'RegistrationSubmitted',
  'RegistrationWaitlisted',
  'RegistrationConfirmed',
  'RegistrationRejected',
  'RegistrationCancelled',
] as const satisfies readonly EventEvent['type'][];

const CONFIRMED_VIA = ['registration', 'approval', 'promotion'] as const satisfies readonly RegistrationConfirmedVia[];

const detailColumns = (value: unknown, v: StoredValues) => {
  const details = fieldsOf<EventDetails>(value);
  return { title: v.text(details.title, 'details.title'), time_zone: v.timeZone(details.timeZone, 'details.timeZone') };
};

const scheduled = (batch: ReportBatch, eventId: string, value: unknown, v: StoredValues): void => {
  if (!Array.isArray(value)) {
    v.skip('sessions', 'is not a list');
    return;
  }
  value.forEach((item: unknown, i) => {
    const session = fieldsOf<Session>(item);
    const sessionId = v.uuid(session.sessionId, `sessions[${i}].sessionId`);
    const key = `${eventId}/${sessionId}`;
    if (sessionId === null || batch.sessions.has(key)) return;
    batch.sessions.set(key, {
      eventId,
      sessionId,
      startsAt: v.instant(session.startsAt, `sessions[${i}].startsAt`),
      endsAt: v.instant(session.endsAt, `sessions[${i}].endsAt`),
    });
  });
};

/** A registration moved to `status`; one the read model never saw is made, counted at `at`, unless only an earlier one could move it there. */
const moved = (batch: ReportBatch, recorded: RecordedEvent, eventId: string, data: { registrationId?: unknown; attendeeId?: unknown }, status: RegistrationStatus, v: StoredValues) => {
  const registrationId = v.uuid(data.registrationId, 'registrationId');
  if (registrationId === null) return undefined;
  const at = occurredAt(recorded);
  const row = batch.registration(eventId, registrationId);
  if (row) {
    batch.changeRegistration(row, { status, ...(status === 'pending' ? { submittedAt: at } : {}), ...(status === 'confirmed' ? { confirmedAt: at } : {}) });
    return row;
  }
  if (status === 'rejected' || status === 'cancelled') {
    v.skip('registrationId', 'names a registration no earlier event of this event made');
    return undefined;
  }
  const made = {
    eventId,
    registrationId,
    attendeeId: v.indexedText(data.attendeeId, 'attendeeId'),
    status,
    submittedAt: status === 'pending' ? at : null,
    confirmedAt: status === 'confirmed' ? at : null,
    presentSessions: 0,
    doorEvents: 0,
  };
  batch.addRegistration(made, at);
  return made;
};

export const gatherEvent = (batch: ReportBatch, recorded: RecordedEvent, streamEventId: string, v: StoredValues): void => {
  const eventId = v.uuid(streamEventId, 'streamId');
  if (eventId === null) return;
  const event = { type: recorded.type, data: fieldsOf(recorded.data) } as StoredEvent;
  switch (event.type) {
    case 'EventCreated':
      if (batch.hasEvent(eventId)) {
        v.skip('streamId', 'names an event created before; the first creation stands');
        return;
      }
      batch.newEvents.set(eventId, {
        event_id: eventId,
        organizer_id: v.indexedText(event.data.organizerId, 'organizerId'),
        ...detailColumns(event.data.details, v),
        status: 'draft',
      });
      return;
    case 'EventDetailsUpdated':
      return batch.patchEvent(eventId, detailColumns(event.data.details, v));
    case 'EventPublished':
    case 'EventCancelled':
      return batch.patchEvent(eventId, { status: event.type === 'EventPublished' ? 'published' : 'cancelled' });
    case 'SessionsScheduled':
      return scheduled(batch, eventId, event.data.sessions, v);
    case 'RegistrationSubmitted':
      return void moved(batch, recorded, eventId, event.data, 'pending', v);
    case 'RegistrationWaitlisted':
      return void moved(batch, recorded, eventId, event.data, 'waitlisted', v);
    case 'RegistrationRejected':
      return void moved(batch, recorded, eventId, event.data, 'rejected', v);
    case 'RegistrationCancelled':
      return void moved(batch, recorded, eventId, event.data, 'cancelled', v);
    case 'RegistrationConfirmed': {
      const row = moved(batch, recorded, eventId, event.data, 'confirmed', v);
      const via = row ? v.oneOf(event.data.via, 'via', CONFIRMED_VIA) : null;
      // The turnaround is the organizer's: from the request (when it went pending) to their yes.
      if (row?.submittedAt && via === 'approval')
        batch.approvals.set(`${eventId}/${row.registrationId}`, { eventId, registrationId: row.registrationId, seconds: (occurredAt(recorded).getTime() - row.submittedAt.getTime()) / 1000 });
      return;
    }
    default:
      // Types left out of EVENT_TYPES: the runner does not hand them over.
      return;
  }
};
