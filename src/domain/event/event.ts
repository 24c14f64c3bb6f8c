import { type PersistentMap, emptyMap, get, remove, set } from '../persistent-map.js';
import { type Waitlist, emptyWaitlist, leftWaitlist, waitlisted } from './waitlist.js';

/**
 * An event people attend: its details, sessions, staff, and the seat ledger of its
 * registrations. Registrations live in the event's own stream because capacity is the
 * invariant that ties them together: every seat decision is an append at the stream's
 * expected revision, so concurrent registrations can never oversell.
 */

export type FaceVerification = 'off' | 'optional' | 'required';

export type EventDetails = {
  title: string;
  description: string;
  venue: string;
  /** IANA time zone the event's local times are meant in, e.g. Europe/Warsaw. */
  timeZone: string;
  registrationOpensAt: string;
  registrationClosesAt: string;
  requiresApproval: boolean;
  faceVerification: FaceVerification;
};

export type Session = {
  sessionId: string;
  startsAt: string;
  endsAt: string;
  checkInOpensAt: string;
  checkInClosesAt: string;
};

export type RegistrationStatus = 'pending' | 'confirmed' | 'waitlisted' | 'rejected' | 'cancelled';

export interface Registration {
  registrationId: string;
  attendeeId: string;
  status: RegistrationStatus;
  /** Current ticket version; a code with an older version is revoked. 0 until a seat is confirmed. */
  ticketVersion: number;
}

export type EventState =
  | { status: 'none' }
  | {
      status: 'draft' | 'published' | 'cancelled';
      eventId: string;
      organizerId: string;
      details: EventDetails;
      capacity: number;
      sessions: Session[];
      staff: string[];
      registrations: PersistentMap<Registration>;
      /** Attendee id → their pending, confirmed or waitlisted registration. */
      liveByAttendee: PersistentMap<string>;
      /** Waitlisted registration ids, first come first served. */
      waitlist: Waitlist;
      confirmed: number;
    };

export type ExistingEvent = Exclude<EventState, { status: 'none' }>;

export type EventEvent =
  | { type: 'EventCreated'; data: { eventId: string; organizerId: string; details: EventDetails; capacity: number } }
  | { type: 'EventDetailsUpdated'; data: { details: EventDetails } }
  | { type: 'SessionsScheduled'; data: { sessions: Session[] } }
  | { type: 'EventPublished'; data: { eventId: string } }
  | { type: 'CapacityChanged'; data: { capacity: number } }
  | { type: 'StaffAssigned'; data: { staffId: string } }
  | { type: 'EventCancelled'; data: { reason: string } }
  | { type: 'RegistrationSubmitted'; data: { registrationId: string; attendeeId: string } }
  | {
      type: 'RegistrationConfirmed';
      data: { registrationId: string; attendeeId: string; via: RegistrationConfirmedVia };
    }
  | { type: 'RegistrationWaitlisted'; data: { registrationId: string; attendeeId: string } }
  | { type: 'RegistrationRejected'; data: { registrationId: string; reason: string } }
  | { type: 'RegistrationCancelled'; data: { registrationId: string; cancelledBy: string } }
  | { type: 'TicketReissued'; data: { registrationId: string; version: number } }
  /** The organizer's note on someone they registered; `attendeeId` names whose key seals it (PERSONAL_FIELDS). */
  | { type: 'RegistrationNoteAdded'; data: { registrationId: string; attendeeId: string; note: string } };

/** How a seat was confirmed: at once, by an organizer's approval, or promoted from the waiting list. */
export type RegistrationConfirmedVia = 'registration' | 'approval' | 'promotion';

export const initialState = (): EventState => ({ status: 'none' });

export const registrationOf = (event: ExistingEvent, registrationId: string): Registration | undefined =>
  get(event.registrations, registrationId);

export const LIVE_STATUSES: readonly RegistrationStatus[] = ['pending', 'confirmed', 'waitlisted'];

export const liveRegistrationOf = (event: ExistingEvent, attendeeId: string): Registration | undefined => {
  const registrationId = get(event.liveByAttendee, attendeeId);
  return registrationId === undefined ? undefined : registrationOf(event, registrationId);
};

/** The registration as `change` leaves it, with the attendee index and the waiting list kept in step. */
const withRegistration = (state: ExistingEvent, registration: Registration): ExistingEvent => {
  const previous = registrationOf(state, registration.registrationId);
  const live = LIVE_STATUSES.includes(registration.status);
  return {
    ...state,
    registrations: set(state.registrations, registration.registrationId, registration),
    liveByAttendee: live
      ? set(state.liveByAttendee, registration.attendeeId, registration.registrationId)
      : remove(state.liveByAttendee, registration.attendeeId),
    waitlist:
      registration.status === 'waitlisted' && previous?.status !== 'waitlisted'
        ? waitlisted(state.waitlist, registration.registrationId)
        : previous?.status === 'waitlisted' && registration.status !== 'waitlisted'
          ? leftWaitlist(state.waitlist, registration.registrationId)
          : state.waitlist,
  };
};

export const evolve = (state: EventState, event: EventEvent): EventState => {
  if (event.type === 'EventCreated') {
    const { eventId, organizerId, details, capacity } = event.data;
    return {
      status: 'draft',
      eventId,
      organizerId,
      details,
      capacity,
      sessions: [],
      staff: [],
      registrations: emptyMap(),
      liveByAttendee: emptyMap(),
      waitlist: emptyWaitlist,
      confirmed: 0,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'EventDetailsUpdated':
      return { ...state, details: event.data.details };
    case 'SessionsScheduled':
      return { ...state, sessions: [...state.sessions, ...event.data.sessions] };
    case 'EventPublished':
      return { ...state, status: 'published' };
    case 'CapacityChanged':
      return { ...state, capacity: event.data.capacity };
    case 'StaffAssigned':
      return { ...state, staff: [...state.staff, event.data.staffId] };
    case 'EventCancelled':
      return { ...state, status: 'cancelled' };
    case 'RegistrationSubmitted':
    case 'RegistrationWaitlisted': {
      const { registrationId, attendeeId } = event.data;
      const ticketVersion = registrationOf(state, registrationId)?.ticketVersion ?? 0;
      const status = event.type === 'RegistrationSubmitted' ? 'pending' : 'waitlisted';
      return withRegistration(state, { registrationId, attendeeId, status, ticketVersion });
    }
    case 'RegistrationConfirmed': {
      const { registrationId, attendeeId } = event.data;
      const ticketVersion = (registrationOf(state, registrationId)?.ticketVersion ?? 0) + 1;
      const confirmed = withRegistration(state, { registrationId, attendeeId, status: 'confirmed', ticketVersion });
      return { ...confirmed, confirmed: state.confirmed + 1 };
    }
    case 'RegistrationRejected':
    case 'RegistrationCancelled': {
      const registration = registrationOf(state, event.data.registrationId)!;
      const status = event.type === 'RegistrationRejected' ? 'rejected' : 'cancelled';
      const next = withRegistration(state, { ...registration, status });
      return registration.status === 'confirmed' ? { ...next, confirmed: state.confirmed - 1 } : next;
    }
    case 'TicketReissued': {
      const registration = registrationOf(state, event.data.registrationId)!;
      return withRegistration(state, { ...registration, ticketVersion: event.data.version });
    }
    case 'RegistrationNoteAdded':
      // No decision reads a note: it is kept for the organizer's read models only.
      return state;
    default: {
      // A type this code does not know (written by a newer version) changes nothing here.
      const _unknown: never = event;
      return state;
    }
  }
};
