// Over 300 lines on purpose: the event decider's thirteen commands, a small decision each, and the decide that switches over them all, in one file as Emmett's businessLogic.ts keeps them.
import { type Actor, hasRole } from '../actor.js';
import type { Decider } from '../decider.js';
import { DomainError } from '../domain-error.js';
import {
  type EventDetails,
  type EventEvent,
  type EventState,
  type ExistingEvent,
  type FaceVerification,
  type Registration,
  evolve,
  initialState,
  liveRegistrationOf,
  registrationOf,
} from './event.js';
import { type SessionPlan, expandSessions, knownTimeZone } from './sessions.js';
import { firstWaitlisted, leftWaitlist } from './waitlist.js';
import { instant, text } from '../values.js';
import { isUuid } from '../../uuid.js';

/** Every command carries who sends it and when; ids it needs come with it too. */
interface Sent {
  actor: Actor;
  now: string;
}

export type EventCommand =
  | { type: 'CreateEvent'; data: Sent & { eventId: string; details: EventDetails; capacity: number } }
  | { type: 'ScheduleSessions'; data: Sent & { plan: SessionPlan; sessionIds: string[] } }
  | { type: 'PublishEvent'; data: Sent }
  | { type: 'UpdateEvent'; data: Sent & { changes: Partial<EventDetails> } }
  | { type: 'ChangeCapacity'; data: Sent & { capacity: number } }
  /** `staff` is the named account as its own stream says now (undefined when there is none). */
  | { type: 'AssignStaff'; data: Sent & { staffId: string; staff: StaffCandidate | undefined } }
  | { type: 'CancelEvent'; data: Sent & { reason: string } }
  | { type: 'Register'; data: Sent & { registrationId: string } }
  /** The organizer registers someone (an import of attendees): `attendeeId` is their account; `status` as the event would have it when absent; `note` kept with the registration. */
  | { type: 'RegisterAttendee'; data: Sent & { registrationId: string; attendeeId: string; status?: OrganizerStatus; note?: string } }
  | { type: 'ApproveRegistration'; data: Sent & { registrationId: string } }
  | { type: 'RejectRegistration'; data: Sent & { registrationId: string; reason: string } }
  | { type: 'CancelRegistration'; data: Sent & { registrationId: string } }
  | { type: 'ReissueTicket'; data: Sent & { registrationId: string } };

/** What the event needs to know of an account before it lets it work the doors. */
export interface StaffCandidate {
  status: 'unverified' | 'active' | 'disabled';
}

export const MAX_CAPACITY = 100_000;
export const MAX_SESSIONS = 1_000;
/** A reason an organizer or staff member gives; it may run over several lines. */
export const REASON = { min: 1, max: 500, multiline: true };
/** An organizer's note on someone they register ("speaker", "needs wheelchair access"); a spreadsheet cell may hold several lines, and the export quotes them. */
export const NOTE = { min: 1, max: 500, multiline: true };
const FACE_MODES: readonly FaceVerification[] = ['off', 'optional', 'required'];

/** How an organizer registers someone: with a seat (or the waiting list, when the event is full), or pending their own approval. */
export const ORGANIZER_STATUSES = ['confirmed', 'pending'] as const;
export type OrganizerStatus = (typeof ORGANIZER_STATUSES)[number];

export const organizerStatus = (value: unknown): OrganizerStatus => {
  if (!ORGANIZER_STATUSES.includes(value as OrganizerStatus)) throw new DomainError('VALIDATION', `status must be ${ORGANIZER_STATUSES.join(' or ')}`);
  return value as OrganizerStatus;
};

const validCapacity = (capacity: number): void => {
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY)
    throw new DomainError('VALIDATION', `Capacity must be a whole number from 1 to ${MAX_CAPACITY}`);
};

/**
 * The details as they may be stored: every text checked, both times in canonical UTC form, and
 * nothing but the known fields (a client's extra keys never reach the log).
 */
export const validDetails = (details: EventDetails): EventDetails => {
  const title = text(details.title, 'title', { min: 1, max: 200 });
  const description = text(details.description, 'description', { min: 0, max: 5_000, multiline: true });
  const venue = text(details.venue, 'venue', { min: 1, max: 300 });
  const timeZone = knownTimeZone(details.timeZone);
  if (!timeZone) throw new DomainError('VALIDATION', 'timeZone must be an IANA time zone such as Europe/Warsaw');
  const registrationOpensAt = instant(details.registrationOpensAt, 'registrationOpensAt');
  const registrationClosesAt = instant(details.registrationClosesAt, 'registrationClosesAt');
  if (registrationClosesAt <= registrationOpensAt) throw new DomainError('VALIDATION', 'Registration must close after it opens');
  if (typeof details.requiresApproval !== 'boolean') throw new DomainError('VALIDATION', 'requiresApproval must be true or false');
  if (!FACE_MODES.includes(details.faceVerification))
    throw new DomainError('VALIDATION', `faceVerification must be one of ${FACE_MODES.join(', ')}`);
  const { requiresApproval, faceVerification } = details;
  return { title, description, venue, timeZone, registrationOpensAt, registrationClosesAt, requiresApproval, faceVerification };
};

const existing = (state: EventState): ExistingEvent => {
  if (state.status === 'none') throw new DomainError('NOT_FOUND', 'No such event');
  return state;
};

const notCancelled = (state: EventState): ExistingEvent => {
  const event = existing(state);
  if (event.status === 'cancelled') throw new DomainError('CONFLICT', 'The event is cancelled');
  return event;
};

/** Organizers act on their own events only; admins on any. */
const organizing = (state: EventState, actor: Actor): ExistingEvent => {
  const event = existing(state);
  if (!hasRole(actor, 'admin') && event.organizerId !== actor.accountId)
    throw new DomainError('FORBIDDEN', 'Only the organizer of this event can do that');
  return event;
};

const registrationIn = (event: ExistingEvent, registrationId: string): Registration => {
  const registration = registrationOf(event, registrationId);
  if (!registration) throw new DomainError('NOT_FOUND', 'No such registration for this event');
  return registration;
};

/** Attendees act on their own registrations; the event's organizer and admins on any. */
const ownRegistration = (event: ExistingEvent, registrationId: string, actor: Actor, refusal: string): Registration => {
  const registration = registrationIn(event, registrationId);
  const isOrganizer = hasRole(actor, 'admin') || event.organizerId === actor.accountId;
  if (registration.attendeeId !== actor.accountId && !isOrganizer) throw new DomainError('FORBIDDEN', refusal);
  return registration;
};

/** Seats freed (by a cancellation or more capacity) go to the waiting list, in order. */
const promote = (event: ExistingEvent, freeSeats: number): EventEvent[] =>
  firstWaitlisted(event.waitlist, freeSeats).map((registrationId) => ({
    type: 'RegistrationConfirmed',
    data: { registrationId, attendeeId: registrationOf(event, registrationId)!.attendeeId, via: 'promotion' },
  }));

const seatOrWaitlist = (
  event: ExistingEvent,
  registrationId: string,
  attendeeId: string,
  via: 'registration' | 'approval',
): EventEvent =>
  event.confirmed < event.capacity
    ? { type: 'RegistrationConfirmed', data: { registrationId, attendeeId, via } }
    : { type: 'RegistrationWaitlisted', data: { registrationId, attendeeId } };

export const createEvent = (command: Extract<EventCommand, { type: 'CreateEvent' }>['data'], state: EventState): EventEvent[] => {
  if (state.status !== 'none') throw new DomainError('CONFLICT', 'An event with this id exists already');
  if (!hasRole(command.actor, 'organizer') && !hasRole(command.actor, 'admin'))
    throw new DomainError('FORBIDDEN', 'Only organizers can create events');
  const details = validDetails(command.details);
  validCapacity(command.capacity);
  return [
    {
      type: 'EventCreated',
      data: { eventId: command.eventId, organizerId: command.actor.accountId, details, capacity: command.capacity },
    },
  ];
};

export const scheduleSessions = (
  command: Extract<EventCommand, { type: 'ScheduleSessions' }>['data'],
  state: EventState,
): EventEvent[] => {
  const event = notCancelled(organizing(state, command.actor));
  const sessions = expandSessions(command.plan, event.details.timeZone, (i) => {
    const id = command.sessionIds[i];
    if (!id) throw new DomainError('VALIDATION', 'One session id is needed per occurrence');
    return id;
  });
  if (event.sessions.length + sessions.length > MAX_SESSIONS)
    throw new DomainError('VALIDATION', `An event has at most ${MAX_SESSIONS} sessions`);
  return [{ type: 'SessionsScheduled', data: { sessions } }];
};

export const publishEvent = (command: Extract<EventCommand, { type: 'PublishEvent' }>['data'], state: EventState): EventEvent[] => {
  const event = notCancelled(organizing(state, command.actor));
  if (event.status === 'published') throw new DomainError('CONFLICT', 'The event is published already');
  if (event.sessions.length === 0) throw new DomainError('CONFLICT', 'Schedule at least one session before publishing');
  return [{ type: 'EventPublished', data: { eventId: event.eventId } }];
};

export const updateEvent = (command: Extract<EventCommand, { type: 'UpdateEvent' }>['data'], state: EventState): EventEvent[] => {
  const event = notCancelled(organizing(state, command.actor));
  const details = validDetails({ ...event.details, ...command.changes });
  return [{ type: 'EventDetailsUpdated', data: { details } }];
};

export const changeCapacity = (
  command: Extract<EventCommand, { type: 'ChangeCapacity' }>['data'],
  state: EventState,
): EventEvent[] => {
  const event = notCancelled(organizing(state, command.actor));
  validCapacity(command.capacity);
  if (command.capacity < event.confirmed)
    throw new DomainError('CAPACITY', `${event.confirmed} seats are confirmed already; capacity cannot go below that`);
  return [
    { type: 'CapacityChanged', data: { capacity: command.capacity } },
    ...promote(event, command.capacity - event.confirmed),
  ];
};

export const assignStaff = (command: Extract<EventCommand, { type: 'AssignStaff' }>['data'], state: EventState): EventEvent[] => {
  const event = notCancelled(organizing(state, command.actor));
  if (typeof command.staffId !== 'string' || !isUuid(command.staffId)) throw new DomainError('VALIDATION', 'staffId must be an account id (a UUID)');
  if (!command.staff) throw new DomainError('NOT_FOUND', 'No account has this staffId');
  if (command.staff.status === 'disabled') throw new DomainError('CONFLICT', 'This account is disabled and cannot work the doors');
  if (event.staff.includes(command.staffId)) throw new DomainError('CONFLICT', 'This account is assigned already');
  return [{ type: 'StaffAssigned', data: { staffId: command.staffId } }];
};

export const cancelEvent = (command: Extract<EventCommand, { type: 'CancelEvent' }>['data'], state: EventState): EventEvent[] => {
  notCancelled(organizing(state, command.actor));
  const reason = text(command.reason, 'reason', REASON);
  return [{ type: 'EventCancelled', data: { reason } }];
};

/**
 * A new registration as capacity and the waiting list take it, whoever sends it: pending when
 * it awaits approval, else a seat while there is one, else the waiting list.
 */
const admit = (event: ExistingEvent, registrationId: string, attendeeId: string, awaitsApproval: boolean, registeredAlready: string): EventEvent[] => {
  if (liveRegistrationOf(event, attendeeId)) throw new DomainError('CONFLICT', registeredAlready);
  if (registrationOf(event, registrationId)) throw new DomainError('CONFLICT', 'This registration id is taken');
  if (awaitsApproval) return [{ type: 'RegistrationSubmitted', data: { registrationId, attendeeId } }];
  return [seatOrWaitlist(event, registrationId, attendeeId, 'registration')];
};

export const register = (command: Extract<EventCommand, { type: 'Register' }>['data'], state: EventState): EventEvent[] => {
  const event = notCancelled(state);
  if (event.status !== 'published') throw new DomainError('NOT_FOUND', 'No such event open for registration');
  const now = Date.parse(command.now);
  if (now < Date.parse(event.details.registrationOpensAt)) throw new DomainError('CONFLICT', 'Registration has not opened yet');
  if (now >= Date.parse(event.details.registrationClosesAt)) throw new DomainError('CONFLICT', 'Registration has closed');
  return admit(event, command.registrationId, command.actor.accountId, event.details.requiresApproval, 'You are registered for this event already');
};

/**
 * The event its organizer (or an admin) registers people for: theirs, not cancelled, and
 * published. Checked alone by an import before it plans its rows.
 */
export const registeringAttendees = (state: EventState, actor: Actor): ExistingEvent => {
  const event = notCancelled(organizing(state, actor));
  if (event.status !== 'published') throw new DomainError('CONFLICT', 'Publish the event before registering attendees');
  return event;
};

/**
 * The organizer decides who comes, so the registration window does not bind them; capacity
 * and the waiting list do, as for anyone. Without a status the event's own rule applies.
 */
export const registerAttendee = (command: Extract<EventCommand, { type: 'RegisterAttendee' }>['data'], state: EventState): EventEvent[] => {
  const event = registeringAttendees(state, command.actor);
  if (typeof command.attendeeId !== 'string' || !isUuid(command.attendeeId)) throw new DomainError('VALIDATION', 'attendeeId must be an account id (a UUID)');
  const status = command.status === undefined ? undefined : organizerStatus(command.status);
  // Checked before admitting, so that a bad note refuses the whole registration rather than dropping the note.
  const note = command.note === undefined ? undefined : text(typeof command.note === 'string' ? command.note.trim() : command.note, 'note', NOTE);
  const awaitsApproval = status === undefined ? event.details.requiresApproval : status === 'pending';
  const admitted = admit(event, command.registrationId, command.attendeeId, awaitsApproval, 'This person is registered for this event already');
  if (note === undefined) return admitted;
  return [...admitted, { type: 'RegistrationNoteAdded', data: { registrationId: command.registrationId, attendeeId: command.attendeeId, note } }];
};

export const approveRegistration = (
  command: Extract<EventCommand, { type: 'ApproveRegistration' }>['data'],
  state: EventState,
): EventEvent[] => {
  const event = notCancelled(organizing(state, command.actor));
  const registration = registrationIn(event, command.registrationId);
  if (registration.status !== 'pending') throw new DomainError('CONFLICT', `The registration is ${registration.status}, not pending`);
  return [seatOrWaitlist(event, registration.registrationId, registration.attendeeId, 'approval')];
};

export const rejectRegistration = (
  command: Extract<EventCommand, { type: 'RejectRegistration' }>['data'],
  state: EventState,
): EventEvent[] => {
  const event = notCancelled(organizing(state, command.actor));
  const registration = registrationIn(event, command.registrationId);
  const reason = text(command.reason, 'reason', REASON);
  if (registration.status !== 'pending' && registration.status !== 'waitlisted')
    throw new DomainError('CONFLICT', `A ${registration.status} registration cannot be rejected`);
  return [{ type: 'RegistrationRejected', data: { registrationId: registration.registrationId, reason } }];
};

export const cancelRegistration = (
  command: Extract<EventCommand, { type: 'CancelRegistration' }>['data'],
  state: EventState,
): EventEvent[] => {
  const event = notCancelled(state);
  const registration = ownRegistration(event, command.registrationId, command.actor, 'You can cancel only your own registration');
  if (registration.status !== 'pending' && registration.status !== 'confirmed' && registration.status !== 'waitlisted')
    throw new DomainError('CONFLICT', `The registration is ${registration.status} already`);
  const cancelled: EventEvent = {
    type: 'RegistrationCancelled',
    data: { registrationId: registration.registrationId, cancelledBy: command.actor.accountId },
  };
  if (registration.status !== 'confirmed') return [cancelled];
  const rest = { ...event, waitlist: leftWaitlist(event.waitlist, registration.registrationId) };
  return [cancelled, ...promote(rest, event.capacity - (event.confirmed - 1))];
};

export const reissueTicket = (
  command: Extract<EventCommand, { type: 'ReissueTicket' }>['data'],
  state: EventState,
): EventEvent[] => {
  const event = notCancelled(state);
  const registration = ownRegistration(event, command.registrationId, command.actor, 'You can reissue only your own ticket');
  if (registration.status !== 'confirmed') throw new DomainError('CONFLICT', 'Only a confirmed registration has a ticket');
  return [{ type: 'TicketReissued', data: { registrationId: registration.registrationId, version: registration.ticketVersion + 1 } }];
};

export const decide = (command: EventCommand, state: EventState): EventEvent[] => {
  switch (command.type) {
    case 'CreateEvent':
      return createEvent(command.data, state);
    case 'ScheduleSessions':
      return scheduleSessions(command.data, state);
    case 'PublishEvent':
      return publishEvent(command.data, state);
    case 'UpdateEvent':
      return updateEvent(command.data, state);
    case 'ChangeCapacity':
      return changeCapacity(command.data, state);
    case 'AssignStaff':
      return assignStaff(command.data, state);
    case 'CancelEvent':
      return cancelEvent(command.data, state);
    case 'Register':
      return register(command.data, state);
    case 'RegisterAttendee':
      return registerAttendee(command.data, state);
    case 'ApproveRegistration':
      return approveRegistration(command.data, state);
    case 'RejectRegistration':
      return rejectRegistration(command.data, state);
    case 'CancelRegistration':
      return cancelRegistration(command.data, state);
    case 'ReissueTicket':
      return reissueTicket(command.data, state);
    default: {
      const unknown: never = command;
      throw new DomainError('VALIDATION', `Unknown command ${(unknown as { type: string }).type}`);
    }
  }
};

export const eventDecider: Decider<EventCommand, EventState, EventEvent> = { initialState, evolve, decide };
