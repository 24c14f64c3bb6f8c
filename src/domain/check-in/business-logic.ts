import { type Actor, hasRole } from '../actor.js';
import type { Decider } from '../decider.js';
import { DomainError } from '../domain-error.js';
import { REASON } from '../event/business-logic.js';
import { instant, text } from '../values.js';
import { type ExistingEvent, type Registration, type Session, registrationOf } from '../event/event.js';
import { type CheckInEvent, type CheckInState, type FaceScores, type RefusedScan, type ScanOrigin, evolve, initialState } from './check-in.js';
import { scannerAccountId } from './scanner-device/scanner-device.js';

/** What a signed ticket says; the handler verifies the signature before the domain sees it. */
export interface TicketClaims {
  registrationId: string;
  eventId: string;
  attendeeId: string;
  version: number;
}

/** A registered scanner device, as its own stream says: the one event whose doors it works. */
export interface DoorDevice {
  deviceId: string;
  eventId: string;
}

/** Who stands at which door, when: what every door command carries. */
export interface AtTheDoor {
  actor: Actor;
  now: string;
  /** The event the session belongs to, as its own stream says now. */
  event: ExistingEvent;
  sessionId: string;
  /**
   * The scanner device the door action was made on: the device itself, with its token, or a
   * member of the event's team uploading what it scanned offline. Absent for a staff member's
   * own log-in.
   */
  device?: DoorDevice;
}

/**
 * How far a scanner's clock may be off the server's, either way: an offline scan's `scannedAt`
 * may lie this far in the future, and the check-in window is this much wider for it. Tablets
 * set their clocks from the network and stay within seconds; two minutes covers one that
 * lost its network time for a day, yet keeps a door from admitting long after it closed.
 */
export const CLOCK_SKEW_MS = 2 * 60_000;

/**
 * A scan of a ticket. `photo` is there when the staff took a photo of the attendee for a face
 * check: the command side keeps it, under `scanId`, for the face verification reactor.
 */
export type ScanTicket = { type: 'ScanTicket'; data: AtTheDoor & { ticket: TicketClaims; photo?: { scanId: string } } };

/**
 * A scan a device decided alone, while offline, and uploads later: judged as an online scan
 * would have been at `scannedAt` (the device's clock), by the event as it stands at upload.
 */
export type RecordOfflineScan = { type: 'RecordOfflineScan'; data: AtTheDoor & { ticket: TicketClaims; device: DoorDevice; scannedAt: string } };

/** A code that is not a genuine ticket (bad signature, malformed, another key); `offline` when a device uploads it. */
export type RecordUnreadableScan = { type: 'RecordUnreadableScan'; data: AtTheDoor & { offline?: { scannedAt: string } } };

export type CheckInManually = { type: 'CheckInManually'; data: AtTheDoor & { registrationId: string; reason: string } };

export type UndoCheckIn = { type: 'UndoCheckIn'; data: AtTheDoor & { registrationId: string; reason: string } };

/**
 * What the face models made of a held scan's photo: scores to judge, or why there are none
 * (no enrolled face to compare with; a photo without a readable face; no photo any more).
 */
export type FaceVerdict = ({ outcome: 'compared' } & FaceScores) | { outcome: 'not_enrolled' | 'unreadable' | 'photo_expired' };

/** Sent by the face verification reactor, for the scan it judged. */
export type RecordFaceVerdict = { type: 'RecordFaceVerdict'; data: { scanId: string; verdict: FaceVerdict } };

export type CheckInCommand = ScanTicket | RecordOfflineScan | RecordFaceVerdict | RecordUnreadableScan | CheckInManually | UndoCheckIn;

/**
 * Staff assigned to the event work its doors; its organizer and admins may too, and so may a
 * scanner device registered for the event, with its own token. A device works no other event's
 * doors, whoever uploads its scans.
 */
export const atTheDoor = ({ actor, event, sessionId, device }: AtTheDoor): Session => {
  if (device && device.eventId !== event.eventId) throw new DomainError('FORBIDDEN', 'This scanner is registered for another event');
  const onTeam = hasRole(actor, 'admin') || event.organizerId === actor.accountId || event.staff.includes(actor.accountId);
  const isTheDevice = device !== undefined && actor.accountId === scannerAccountId(device.deviceId);
  if (!onTeam && !isTheDevice) throw new DomainError('FORBIDDEN', 'Only staff assigned to this event can check people in');
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

type Scan = AtTheDoor & { ticket: TicketClaims };

/** What a scan of a genuine ticket records, made from where and when it was made. */
const doorOf = ({ event, sessionId, ticket, actor }: Scan, origin: ScanOrigin) => {
  const attendance = { eventId: event.eventId, sessionId, registrationId: ticket.registrationId, attendeeId: ticket.attendeeId, staffId: actor.accountId };
  return {
    attendance,
    refuse: (result: RefusedScan, offlineConflict = false): CheckInEvent[] => [
      { type: 'ScanRefused', data: { eventId: event.eventId, sessionId, registrationId: ticket.registrationId, staffId: actor.accountId, result, ...origin, offlineConflict } },
    ],
    checkIn: (): CheckInEvent => ({ type: 'CheckedIn', data: { ...attendance, ...origin, method: 'scan', reason: null } }),
  };
};

/**
 * Why a scan made at `at` cannot let its ticket in, whatever the ticket's own check-ins say;
 * undefined when it can. `allowance` widens the window both ways, for a device's clock.
 */
const refusalOf = ({ event, ticket }: Scan, session: Session, at: number, allowance: number): RefusedScan | undefined => {
  if (ticket.eventId !== event.eventId) return 'wrong_event';
  const problem = ticketProblem(event, registrationOf(event, ticket.registrationId), ticket.version);
  if (problem) return problem;
  if (at < Date.parse(session.checkInOpensAt) - allowance || at >= Date.parse(session.checkInClosesAt) + allowance) return 'outside_window';
  return undefined;
};

/** The origin of a scan made on the spot: now, on the device if one made it. */
const onlineOrigin = ({ now, device }: AtTheDoor): ScanOrigin => ({ deviceId: device?.deviceId ?? null, scannedAt: now, offline: false });

/** The origin of a scan a device made offline, its time checked against the server's clock. */
const offlineOrigin = ({ now, device }: AtTheDoor, scannedAt: string): ScanOrigin & { scannedAt: string } => {
  if (!device) throw new DomainError('VALIDATION', 'An offline scan names the scanner device that made it');
  const at = instant(scannedAt, 'scannedAt');
  if (Date.parse(at) > Date.parse(now) + CLOCK_SKEW_MS)
    throw new DomainError('VALIDATION', "scannedAt is later than the server's clock allows: set the scanner's clock right");
  return { deviceId: device.deviceId, scannedAt: at, offline: true };
};

export const scanTicket = (command: ScanTicket['data'], state: CheckInState): CheckInEvent[] => {
  const session = atTheDoor(command);
  const { event, photo } = command;
  const origin = onlineOrigin(command);
  const door = doorOf(command, origin);
  const refusal = refusalOf(command, session, Date.parse(command.now), 0);
  if (refusal) return door.refuse(refusal);
  if (state.status === 'checked_in') return door.refuse('already_redeemed');
  if (event.details.faceVerification === 'required' && !photo)
    throw new DomainError('VALIDATION', 'This event checks faces at the door: send a photo of the attendee with the ticket');
  // A scan while another waits for its face replaces it: the verdict on the older photo no longer counts.
  if (photo && checksFaces(event)) return [{ type: 'CheckInAwaitingFace', data: { ...door.attendance, scanId: photo.scanId, deviceId: origin.deviceId } }];
  return [door.checkIn()];
};

/**
 * An offline scan, judged at its `scannedAt`. Scans of one ticket reach the server in upload
 * order, not scan order: when this one was made before the scan that checked the ticket in,
 * it is the check-in, and that later scan is superseded (it let in a ticket already used).
 * A manual check-in (a person's decision) and a face match (its scan time is not kept) are
 * never superseded, nor is a check-in stored before scans kept their time. A scan
 * refused as already used on another device than the check-in's is an offline conflict: both
 * doors let someone in, and the organizer is shown it.
 */
export const recordOfflineScan = (command: RecordOfflineScan['data'], state: CheckInState): CheckInEvent[] => {
  const session = atTheDoor(command);
  const origin = offlineOrigin(command, command.scannedAt);
  const at = Date.parse(origin.scannedAt);
  const door = doorOf(command, origin);
  const refusal = refusalOf(command, session, at, CLOCK_SKEW_MS);
  if (refusal) return door.refuse(refusal);
  if (command.event.details.faceVerification === 'required')
    throw new DomainError('VALIDATION', 'This event checks faces at the door: its tickets cannot be scanned offline');
  if (state.status !== 'checked_in') return [door.checkIn()];
  const offlineConflict = state.deviceId !== origin.deviceId;
  if (state.method === 'scan' && state.scannedAt !== null && at < Date.parse(state.scannedAt)) {
    const { status: _, method: __, ...holder } = state;
    const { eventId, sessionId, registrationId } = door.attendance;
    return [{ type: 'CheckInSuperseded', data: { eventId, sessionId, registrationId, ...holder, offlineConflict } }, door.checkIn()];
  }
  return door.refuse('already_redeemed', offlineConflict);
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

export const recordUnreadableScan = (command: RecordUnreadableScan['data']): CheckInEvent[] => {
  atTheDoor(command);
  const origin = command.offline ? offlineOrigin(command, command.offline.scannedAt) : onlineOrigin(command);
  return [{ type: 'UnreadableTicketScanned', data: { eventId: command.event.eventId, sessionId: command.sessionId, staffId: command.actor.accountId, ...origin } }];
};

export const checkInManually = (command: CheckInManually['data'], state: CheckInState): CheckInEvent[] => {
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
        ...onlineOrigin(command),
      },
    },
  ];
};

export const undoCheckIn = (command: UndoCheckIn['data'], state: CheckInState): CheckInEvent[] => {
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
    case 'RecordOfflineScan':
      return recordOfflineScan(command.data, state);
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
