import { type Actor, hasRole } from '../actor.js';
import type { Decider } from '../decider.js';
import { DomainError } from '../domain-error.js';
import { REASON } from '../event/business-logic.js';
import { text } from '../values.js';
import { type ExistingEvent, type Registration, type Session, registrationOf } from '../event/event.js';
import { type CheckInEvent, type CheckInState, type FaceScores, type RefusedScan, evolve, initialState } from './check-in.js';

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

/**
 * A scan of a ticket. `photo` is there when the staff took a photo of the attendee for a face
 * check: the command side keeps it, under `scanId`, for the face verification reactor.
 */
export type ScanTicket = { type: 'ScanTicket'; data: AtTheDoor & { ticket: TicketClaims; photo?: { scanId: string } } };

/**
 * What the face models made of a held scan's photo: scores to judge, or why there are none
 * (no enrolled face to compare with; a photo without a readable face; no photo any more).
 */
export type FaceVerdict = ({ outcome: 'compared' } & FaceScores) | { outcome: 'not_enrolled' | 'unreadable' | 'photo_expired' };

/** Sent by the face verification reactor, for the scan it judged. */
export type RecordFaceVerdict = { type: 'RecordFaceVerdict'; data: { scanId: string; verdict: FaceVerdict } };

export type CheckInCommand =
  | ScanTicket
  | RecordFaceVerdict
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

/** Whether a photo taken at this event's door is checked: always when it requires faces, on request when optional. */
export const checksFaces = (event: ExistingEvent): boolean => event.details.faceVerification !== 'off';

export const scanTicket = (command: ScanTicket['data'], state: CheckInState): CheckInEvent[] => {
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
  if (event.details.faceVerification === 'required' && !command.photo)
    throw new DomainError('VALIDATION', 'This event checks faces at the door: send a photo of the attendee with the ticket');
  // A scan while another waits for its face replaces it: the verdict on the older photo no longer counts.
  if (command.photo && checksFaces(event)) return [{ type: 'CheckInAwaitingFace', data: { ...attendance, scanId: command.photo.scanId } }];
  return [{ type: 'CheckedIn', data: { ...attendance, method: 'scan', reason: null } }];
};

/** Liveness first: a face that is not live is refused as such, however well it matches. */
const judged = (scores: FaceScores): 'ok' | 'liveness_failed' | 'face_mismatch' => {
  if (!(scores.liveness >= scores.livenessThreshold)) return 'liveness_failed';
  if (!(scores.similarity >= scores.threshold)) return 'face_mismatch';
  return 'ok';
};

const UNVERIFIED = { not_enrolled: 'face_not_enrolled', unreadable: 'face_unreadable', photo_expired: 'photo_expired' } as const;

/**
 * The verdict on the held scan: a match checks the attendee in; anything else leaves the
 * ticket redeemable. A verdict on a scan that no longer waits (a later scan replaced it, or
 * staff checked the attendee in by hand) records nothing.
 */
export const recordFaceVerdict = ({ scanId, verdict }: RecordFaceVerdict['data'], state: CheckInState): CheckInEvent[] => {
  if (state.status !== 'awaiting_face' || state.check.scanId !== scanId) return [];
  const { check } = state;
  if (verdict.outcome !== 'compared') return [{ type: 'FaceUnverifiable', data: { ...check, result: UNVERIFIED[verdict.outcome] } }];
  const { outcome: _, ...scores } = verdict;
  const result = judged(scores);
  const data = { ...check, ...scores, modelVersions: { ...scores.modelVersions } };
  return [result === 'ok' ? { type: 'FaceMatched', data } : { type: 'FaceMismatched', data: { ...data, result } }];
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
    case 'RecordFaceVerdict':
      return recordFaceVerdict(command.data, state);
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
