import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../test/decider-spec.js';
import type { Actor } from '../actor.js';
import { type EventEvent, type ExistingEvent, evolve as evolveEvent, initialState as noEvent } from '../event/event.js';
import { type CheckInCommand, type TicketClaims, checkInDecider } from './business-logic.js';
import { type CheckInEvent, scanResultOf } from './check-in.js';

const spec = deciderSpec(checkInDecider);
const staff: Actor = { accountId: 'staff-1', roles: ['staff'] };
const stranger: Actor = { accountId: 'staff-2', roles: ['staff'] };
const doorsOpen = '2026-07-02T15:30:00.000Z';

const eventAfter = (...extra: EventEvent[]): ExistingEvent => {
  const history: EventEvent[] = [
    {
      type: 'EventCreated',
      data: {
        eventId: 'e1',
        organizerId: 'org-1',
        capacity: 10,
        details: {
          title: 'Meetup',
          description: '',
          venue: 'Hall',
          timeZone: 'UTC',
          registrationOpensAt: '2026-05-01T00:00:00.000Z',
          registrationClosesAt: '2026-07-01T00:00:00.000Z',
          requiresApproval: false,
          faceVerification: 'off',
        },
      },
    },
    {
      type: 'SessionsScheduled',
      data: {
        sessions: [
          {
            sessionId: 's1',
            startsAt: '2026-07-02T16:00:00.000Z',
            endsAt: '2026-07-02T18:00:00.000Z',
            checkInOpensAt: '2026-07-02T15:00:00.000Z',
            checkInClosesAt: '2026-07-02T18:00:00.000Z',
          },
        ],
      },
    },
    { type: 'EventPublished', data: { eventId: 'e1' } },
    { type: 'StaffAssigned', data: { staffId: 'staff-1' } },
    { type: 'RegistrationConfirmed', data: { registrationId: 'r1', attendeeId: 'ann', via: 'registration' } },
    ...extra,
  ];
  return history.reduce(evolveEvent, noEvent()) as ExistingEvent;
};

const ticket: TicketClaims = { registrationId: 'r1', eventId: 'e1', attendeeId: 'ann', version: 1 };
const scan = (overrides: Partial<{ actor: Actor; now: string; event: ExistingEvent; ticket: TicketClaims; sessionId: string }> = {}): CheckInCommand => ({
  type: 'ScanTicket',
  data: { actor: staff, now: doorsOpen, event: eventAfter(), sessionId: 's1', ticket, ...overrides },
});
const attendance = { eventId: 'e1', sessionId: 's1', registrationId: 'r1', attendeeId: 'ann', staffId: 'staff-1' };
const checkedIn: CheckInEvent = { type: 'CheckedIn', data: { ...attendance, method: 'scan', reason: null } };
const refused = (result: string): CheckInEvent =>
  ({ type: 'ScanRefused', data: { eventId: 'e1', sessionId: 's1', registrationId: 'r1', staffId: 'staff-1', result } }) as CheckInEvent;

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
      { type: 'ScanRefused', data: { eventId: 'e1', sessionId: 's1', registrationId: 'r9', staffId: 'staff-1', result: 'invalid' } },
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
      .then([{ type: 'ScanRefused', data: { eventId: 'e1', sessionId: 's1', registrationId: 'r2', staffId: 'staff-1', result: 'not_confirmed' } }]));
  it('answers outside_window before the doors open and after they close', () => {
    spec([]).when(scan({ now: '2026-07-02T14:59:59.000Z' })).then([refused('outside_window')]);
    spec([]).when(scan({ now: '2026-07-02T18:00:00.000Z' })).then([refused('outside_window')]);
  });
  it('waits for face verification when the event requires it', () => {
    const event = eventAfter({ type: 'EventDetailsUpdated', data: { details: { ...eventAfter().details, faceVerification: 'required' } } });
    spec([]).when(scan({ event })).then([{ type: 'CheckInAwaitingFace', data: attendance }]);
  });
  it('refuses staff not assigned to the event', () => spec([]).when(scan({ actor: stranger })).thenRefuses('FORBIDDEN'));
  it('records an unreadable code, for assigned staff only', () => {
    const unreadable = (actor: Actor): CheckInCommand => ({
      type: 'RecordUnreadableScan',
      data: { actor, now: doorsOpen, event: eventAfter(), sessionId: 's1' },
    });
    spec([]).when(unreadable(staff)).then([{ type: 'UnreadableTicketScanned', data: { eventId: 'e1', sessionId: 's1', staffId: 'staff-1' } }]);
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
    spec([]).when(manual('Phone battery died')).then([{ type: 'CheckedIn', data: { ...attendance, method: 'manual', reason: 'Phone battery died' } }]));
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
    expect(scanResultOf([{ type: 'CheckInAwaitingFace', data: attendance }])).toBe('face_pending');
  });
});

describe('Folding an event type this code does not know', () => {
  it('leaves the check-in and the event as they were', () => {
    const checkedIn = checkInDecider.evolve(checkInDecider.initialState(), { type: 'CheckedIn', data: { ...attendance, method: 'scan', reason: null } });
    expect(checkInDecider.evolve(checkedIn, { type: 'FaceMatched', data: {} } as unknown as CheckInEvent)).toBe(checkedIn);
    const event = evolveEvent(noEvent(), { type: 'EventCreated', data: { eventId: 'e1', organizerId: 'o', details: {} as never, capacity: 1 } });
    expect(evolveEvent(event, { type: 'EventRenamed', data: {} } as unknown as EventEvent)).toBe(event);
  });
});
