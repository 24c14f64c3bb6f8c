import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../test/decider-spec.js';
import type { Actor } from '../actor.js';
import { type EventEvent, type ExistingEvent, evolve as evolveEvent, initialState as noEvent } from '../event/event.js';
import { type CheckInCommand, type RecordFaceVerdict, type TicketClaims, checkInDecider } from './business-logic.js';
import { type CheckInEvent, scanResultOf } from './check-in.js';
import { doorsOpen, eventAfter, staff, stranger, ticket } from './door.fixture.js';

const spec = deciderSpec(checkInDecider);
type ScanOverrides = Partial<{ actor: Actor; now: string; event: ExistingEvent; ticket: TicketClaims; sessionId: string; photo: { scanId: string } }>;
const scan = (overrides: ScanOverrides = {}): CheckInCommand => ({
  type: 'ScanTicket',
  data: { actor: staff, now: doorsOpen, event: eventAfter(), sessionId: 's1', ticket, ...overrides },
});
const attendance = { eventId: 'e1', sessionId: 's1', registrationId: 'r1', attendeeId: 'ann', staffId: 'staff-1' };
/** A scan made on the spot, on a staff member's own log-in. */
const online = { deviceId: null, scannedAt: doorsOpen, offline: false };
const checkedIn: CheckInEvent = { type: 'CheckedIn', data: { ...attendance, ...online, method: 'scan', reason: null } };
const refused = (result: string, scannedAt = doorsOpen): CheckInEvent =>
  ({ type: 'ScanRefused', data: { eventId: 'e1', sessionId: 's1', registrationId: 'r1', staffId: 'staff-1', result, ...online, scannedAt, offlineConflict: false } }) as CheckInEvent;

describe('Scanning a ticket', () => {
  it('checks in a valid ticket inside the window', () => spec([]).when(scan()).then([checkedIn]));
  it('answers already_redeemed the second time', () => spec([checkedIn]).when(scan()).then([refused('already_redeemed')]));
  it('answers revoked for an old ticket version', () =>
    spec([])
      .when(scan({ event: eventAfter({ type: 'TicketReissued', data: { registrationId: 'r1', version: 2 } }) }))
      .then([refused('revoked')]));
  it('answers revoked once the registration or the event is cancelled', () => {
    spec([])
      .when(scan({ event: eventAfter({ type: 'RegistrationCancelled', data: { registrationId: 'r1', cancelledBy: 'ann' } }) }))
      .then([refused('revoked')]);
    spec([])
      .when(scan({ event: eventAfter({ type: 'EventCancelled', data: { reason: 'storm' } }) }))
      .then([refused('revoked')]);
  });
  it('answers wrong_event for a ticket of another event', () =>
    spec([]).when(scan({ ticket: { ...ticket, eventId: 'e2' } })).then([refused('wrong_event')]));
  it('answers invalid for an unknown registration or a version never issued', () => {
    spec([]).when(scan({ ticket: { ...ticket, registrationId: 'r9' } })).then([
      { type: 'ScanRefused', data: { eventId: 'e1', sessionId: 's1', registrationId: 'r9', staffId: 'staff-1', result: 'invalid', ...online, offlineConflict: false } },
    ]);
    spec([]).when(scan({ ticket: { ...ticket, version: 5 } })).then([refused('invalid')]);
  });
  it('answers not_confirmed for a registration without a seat', () =>
    spec([])
      .when(
        scan({
          event: eventAfter({ type: 'RegistrationWaitlisted', data: { registrationId: 'r2', attendeeId: 'bob' } }),
          ticket: { registrationId: 'r2', eventId: 'e1', attendeeId: 'bob', version: 0 },
        }),
      )
      .then([{ type: 'ScanRefused', data: { eventId: 'e1', sessionId: 's1', registrationId: 'r2', staffId: 'staff-1', result: 'not_confirmed', ...online, offlineConflict: false } }]));
  it('answers outside_window before the doors open and after they close', () => {
    spec([]).when(scan({ now: '2026-07-02T14:59:59.000Z' })).then([refused('outside_window', '2026-07-02T14:59:59.000Z')]);
    spec([]).when(scan({ now: '2026-07-02T18:00:00.000Z' })).then([refused('outside_window', '2026-07-02T18:00:00.000Z')]);
  });
  it('refuses staff not assigned to the event', () => spec([]).when(scan({ actor: stranger })).thenRefuses('FORBIDDEN'));
  it('records an unreadable code, for assigned staff only', () => {
    const unreadable = (actor: Actor): CheckInCommand => ({
      type: 'RecordUnreadableScan',
      data: { actor, now: doorsOpen, event: eventAfter(), sessionId: 's1' },
    });
    spec([]).when(unreadable(staff)).then([{ type: 'UnreadableTicketScanned', data: { eventId: 'e1', sessionId: 's1', staffId: 'staff-1', ...online } }]);
    spec([]).when(unreadable(stranger)).thenRefuses('FORBIDDEN');
  });
  it('refuses an unknown session', () => spec([]).when(scan({ sessionId: 's9' })).thenRefuses('NOT_FOUND'));
});

describe('Checking in by hand and undoing', () => {
  const manual = (reason: string, actor = staff): CheckInCommand => ({
    type: 'CheckInManually',
    data: { actor, now: doorsOpen, event: eventAfter(), sessionId: 's1', registrationId: 'r1', reason },
  });
  const undo = (reason: string): CheckInCommand => ({
    type: 'UndoCheckIn',
    data: { actor: staff, now: doorsOpen, event: eventAfter(), sessionId: 's1', registrationId: 'r1', reason },
  });

  it('checks in by hand with a reason', () =>
    spec([]).when(manual('Phone battery died')).then([{ type: 'CheckedIn', data: { ...attendance, ...online, method: 'manual', reason: 'Phone battery died' } }]));
  it('refuses a manual check-in without a reason, twice, or by a stranger', () => {
    spec([]).when(manual('')).thenRefuses('VALIDATION');
    spec([checkedIn]).when(manual('again')).thenRefuses('CONFLICT');
    spec([]).when(manual('x', stranger)).thenRefuses('FORBIDDEN');
  });
  it('undoes a check-in, after which the ticket scans ok again', () => {
    const undone: CheckInEvent = { type: 'CheckInUndone', data: { eventId: 'e1', sessionId: 's1', registrationId: 'r1', staffId: 'staff-1', reason: 'Wrong person' } };
    spec([checkedIn]).when(undo('Wrong person')).then([undone]);
    spec([checkedIn, undone]).when(scan()).then([checkedIn]);
  });
  it('refuses to undo what was not checked in', () => spec([]).when(undo('oops')).thenRefuses('CONFLICT'));
});

describe('scanResultOf', () => {
  it('reads the answer off the events', () => {
    expect(scanResultOf([checkedIn])).toBe('ok');
    expect(scanResultOf([refused('revoked')])).toBe('revoked');
    expect(scanResultOf([{ type: 'CheckInAwaitingFace', data: { ...attendance, scanId: 'scan-1' } }])).toBe('face_pending');
    expect(scanResultOf([{ type: 'FaceUnverifiable', data: { ...attendance, scanId: 'scan-1', result: 'photo_expired' } }])).toBe('photo_expired');
  });
});

describe('Folding an event type this code does not know', () => {
  it('leaves the check-in and the event as they were', () => {
    const checkedIn = checkInDecider.evolve(checkInDecider.initialState(), { type: 'CheckedIn', data: { ...attendance, method: 'scan', reason: null } });
    expect(checkInDecider.evolve(checkedIn, { type: 'TicketTorn', data: {} } as unknown as CheckInEvent)).toBe(checkedIn);
    const event = evolveEvent(noEvent(), { type: 'EventCreated', data: { eventId: 'e1', organizerId: 'o', details: {} as never, capacity: 1 } });
    expect(evolveEvent(event, { type: 'EventRenamed', data: {} } as unknown as EventEvent)).toBe(event);
  });
});

describe('Checking a face at the door', () => {
  const withFaces = (faceVerification: 'optional' | 'required') =>
    eventAfter({ type: 'EventDetailsUpdated', data: { details: { ...eventAfter().details, faceVerification } } });
  const photo = { scanId: 'scan-1' };
  const check = { ...attendance, scanId: 'scan-1' };
  const held: CheckInEvent = { type: 'CheckInAwaitingFace', data: { ...check, deviceId: null } };
  const scores = { similarity: 0.71, threshold: 0.5, liveness: 0.93, livenessThreshold: 0.6, modelVersions: { recognition: 'r1', liveness: 'l1' } };
  const verdict = (scanId: string, v: RecordFaceVerdict['data']['verdict']): CheckInCommand => ({ type: 'RecordFaceVerdict', data: { scanId, verdict: v } });
  const compared = (overrides: Partial<typeof scores> = {}) => ({ outcome: 'compared' as const, ...scores, ...overrides });

  describe('When scanned with a photo', () => {
    it('holds a good ticket for the face check when the event requires it, redeeming nothing', () =>
      spec([]).when(scan({ event: withFaces('required'), photo })).then([held]));
    it('holds it when the event checks faces on request and a photo came', () => spec([]).when(scan({ event: withFaces('optional'), photo })).then([held]));
    it('checks in at once when faces are optional and no photo came', () => spec([]).when(scan({ event: withFaces('optional') })).then([checkedIn]));
    it('checks in at once at an event that does not check faces, photo or not', () => spec([]).when(scan({ photo })).then([checkedIn]));
    it('refuses a scan without a photo when the event requires faces', () =>
      spec([]).when(scan({ event: withFaces('required') })).thenRefuses('VALIDATION', /photo/));
    it('judges the ticket first: a revoked ticket is refused, its face never checked', () =>
      spec([])
        .when(scan({ event: withFaces('required'), photo, ticket: { ...ticket, version: 5 } }))
        .then([refused('invalid')]));
    it('answers already_redeemed for a ticket its face already let in', () =>
      spec([held, { type: 'FaceMatched', data: { ...check, ...scores } }])
        .when(scan({ event: withFaces('required'), photo: { scanId: 'scan-2' } }))
        .then([refused('already_redeemed')]));
  });

  describe('When a scan waits for its face', () => {
    it('checks the attendee in on a match', () =>
      spec([held]).when(verdict('scan-1', compared())).then([{ type: 'FaceMatched', data: { ...check, ...scores } }]));
    it('answers face_mismatch below the threshold, leaving the ticket redeemable', () => {
      const mismatched: CheckInEvent = { type: 'FaceMismatched', data: { ...check, ...scores, similarity: 0.2, result: 'face_mismatch' } };
      spec([held]).when(verdict('scan-1', compared({ similarity: 0.2 }))).then([mismatched]);
      spec([held, mismatched]).when(scan({ event: withFaces('required'), photo: { scanId: 'scan-2' } })).then([
        { type: 'CheckInAwaitingFace', data: { ...attendance, scanId: 'scan-2', deviceId: null } },
      ]);
    });
    it('answers liveness_failed for a face that does not look live, however well it matches', () =>
      spec([held])
        .when(verdict('scan-1', compared({ liveness: 0.1 })))
        .then([{ type: 'FaceMismatched', data: { ...check, ...scores, liveness: 0.1, result: 'liveness_failed' } }]));
    it('answers face_not_enrolled, face_unreadable or photo_expired when nothing could be compared', () => {
      for (const [outcome, result] of [
        ['not_enrolled', 'face_not_enrolled'],
        ['unreadable', 'face_unreadable'],
        ['photo_expired', 'photo_expired'],
      ] as const)
        spec([held]).when(verdict('scan-1', { outcome })).then([{ type: 'FaceUnverifiable', data: { ...check, result } }]);
    });
    it('records nothing for a verdict on a scan a later one replaced', () => {
      const later: CheckInEvent = { type: 'CheckInAwaitingFace', data: { ...attendance, scanId: 'scan-2' } };
      spec([held, later]).when(verdict('scan-1', compared())).then([]);
    });
    it('lets staff check the attendee in by hand, after which the verdict records nothing', () => {
      const manual: CheckInEvent = { type: 'CheckedIn', data: { ...attendance, ...online, method: 'manual', reason: 'Face model down' } };
      spec([held])
        .when({ type: 'CheckInManually', data: { actor: staff, now: doorsOpen, event: withFaces('required'), sessionId: 's1', registrationId: 'r1', reason: 'Face model down' } })
        .then([manual]);
      spec([held, manual]).when(verdict('scan-1', compared())).then([]);
    });
    it('lets staff check in by hand after a mismatch', () =>
      spec([held, { type: 'FaceMismatched', data: { ...check, ...scores, result: 'face_mismatch' } }])
        .when({ type: 'CheckInManually', data: { actor: staff, now: doorsOpen, event: withFaces('required'), sessionId: 's1', registrationId: 'r1', reason: 'Twin' } })
        .then([{ type: 'CheckedIn', data: { ...attendance, ...online, method: 'manual', reason: 'Twin' } }]));
  });

  it('records nothing for a verdict when no scan waits', () => spec([]).when(verdict('scan-1', compared())).then([]));
});
