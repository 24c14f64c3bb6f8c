/**
 * The check-in of one ticket at one session. Its own small stream: a redemption is an
 * append at the stream's expected revision, so two scanners racing on one ticket get one
 * `ok` and one `already_redeemed`. Refused scans are recorded too.
 */

export type ScanResult =
  | 'ok'
  | 'already_redeemed'
  | 'revoked'
  | 'invalid'
  | 'wrong_event'
  | 'outside_window'
  | 'not_confirmed'
  | 'face_pending';

export type RefusedScan = Exclude<ScanResult, 'ok' | 'face_pending'>;

type Attendance = {
  eventId: string;
  sessionId: string;
  registrationId: string;
  attendeeId: string;
  staffId: string;
};

export type CheckInEvent =
  | { type: 'CheckedIn'; data: Attendance & { method: 'scan' | 'manual'; reason: string | null } }
  | { type: 'CheckInAwaitingFace'; data: Attendance }
  | { type: 'ScanRefused'; data: { eventId: string; sessionId: string; registrationId: string; staffId: string; result: RefusedScan } }
  | { type: 'CheckInUndone'; data: { eventId: string; sessionId: string; registrationId: string; staffId: string; reason: string } }
  | { type: 'UnreadableTicketScanned'; data: { eventId: string; sessionId: string; staffId: string } };

export type CheckInState =
  | { status: 'not_checked_in' }
  | { status: 'awaiting_face' }
  | { status: 'checked_in'; method: 'scan' | 'manual'; staffId: string };

export const initialState = (): CheckInState => ({ status: 'not_checked_in' });

export const evolve = (state: CheckInState, event: CheckInEvent): CheckInState => {
  switch (event.type) {
    case 'CheckedIn':
      return { status: 'checked_in', method: event.data.method, staffId: event.data.staffId };
    case 'CheckInAwaitingFace':
      return { status: 'awaiting_face' };
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
  return 'ok';
};
