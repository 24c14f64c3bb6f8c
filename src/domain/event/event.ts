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
      registrations: Record<string, Registration>;
      /** Waitlisted registration ids, first come first served. */
      waitlist: string[];
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
      data: { registrationId: string; attendeeId: string; via: 'registration' | 'approval' | 'promotion' };
    }
  | { type: 'RegistrationWaitlisted'; data: { registrationId: string; attendeeId: string } }
  | { type: 'RegistrationRejected'; data: { registrationId: string; reason: string } }
  | { type: 'RegistrationCancelled'; data: { registrationId: string; cancelledBy: string } }
  | { type: 'TicketReissued'; data: { registrationId: string; version: number } };

export const initialState = (): EventState => ({ status: 'none' });

const updateRegistration = (state: ExistingEvent, registrationId: string, change: Partial<Registration>): ExistingEvent => {
  const current = state.registrations[registrationId]!;
  return { ...state, registrations: { ...state.registrations, [registrationId]: { ...current, ...change } } };
};

const leaveWaitlist = (state: ExistingEvent, registrationId: string): string[] =>
  state.waitlist.filter((id) => id !== registrationId);

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
      registrations: {},
      waitlist: [],
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
      const status = event.type === 'RegistrationSubmitted' ? 'pending' : 'waitlisted';
      const previous = state.registrations[registrationId];
      return {
        ...state,
        registrations: {
          ...state.registrations,
          [registrationId]: { registrationId, attendeeId, status, ticketVersion: previous?.ticketVersion ?? 0 },
        },
        waitlist: status === 'waitlisted' ? [...state.waitlist, registrationId] : state.waitlist,
      };
    }
    case 'RegistrationConfirmed': {
      const { registrationId, attendeeId } = event.data;
      const previous = state.registrations[registrationId];
      return {
        ...state,
        registrations: {
          ...state.registrations,
          [registrationId]: { registrationId, attendeeId, status: 'confirmed', ticketVersion: (previous?.ticketVersion ?? 0) + 1 },
        },
        waitlist: leaveWaitlist(state, registrationId),
        confirmed: state.confirmed + 1,
      };
    }
    case 'RegistrationRejected':
      return {
        ...updateRegistration(state, event.data.registrationId, { status: 'rejected' }),
        waitlist: leaveWaitlist(state, event.data.registrationId),
      };
    case 'RegistrationCancelled': {
      const wasConfirmed = state.registrations[event.data.registrationId]?.status === 'confirmed';
      return {
        ...updateRegistration(state, event.data.registrationId, { status: 'cancelled' }),
        waitlist: leaveWaitlist(state, event.data.registrationId),
        confirmed: wasConfirmed ? state.confirmed - 1 : state.confirmed,
      };
    }
    case 'TicketReissued':
      return updateRegistration(state, event.data.registrationId, { ticketVersion: event.data.version });
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

export const LIVE_STATUSES: readonly RegistrationStatus[] = ['pending', 'confirmed', 'waitlisted'];

export const liveRegistrationOf = (state: ExistingEvent, attendeeId: string): Registration | undefined =>
  Object.values(state.registrations).find((r) => r.attendeeId === attendeeId && LIVE_STATUSES.includes(r.status));
