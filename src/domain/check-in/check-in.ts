import type { ModelVersions } from '../face/face.js';

/**
 * The check-in of one ticket at one session. Its own small stream: a redemption is an
 * append at the stream's expected revision, so two scanners racing on one ticket get one
 * `ok` and one `already_redeemed`. Refused scans are recorded too.
 *
 * At an event that checks faces, a good ticket is held (`face_pending`), not redeemed, until
 * the face verification reactor records its verdict here: the ticket is redeemed on a match,
 * and stays redeemable after any other verdict, so the right face still gets in.
 */

/** What a ticket's scan answers by itself. */
export type RefusedScan = 'already_redeemed' | 'revoked' | 'invalid' | 'wrong_event' | 'outside_window' | 'not_confirmed';

/** The face did not match, or did not look live: the ticket stays redeemable. */
export type FaceMismatch = 'face_mismatch' | 'liveness_failed';
/**
 * No comparison could be made: the attendee never enrolled (or erased their face data), the
 * photo held no face or no image, or it was gone (kept 10 minutes) before it could be judged.
 */
export type FaceUnverified = 'face_not_enrolled' | 'face_unreadable' | 'photo_expired';

export type ScanResult = 'ok' | RefusedScan | 'face_pending' | FaceMismatch | FaceUnverified;

type Attendance = {
  eventId: string;
  sessionId: string;
  registrationId: string;
  attendeeId: string;
  staffId: string;
};

/**
 * The face check a held ticket waits for: `scanId` names the scan (its command id), under
 * which its photo is kept outside the log. Scans stored before photos were kept have ''.
 */
type FaceCheck = Attendance & { scanId: string };

/** What the face models said of a door photo against the enrolled embeddings, as judged. */
export type FaceScores = {
  similarity: number;
  threshold: number;
  liveness: number;
  livenessThreshold: number;
  modelVersions: ModelVersions;
};

export type CheckInEvent =
  | { type: 'CheckedIn'; data: Attendance & { method: 'scan' | 'manual'; reason: string | null } }
  | { type: 'CheckInAwaitingFace'; data: FaceCheck }
  /** The face matched: this is the check-in, by the scan that was held. */
  | { type: 'FaceMatched'; data: FaceCheck & FaceScores }
  | { type: 'FaceMismatched'; data: FaceCheck & FaceScores & { result: FaceMismatch } }
  | { type: 'FaceUnverifiable'; data: FaceCheck & { result: FaceUnverified } }
  | { type: 'ScanRefused'; data: { eventId: string; sessionId: string; registrationId: string; staffId: string; result: RefusedScan } }
  | { type: 'CheckInUndone'; data: { eventId: string; sessionId: string; registrationId: string; staffId: string; reason: string } }
  | { type: 'UnreadableTicketScanned'; data: { eventId: string; sessionId: string; staffId: string } };

export type CheckInState =
  | { status: 'not_checked_in' }
  | { status: 'awaiting_face'; check: FaceCheck }
  | { status: 'checked_in'; method: 'scan' | 'manual'; staffId: string };

export const initialState = (): CheckInState => ({ status: 'not_checked_in' });

export const evolve = (state: CheckInState, event: CheckInEvent): CheckInState => {
  switch (event.type) {
    case 'CheckedIn':
      return { status: 'checked_in', method: event.data.method, staffId: event.data.staffId };
    case 'CheckInAwaitingFace':
      return { status: 'awaiting_face', check: event.data };
    case 'FaceMatched':
      return { status: 'checked_in', method: 'scan', staffId: event.data.staffId };
    case 'FaceMismatched':
    case 'FaceUnverifiable':
      return { status: 'not_checked_in' };
    case 'ScanRefused':
    case 'UnreadableTicketScanned':
      return state;
    case 'CheckInUndone':
      return { status: 'not_checked_in' };
    default: {
      // A type this code does not know (written by a newer version) changes nothing here.
      const _unknown: never = event;
      return state;
    }
  }
};

/** What a scan answered, read off the events it caused. */
export const scanResultOf = (events: readonly CheckInEvent[]): ScanResult => {
  const last = events[events.length - 1];
  if (!last) return 'already_redeemed';
  if (last.type === 'ScanRefused') return last.data.result;
  if (last.type === 'CheckInAwaitingFace') return 'face_pending';
  if (last.type === 'UnreadableTicketScanned') return 'invalid';
  if (last.type === 'FaceMismatched' || last.type === 'FaceUnverifiable') return last.data.result;
  return 'ok';
};
