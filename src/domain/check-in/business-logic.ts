import { type Actor, hasRole } from '../actor.js';
import type { Decider } from '../decider.js';
import { DomainError } from '../domain-error.js';
import { REASON } from '../event/business-logic.js';
import { text } from '../values.js';
import { type ExistingEvent, type Registration, type Session, registrationOf } from '../event/event.js';
import { type CheckInEvent, type CheckInState, type RefusedScan, evolve, initialState } from './check-in.js';

/** What a signed ticket says; the handler verifies the signature before the domain sees it. */
export interface TicketClaims {
  registrationId: string;
  eventId: string;
  attendeeId: string;
  version: number;
}

interface AtTheDoor {
  actor: Actor;
  now: string;
  /** The event the session belongs to, as its own stream says now. */
  event: ExistingEvent;
  sessionId: string;
}

export type CheckInCommand =
  | { type: 'ScanTicket'; data: AtTheDoor & { ticket: TicketClaims } }
  /** A code that is not a genuine ticket (bad signature, malformed, another key). */
  | { type: 'RecordUnreadableScan'; data: AtTheDoor }
  | { type: 'CheckInManually'; data: AtTheDoor & { registrationId: string; reason: string } }
  | { type: 'UndoCheckIn'; data: AtTheDoor & { registrationId: string; reason: string } };

/** Staff assigned to the event work its doors; its organizer and admins may too. */
const atTheDoor = ({ actor, event, sessionId }: AtTheDoor): Session => {
  const allowed = hasRole(actor, 'admin') || event.organizerId === actor.accountId || event.staff.includes(actor.accountId);
  if (!allowed) throw new DomainError('FORBIDDEN', 'Only staff assigned to this event can check people in');
  const session = event.sessions.find((s) => s.sessionId === sessionId);
  if (!session) throw new DomainError('NOT_FOUND', 'No such session in this event');
  return session;
};

/** Why this ticket cannot be let in, or undefined if it can. */
const ticketProblem = (event: ExistingEvent, registration: Registration | undefined, version: number): RefusedScan | undefined => {
  // A version we never issued can only come from a forged or foreign ticket.
  if (!registration || version > registration.ticketVersion) return 'invalid';
  if (event.status === 'cancelled' || registration.status === 'cancelled' || version < registration.ticketVersion) return 'revoked';
  if (registration.status !== 'confirmed') return 'not_confirmed';
  return undefined;
};

export const scanTicket = (command: Extract<CheckInCommand, { type: 'ScanTicket' }>['data'], state: CheckInState): CheckInEvent[] => {
  const session = atTheDoor(command);
  const { event, ticket, actor, sessionId } = command;
  const attendance = {
    eventId: event.eventId,
    sessionId,
    registrationId: ticket.registrationId,
    attendeeId: ticket.attendeeId,
    staffId: actor.accountId,
  };
  const refuse = (result: RefusedScan): CheckInEvent[] => [
    { type: 'ScanRefused', data: { eventId: event.eventId, sessionId, registrationId: ticket.registrationId, staffId: actor.accountId, result } },
  ];
  if (ticket.eventId !== event.eventId) return refuse('wrong_event');
  const problem = ticketProblem(event, registrationOf(event, ticket.registrationId), ticket.version);
  if (problem) return refuse(problem);
  const now = Date.parse(command.now);
  if (now < Date.parse(session.checkInOpensAt) || now >= Date.parse(session.checkInClosesAt)) return refuse('outside_window');
  if (state.status === 'checked_in') return refuse('already_redeemed');
  if (event.details.faceVerification === 'required') return [{ type: 'CheckInAwaitingFace', data: attendance }];
  return [{ type: 'CheckedIn', data: { ...attendance, method: 'scan', reason: null } }];
};

export const recordUnreadableScan = (command: Extract<CheckInCommand, { type: 'RecordUnreadableScan' }>['data']): CheckInEvent[] => {
  atTheDoor(command);
  return [
    { type: 'UnreadableTicketScanned', data: { eventId: command.event.eventId, sessionId: command.sessionId, staffId: command.actor.accountId } },
  ];
};

export const checkInManually = (
  command: Extract<CheckInCommand, { type: 'CheckInManually' }>['data'],
  state: CheckInState,
): CheckInEvent[] => {
  atTheDoor(command);
  const reason = text(command.reason, 'reason', REASON);
  const registration = registrationOf(command.event, command.registrationId);
  if (!registration) throw new DomainError('NOT_FOUND', 'No such registration for this event');
  const problem = ticketProblem(command.event, registration, registration.ticketVersion);
  if (problem) throw new DomainError('CONFLICT', `This registration cannot be checked in: ${problem.replace('_', ' ')}`);
  if (state.status === 'checked_in') throw new DomainError('CONFLICT', 'Checked in already');
  return [
    {
      type: 'CheckedIn',
      data: {
        eventId: command.event.eventId,
        sessionId: command.sessionId,
        registrationId: registration.registrationId,
        attendeeId: registration.attendeeId,
        staffId: command.actor.accountId,
        method: 'manual',
        reason,
      },
    },
  ];
};

export const undoCheckIn = (command: Extract<CheckInCommand, { type: 'UndoCheckIn' }>['data'], state: CheckInState): CheckInEvent[] => {
  atTheDoor(command);
  const reason = text(command.reason, 'reason', REASON);
  if (state.status !== 'checked_in') throw new DomainError('CONFLICT', 'There is no check-in to undo');
  return [
    {
      type: 'CheckInUndone',
      data: {
        eventId: command.event.eventId,
        sessionId: command.sessionId,
        registrationId: command.registrationId,
        staffId: command.actor.accountId,
        reason,
      },
    },
  ];
};

export const decide = (command: CheckInCommand, state: CheckInState): CheckInEvent[] => {
  switch (command.type) {
    case 'ScanTicket':
      return scanTicket(command.data, state);
    case 'RecordUnreadableScan':
      return recordUnreadableScan(command.data);
    case 'CheckInManually':
      return checkInManually(command.data, state);
    case 'UndoCheckIn':
      return undoCheckIn(command.data, state);
    default: {
      const unknown: never = command;
      throw new DomainError('VALIDATION', `Unknown command ${(unknown as { type: string }).type}`);
    }
  }
};

export const checkInDecider: Decider<CheckInCommand, CheckInState, CheckInEvent> = { initialState, evolve, decide };
