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
 * Where and when a scan was made: the registered scanner device it was made on (null when a
 * staff member scanned with their own log-in), when the door saw the ticket, and whether it was
 * decided offline on the device and uploaded later. For an offline scan `scannedAt` is the
 * device's clock; otherwise the server's (for a manual check-in, when it was made). Null
 * `scannedAt`: a door event stored before scans kept their time, which only its metadata has.
 */
export type ScanOrigin = { deviceId: string | null; scannedAt: string | null; offline: boolean };

/**
 * The origin as door events hold it: door events stored before scanner devices lack it, and
 * absent means online, on a staff log-in, at the time the event occurred. Adding optional
 * fields keeps those events in the current shape, so no upcast is needed.
 */
type StoredOrigin = Partial<ScanOrigin>;

/** What the organizer is shown beside a door action: `offline_conflict`, two offline doors let one ticket in. */
export type CheckInFlag = 'offline_conflict';

/** Whether a refusal comes from a door that could not know what another did: the organizer is shown it. */
type Conflict = { offlineConflict?: boolean };

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
  | { type: 'CheckedIn'; data: Attendance & StoredOrigin & { method: 'scan' | 'manual'; reason: string | null } }
  | { type: 'CheckInAwaitingFace'; data: FaceCheck & { deviceId?: string | null } }
  /** The face matched: this is the check-in, by the scan that was held. */
  | { type: 'FaceMatched'; data: FaceCheck & FaceScores }
  | { type: 'FaceMismatched'; data: FaceCheck & FaceScores & { result: FaceMismatch } }
  | { type: 'FaceUnverifiable'; data: FaceCheck & { result: FaceUnverified } }
  | { type: 'ScanRefused'; data: { eventId: string; sessionId: string; registrationId: string; staffId: string; result: RefusedScan } & StoredOrigin & Conflict }
  /**
   * An offline scan made before the scan that checked the ticket in reached the server after
   * it: that earlier scan is the check-in (a `CheckedIn` follows in the same append), and the
   * scan this names, by its origin, counts as `already_redeemed` from now on.
   */
  | { type: 'CheckInSuperseded'; data: Attendance & StoredOrigin & Conflict }
  | { type: 'CheckInUndone'; data: { eventId: string; sessionId: string; registrationId: string; staffId: string; reason: string } }
  | { type: 'UnreadableTicketScanned'; data: { eventId: string; sessionId: string; staffId: string } & StoredOrigin };

/** The check-in that let the ticket in: who, where and when, as its scan's origin says (null where it does not). */
export type CheckInHolder = { method: 'scan' | 'manual'; staffId: string; attendeeId: string } & ScanOrigin;

export type CheckInState =
  | { status: 'not_checked_in' }
  | { status: 'awaiting_face'; check: FaceCheck; deviceId: string | null }
  | ({ status: 'checked_in' } & CheckInHolder);

export const initialState = (): CheckInState => ({ status: 'not_checked_in' });

export const evolve = (state: CheckInState, event: CheckInEvent): CheckInState => {
  switch (event.type) {
    case 'CheckedIn': {
      const { method, staffId, attendeeId, deviceId = null, scannedAt = null, offline = false } = event.data;
      return { status: 'checked_in', method, staffId, attendeeId, deviceId, scannedAt, offline };
    }
    case 'CheckInAwaitingFace': {
      // The verdict events copy the held check, which names no device: the state keeps it beside.
      const { deviceId = null, ...check } = event.data;
      return { status: 'awaiting_face', check, deviceId };
    }
    // When the held scan was made is not kept: a face-matched check-in is never superseded.
    case 'FaceMatched': {
      const deviceId = state.status === 'awaiting_face' ? state.deviceId : null;
      return { status: 'checked_in', method: 'scan', staffId: event.data.staffId, attendeeId: event.data.attendeeId, deviceId, scannedAt: null, offline: false };
    }
    case 'FaceMismatched':
    case 'FaceUnverifiable':
      return { status: 'not_checked_in' };
    case 'ScanRefused':
    case 'UnreadableTicketScanned':
    // The CheckedIn of the earlier scan follows it.
    case 'CheckInSuperseded':
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
