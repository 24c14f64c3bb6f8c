// Over 300 lines on purpose: every command of the event's decider, given / when / then, one describe per state.
import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../test/decider-spec.js';
import type { Actor } from '../actor.js';
import { type EventCommand, eventDecider } from './business-logic.js';
import { type EventDetails, type EventEvent, evolve, initialState, registrationOf } from './event.js';
import { addLocalDays } from './sessions.js';

const spec = deciderSpec(eventDecider);
const organizer: Actor = { accountId: 'org-1', roles: ['organizer', 'attendee'] };
const otherOrganizer: Actor = { accountId: 'org-2', roles: ['organizer'] };
const admin: Actor = { accountId: 'admin-1', roles: ['admin'] };
const ann: Actor = { accountId: 'ann', roles: ['attendee'] };
const bob: Actor = { accountId: 'bob', roles: ['attendee'] };
const cat: Actor = { accountId: 'cat', roles: ['attendee'] };
const now = '2026-06-01T10:00:00.000Z';
const STAFF_ID = '0b0e8f3c-3f7e-4d61-9d59-2f1a4c7e9a10';
const activeAccount = { status: 'active' } as const;

const details: EventDetails = {
  title: 'Rust meetup',
  description: 'Monthly talks',
  venue: 'Hall A',
  timeZone: 'Europe/Warsaw',
  registrationOpensAt: '2026-05-01T00:00:00.000Z',
  registrationClosesAt: '2026-07-01T00:00:00.000Z',
  requiresApproval: false,
  faceVerification: 'off',
};
const session = {
  sessionId: 's1',
  startsAt: '2026-07-02T16:00:00.000Z',
  endsAt: '2026-07-02T18:00:00.000Z',
  checkInOpensAt: '2026-07-02T15:00:00.000Z',
  checkInClosesAt: '2026-07-02T18:00:00.000Z',
};

const created = (capacity = 2, changes: Partial<EventDetails> = {}): EventEvent => ({
  type: 'EventCreated',
  data: { eventId: 'e1', organizerId: 'org-1', details: { ...details, ...changes }, capacity },
});
const scheduled: EventEvent = { type: 'SessionsScheduled', data: { sessions: [session] } };
const published: EventEvent = { type: 'EventPublished', data: { eventId: 'e1' } };
const open = (capacity = 2, changes: Partial<EventDetails> = {}) => [created(capacity, changes), scheduled, published];
const confirmed = (registrationId: string, attendeeId: string, via: 'registration' | 'approval' | 'promotion' = 'registration'): EventEvent => ({
  type: 'RegistrationConfirmed',
  data: { registrationId, attendeeId, via },
});
const waitlisted = (registrationId: string, attendeeId: string): EventEvent => ({
  type: 'RegistrationWaitlisted',
  data: { registrationId, attendeeId },
});
const submitted = (registrationId: string, attendeeId: string): EventEvent => ({
  type: 'RegistrationSubmitted',
  data: { registrationId, attendeeId },
});
const register = (actor: Actor, registrationId: string, at = now): EventCommand => ({
  type: 'Register',
  data: { actor, now: at, registrationId },
});

describe('Creating an event', () => {
  const create = (actor: Actor, overrides: Partial<EventDetails> = {}, capacity = 2): EventCommand => ({
    type: 'CreateEvent',
    data: { actor, now, eventId: 'e1', details: { ...details, ...overrides }, capacity },
  });

  it('creates a draft owned by the organizer', () => spec([]).when(create(organizer)).then([created()]));
  it('refuses an attendee', () => spec([]).when(create(ann)).thenRefuses('FORBIDDEN'));
  it('refuses an id that exists', () => spec([created()]).when(create(organizer)).thenRefuses('CONFLICT'));
  it('refuses an unknown time zone', () =>
    spec([]).when(create(organizer, { timeZone: 'Mars/Olympus' })).thenRefuses('VALIDATION', /time zone/));
  it('refuses a UTC offset in place of a time zone, and spells a known one as IANA does', () => {
    spec([]).when(create(organizer, { timeZone: '+01:00' })).thenRefuses('VALIDATION', /timeZone/);
    spec([]).when(create(organizer, { timeZone: 'europe/warsaw' })).then([created()]);
  });
  it('refuses a window that closes before it opens', () =>
    spec([])
      .when(create(organizer, { registrationClosesAt: '2026-04-01T00:00:00.000Z' }))
      .thenRefuses('VALIDATION', /close after/));
  it('refuses an empty title and an oversized description', () => {
    spec([]).when(create(organizer, { title: '  ' })).thenRefuses('VALIDATION');
    spec([]).when(create(organizer, { description: 'x'.repeat(5_001) })).thenRefuses('VALIDATION');
  });
  it('refuses a capacity of zero or a fraction', () => {
    spec([]).when(create(organizer, {}, 0)).thenRefuses('VALIDATION');
    spec([]).when(create(organizer, {}, 1.5)).thenRefuses('VALIDATION');
  });
  it('refuses an unknown face verification mode', () =>
    spec([]).when(create(organizer, { faceVerification: 'sometimes' as never })).thenRefuses('VALIDATION'));
  it.each(['2026-02-30T00:00:00Z', '2027-02-29T00:00:00Z', '0000-01-01T00:00:00Z', '2101-01-01T00:00:00Z', 'x 1', '2026-06-01', '2026-06-01T24:00:00Z'])(
    'refuses the impossible or unsupported registration time %s, naming the field',
    (time) => spec([]).when(create(organizer, { registrationOpensAt: time })).thenRefuses('VALIDATION', /registrationOpensAt/),
  );
  it('stores times in canonical UTC form, whatever offset they came with', () =>
    spec([])
      .when(create(organizer, { registrationOpensAt: '2026-05-01T02:00:00+02:00', registrationClosesAt: '2026-07-01T00:00:00Z' }))
      .then([created()]));
  it.each([
    ['title', { title: 'Rust\uD800' }],
    ['title', { title: 'Rust\u0000' }],
    ['venue', { venue: 'Hall\nA' }],
    ['description', { description: 'bell\u0007' }],
  ] as const)('refuses %s text that is not well-formed Unicode or holds control characters', (field, change) =>
    spec([]).when(create(organizer, change)).thenRefuses('VALIDATION', new RegExp(field)));
  it('keeps line breaks in a description', () => {
    const [event] = eventDecider.decide(create(organizer, { description: 'Talks\nand pizza' }), initialState());
    expect(event?.type === 'EventCreated' && event.data.details.description).toBe('Talks\nand pizza');
  });
  it('stores only the known details, whatever else the input carried', () => {
    const [event] = eventDecider.decide(create(organizer, { extra: 'x' } as Partial<EventDetails>), initialState());
    expect(event?.type === 'EventCreated' && Object.keys(event.data.details).sort()).toEqual(Object.keys(details).sort());
  });
});

describe('Scheduling and publishing', () => {
  it('schedules a weekly series at the same local time across a DST change', () => {
    const command: EventCommand = {
      type: 'ScheduleSessions',
      data: {
        actor: organizer,
        now,
        // 19:00 in Warsaw on 2026-03-19 is 18:00Z (UTC+1); DST starts 2026-03-29, so two weeks later it is 17:00Z.
        plan: { startsAt: '2026-03-19T18:00:00.000Z', endsAt: '2026-03-19T20:00:00.000Z', repeat: { every: 'week', count: 3 } },
        sessionIds: ['a', 'b', 'c'],
      },
    };
    const [event] = eventDecider.decide(command, evolve(initialState(), created()));
    expect(event?.type).toBe('SessionsScheduled');
    const sessions = (event as Extract<EventEvent, { type: 'SessionsScheduled' }>).data.sessions;
    expect(sessions.map((s) => s.startsAt)).toEqual([
      '2026-03-19T18:00:00.000Z',
      '2026-03-26T18:00:00.000Z',
      '2026-04-02T17:00:00.000Z',
    ]);
    expect(sessions[0]).toMatchObject({ sessionId: 'a', checkInOpensAt: '2026-03-19T17:00:00.000Z', checkInClosesAt: '2026-03-19T20:00:00.000Z' });
  });

  it('refuses a session that ends before it starts, and missing session ids', () => {
    const plan = { startsAt: '2026-07-02T18:00:00.000Z', endsAt: '2026-07-02T16:00:00.000Z' };
    spec([created()]).when({ type: 'ScheduleSessions', data: { actor: organizer, now, plan, sessionIds: ['x'] } }).thenRefuses('VALIDATION');
    const weekly = { startsAt: session.startsAt, endsAt: session.endsAt, repeat: { every: 'week' as const, count: 2 } };
    spec([created()])
      .when({ type: 'ScheduleSessions', data: { actor: organizer, now, plan: weekly, sessionIds: ['x'] } })
      .thenRefuses('VALIDATION', /session id/);
  });

  it.each(['2026-02-30T18:00:00Z', '0000-01-01T00:00:00Z', 'x 1'])('refuses a session plan starting at %s, naming the field', (startsAt) =>
    spec([created()])
      .when({ type: 'ScheduleSessions', data: { actor: organizer, now, plan: { startsAt, endsAt: session.endsAt }, sessionIds: ['x'] } })
      .thenRefuses('VALIDATION', /startsAt/));

  it.each([
    ['a check-in window opening in 1999', { startsAt: '2000-01-01T00:10:00Z', endsAt: '2000-01-01T02:00:00Z' }],
    ['weekly repeats running past 2100', { startsAt: '2100-12-01T18:00:00Z', endsAt: '2100-12-01T20:00:00Z', repeat: { every: 'week' as const, count: 8 } }],
  ])('refuses %s, which could not be stored', (_, plan) =>
    spec([created()])
      .when({ type: 'ScheduleSessions', data: { actor: organizer, now, plan, sessionIds: Array.from({ length: 8 }, (_, i) => `s${i}`) } })
      .thenRefuses('VALIDATION', /2000-2100/));

  it('refuses scheduling by another organizer', () =>
    spec([created()])
      .when({ type: 'ScheduleSessions', data: { actor: otherOrganizer, now, plan: session, sessionIds: ['x'] } })
      .thenRefuses('FORBIDDEN'));

  it('publishes a draft with sessions', () =>
    spec([created(), scheduled]).when({ type: 'PublishEvent', data: { actor: organizer, now } }).then([published]));
  it('lets an admin publish any event', () =>
    spec([created(), scheduled]).when({ type: 'PublishEvent', data: { actor: admin, now } }).then([published]));
  it('refuses to publish without sessions', () =>
    spec([created()]).when({ type: 'PublishEvent', data: { actor: organizer, now } }).thenRefuses('CONFLICT', /session/));
  it('refuses to publish twice', () =>
    spec(open()).when({ type: 'PublishEvent', data: { actor: organizer, now } }).thenRefuses('CONFLICT'));
  it('refuses commands on an event that does not exist', () =>
    spec([]).when({ type: 'PublishEvent', data: { actor: organizer, now } }).thenRefuses('NOT_FOUND'));
});

describe('Editing an event', () => {
  it('refuses edits, capacity changes, staff and cancellation by another organizer', () => {
    spec(open()).when({ type: 'UpdateEvent', data: { actor: otherOrganizer, now, changes: { venue: 'X' } } }).thenRefuses('FORBIDDEN');
    spec(open()).when({ type: 'ChangeCapacity', data: { actor: otherOrganizer, now, capacity: 5 } }).thenRefuses('FORBIDDEN');
    spec(open()).when({ type: 'AssignStaff', data: { actor: otherOrganizer, now, staffId: STAFF_ID, staff: activeAccount } }).thenRefuses('FORBIDDEN');
    spec(open()).when({ type: 'CancelEvent', data: { actor: otherOrganizer, now, reason: 'x' } }).thenRefuses('FORBIDDEN');
  });
  it('refuses a capacity that is not a whole positive number', () =>
    spec(open()).when({ type: 'ChangeCapacity', data: { actor: organizer, now, capacity: 0 } }).thenRefuses('VALIDATION'));
  it('refuses a cancellation without a reason', () =>
    spec(open()).when({ type: 'CancelEvent', data: { actor: organizer, now, reason: ' ' } }).thenRefuses('VALIDATION'));
  it('refuses editing, scheduling and publishing a cancelled event', () => {
    const cancelled: EventEvent[] = [created(), { type: 'EventCancelled', data: { reason: 'x' } }];
    spec(cancelled).when({ type: 'UpdateEvent', data: { actor: organizer, now, changes: { venue: 'X' } } }).thenRefuses('CONFLICT');
    spec(cancelled)
      .when({ type: 'ScheduleSessions', data: { actor: organizer, now, plan: session, sessionIds: ['x'] } })
      .thenRefuses('CONFLICT');
    spec(cancelled).when({ type: 'PublishEvent', data: { actor: organizer, now } }).thenRefuses('CONFLICT');
  });
  it('updates details', () =>
    spec(open())
      .when({ type: 'UpdateEvent', data: { actor: organizer, now, changes: { venue: 'Hall B' } } })
      .then([{ type: 'EventDetailsUpdated', data: { details: { ...details, venue: 'Hall B' } } }]));
  it('validates the edited details', () =>
    spec(open()).when({ type: 'UpdateEvent', data: { actor: organizer, now, changes: { title: '' } } }).thenRefuses('VALIDATION'));
  it('refuses an edit to an impossible date rather than rolling it into the next month', () =>
    spec(open())
      .when({ type: 'UpdateEvent', data: { actor: organizer, now, changes: { registrationClosesAt: '2027-02-30T00:00:00Z' } } })
      .thenRefuses('VALIDATION', /registrationClosesAt/));
  it('assigns staff once', () => {
    spec(open())
      .when({ type: 'AssignStaff', data: { actor: organizer, now, staffId: STAFF_ID, staff: activeAccount } })
      .then([{ type: 'StaffAssigned', data: { staffId: STAFF_ID } }]);
    spec([...open(), { type: 'StaffAssigned', data: { staffId: STAFF_ID } }])
      .when({ type: 'AssignStaff', data: { actor: organizer, now, staffId: STAFF_ID, staff: activeAccount } })
      .thenRefuses('CONFLICT');
  });
  it('refuses as staff an id that is no account id, an account that does not exist, and a disabled one', () => {
    spec(open())
      .when({ type: 'AssignStaff', data: { actor: organizer, now, staffId: 'nobody-at-all', staff: activeAccount } })
      .thenRefuses('VALIDATION', /staffId/);
    spec(open()).when({ type: 'AssignStaff', data: { actor: organizer, now, staffId: STAFF_ID, staff: undefined } }).thenRefuses('NOT_FOUND');
    spec(open())
      .when({ type: 'AssignStaff', data: { actor: organizer, now, staffId: STAFF_ID, staff: { status: 'disabled' } } })
      .thenRefuses('CONFLICT', /disabled/);
  });
  it('cancels with a reason, after which nothing changes', () => {
    const cancelled: EventEvent = { type: 'EventCancelled', data: { reason: 'Venue flooded' } };
    spec(open()).when({ type: 'CancelEvent', data: { actor: organizer, now, reason: 'Venue flooded' } }).then([cancelled]);
    spec([...open(), cancelled]).when(register(ann, 'r1')).thenRefuses('CONFLICT', /cancelled/);
    spec([...open(), cancelled]).when({ type: 'CancelEvent', data: { actor: organizer, now, reason: 'again' } }).thenRefuses('CONFLICT');
  });
});

describe('Registering', () => {
  it('confirms a seat while there is one', () => spec(open()).when(register(ann, 'r1')).then([confirmed('r1', 'ann')]));
  it('waitlists once the event is full', () =>
    spec([...open(1), confirmed('r1', 'ann')]).when(register(bob, 'r2')).then([waitlisted('r2', 'bob')]));
  it('keeps a registration pending when approval is required', () =>
    spec(open(2, { requiresApproval: true })).when(register(ann, 'r1')).then([submitted('r1', 'ann')]));
  it('refuses a second live registration of one attendee', () =>
    spec([...open(), confirmed('r1', 'ann')]).when(register(ann, 'r2')).thenRefuses('CONFLICT', /already/));
  it('lets an attendee register again after cancelling', () =>
    spec([...open(), confirmed('r1', 'ann'), { type: 'RegistrationCancelled', data: { registrationId: 'r1', cancelledBy: 'ann' } }])
      .when(register(ann, 'r2'))
      .then([confirmed('r2', 'ann')]));
  it('refuses outside the registration window', () => {
    spec(open()).when(register(ann, 'r1', '2026-04-30T23:59:59.000Z')).thenRefuses('CONFLICT', /not opened/);
    spec(open()).when(register(ann, 'r1', '2026-07-01T00:00:00.000Z')).thenRefuses('CONFLICT', /closed/);
  });
  it('refuses a draft event as if it did not exist', () =>
    spec([created(), scheduled]).when(register(ann, 'r1')).thenRefuses('NOT_FOUND'));
});

describe('Registering someone as their organizer', () => {
  const annId = '6f1d2c3b-4a59-4e87-9c10-2b3a4d5e6f70';
  const bobId = '7a2e3d4c-5b6a-4f98-8d21-3c4b5e6f7081';
  const registerAttendee = (actor: Actor, registrationId: string, attendeeId: string, status?: 'confirmed' | 'pending', at = now): EventCommand => ({
    type: 'RegisterAttendee',
    data: { actor, now: at, registrationId, attendeeId, ...(status ? { status } : {}) },
  });

  it('confirms a seat while there is one, as a registration of their own would', () =>
    spec(open()).when(registerAttendee(organizer, 'r1', annId)).then([confirmed('r1', annId)]));
  it('waitlists once the event is full, asked to confirm or not', () =>
    spec([...open(1), confirmed('r1', annId)]).when(registerAttendee(organizer, 'r2', bobId, 'confirmed')).then([waitlisted('r2', bobId)]));
  it('leaves a registration pending when asked to, though the event needs no approval', () =>
    spec(open()).when(registerAttendee(organizer, 'r1', annId, 'pending')).then([submitted('r1', annId)]));
  it('follows the event’s approval rule without a status, and skips approval when asked to confirm', () => {
    spec(open(2, { requiresApproval: true })).when(registerAttendee(organizer, 'r1', annId)).then([submitted('r1', annId)]);
    spec(open(2, { requiresApproval: true })).when(registerAttendee(organizer, 'r1', annId, 'confirmed')).then([confirmed('r1', annId)]);
  });
  it('registers after registration closed, by an admin too: the organizer decides who comes', () =>
    spec(open()).when(registerAttendee(admin, 'r1', annId, undefined, '2026-08-01T00:00:00.000Z')).then([confirmed('r1', annId)]));
  it('refuses anyone but the event’s organizer and admins', () => {
    spec(open()).when(registerAttendee(otherOrganizer, 'r1', annId)).thenRefuses('FORBIDDEN');
    spec(open()).when(registerAttendee(ann, 'r1', annId)).thenRefuses('FORBIDDEN');
  });
  it('refuses someone registered already, and a registration id that is taken', () => {
    spec([...open(), submitted('r1', annId)]).when(registerAttendee(organizer, 'r2', annId)).thenRefuses('CONFLICT', /registered for this event already/);
    spec([...open(), confirmed('r1', bobId)]).when(registerAttendee(organizer, 'r1', annId)).thenRefuses('CONFLICT', /id is taken/);
  });
  it('refuses a draft, a cancelled event, a status it does not know and an attendee id that names no account', () => {
    spec([created(), scheduled]).when(registerAttendee(organizer, 'r1', annId)).thenRefuses('CONFLICT', /Publish/);
    spec([...open(), { type: 'EventCancelled', data: { reason: 'Storm' } }]).when(registerAttendee(organizer, 'r1', annId)).thenRefuses('CONFLICT', /cancelled/);
    spec(open()).when(registerAttendee(organizer, 'r1', annId, 'waitlisted' as 'pending')).thenRefuses('VALIDATION', /status must be confirmed or pending/);
    spec(open()).when(registerAttendee(organizer, 'r1', 'ann')).thenRefuses('VALIDATION', /attendeeId/);
  });

  describe('with a note', () => {
    const withNote = (note: unknown, status?: 'confirmed' | 'pending'): EventCommand => {
      const command = registerAttendee(organizer, 'r1', annId, status);
      return { ...command, data: { ...command.data, note } } as EventCommand;
    };
    const noted = (note: string): EventEvent => ({ type: 'RegistrationNoteAdded', data: { registrationId: 'r1', attendeeId: annId, note } });

    it('keeps the note after the registration, trimmed, naming whose it is', () =>
      spec(open()).when(withNote('  Needs wheelchair access ')).then([confirmed('r1', annId), noted('Needs wheelchair access')]));
    it('keeps it on a pending registration and on a waitlisted one alike', () => {
      spec(open()).when(withNote('Speaker', 'pending')).then([submitted('r1', annId), noted('Speaker')]);
      spec([...open(1), confirmed('r0', bobId)]).when(withNote('VIP')).then([waitlisted('r1', annId), noted('VIP')]);
    });
    it('takes 500 characters, and refuses 501', () => {
      spec(open()).when(withNote('n'.repeat(500))).then([confirmed('r1', annId), noted('n'.repeat(500))]);
      spec(open()).when(withNote('n'.repeat(501))).thenRefuses('VALIDATION', /note must be 1 to 500 characters/);
    });
    it('refuses a blank note rather than keeping an empty one', () =>
      spec(open()).when(withNote('   ')).thenRefuses('VALIDATION', /note must be 1 to 500 characters/));
    it('keeps a note over several lines, as a spreadsheet cell may hold, but refuses other control characters', () => {
      spec(open()).when(withNote('first\nsecond')).then([confirmed('r1', annId), noted('first\nsecond')]);
      spec(open()).when(withNote('bell\u0007')).thenRefuses('VALIDATION', /note must not hold control characters other than tabs and line breaks/);
    });
    it('refuses a note that is not well-formed Unicode, or not text at all', () => {
      spec(open()).when(withNote('half \ud800 a pair')).thenRefuses('VALIDATION', /note must be well-formed Unicode/);
      spec(open()).when(withNote(42)).thenRefuses('VALIDATION', /note must be text/);
    });
    it('keeps no state of its own: the registration is as it would be without one', () => {
      const state = [...open(), confirmed('r1', annId), noted('VIP')].reduce(eventDecider.evolve, eventDecider.initialState());
      const without = [...open(), confirmed('r1', annId)].reduce(eventDecider.evolve, eventDecider.initialState());
      expect(state).toEqual(without);
    });
  });
});

describe('Approving and rejecting', () => {
  const pending = [...open(1, { requiresApproval: true }), submitted('r1', 'ann'), submitted('r2', 'bob')];
  const approve = (actor: Actor, registrationId: string): EventCommand => ({
    type: 'ApproveRegistration',
    data: { actor, now, registrationId },
  });

  it('confirms an approved registration while seats remain', () =>
    spec(pending).when(approve(organizer, 'r1')).then([confirmed('r1', 'ann', 'approval')]));
  it('waitlists an approved registration when full', () =>
    spec([...pending, confirmed('r1', 'ann', 'approval')]).when(approve(organizer, 'r2')).then([waitlisted('r2', 'bob')]));
  it('refuses approval by someone other than the organizer', () =>
    spec(pending).when(approve(otherOrganizer, 'r1')).thenRefuses('FORBIDDEN'));
  it('refuses rejecting a confirmed registration', () =>
    spec([...pending, confirmed('r1', 'ann', 'approval')])
      .when({ type: 'RejectRegistration', data: { actor: organizer, now, registrationId: 'r1', reason: 'late' } })
      .thenRefuses('CONFLICT'));
  it('refuses approving twice, or an unknown registration', () => {
    spec([...pending, confirmed('r1', 'ann', 'approval')]).when(approve(organizer, 'r1')).thenRefuses('CONFLICT');
    spec(pending).when(approve(organizer, 'nope')).thenRefuses('NOT_FOUND');
  });
  it('rejects with a reason', () =>
    spec(pending)
      .when({ type: 'RejectRegistration', data: { actor: organizer, now, registrationId: 'r1', reason: 'Members only' } })
      .then([{ type: 'RegistrationRejected', data: { registrationId: 'r1', reason: 'Members only' } }]));
  it('refuses a rejection without a reason', () =>
    spec(pending)
      .when({ type: 'RejectRegistration', data: { actor: organizer, now, registrationId: 'r1', reason: '' } })
      .thenRefuses('VALIDATION'));
});

describe('Cancelling and the waiting list', () => {
  const full = [...open(1), confirmed('r1', 'ann'), waitlisted('r2', 'bob'), waitlisted('r3', 'cat')];
  const cancel = (actor: Actor, registrationId: string): EventCommand => ({
    type: 'CancelRegistration',
    data: { actor, now, registrationId },
  });

  it('promotes the first waitlisted registration when a seat frees', () =>
    spec(full)
      .when(cancel(ann, 'r1'))
      .then([{ type: 'RegistrationCancelled', data: { registrationId: 'r1', cancelledBy: 'ann' } }, confirmed('r2', 'bob', 'promotion')]));
  it('promotes nobody when a waitlisted registration is cancelled', () =>
    spec(full).when(cancel(bob, 'r2')).then([{ type: 'RegistrationCancelled', data: { registrationId: 'r2', cancelledBy: 'bob' } }]));
  it('refuses cancelling someone else’s registration', () => spec(full).when(cancel(cat, 'r1')).thenRefuses('FORBIDDEN'));
  it('lets the organizer cancel a registration', () =>
    spec(full)
      .when(cancel(organizer, 'r3'))
      .then([{ type: 'RegistrationCancelled', data: { registrationId: 'r3', cancelledBy: 'org-1' } }]));
  it('refuses cancelling an unknown registration', () => spec(full).when(cancel(ann, 'nope')).thenRefuses('NOT_FOUND'));
  it('refuses cancelling twice', () =>
    spec([...full, { type: 'RegistrationCancelled', data: { registrationId: 'r2', cancelledBy: 'bob' } }])
      .when(cancel(bob, 'r2'))
      .thenRefuses('CONFLICT'));
  it('promotes in order when capacity grows', () =>
    spec(full)
      .when({ type: 'ChangeCapacity', data: { actor: organizer, now, capacity: 3 } })
      .then([{ type: 'CapacityChanged', data: { capacity: 3 } }, confirmed('r2', 'bob', 'promotion'), confirmed('r3', 'cat', 'promotion')]));
  it('refuses a capacity below the confirmed seats', () =>
    spec([...open(2), confirmed('r1', 'ann'), confirmed('r2', 'bob')])
      .when({ type: 'ChangeCapacity', data: { actor: organizer, now, capacity: 1 } })
      .thenRefuses('CAPACITY'));
});

describe('Tickets', () => {
  it('reissues a confirmed ticket with the next version', () =>
    spec([...open(), confirmed('r1', 'ann')])
      .when({ type: 'ReissueTicket', data: { actor: ann, now, registrationId: 'r1' } })
      .then([{ type: 'TicketReissued', data: { registrationId: 'r1', version: 2 } }]));
  it('refuses reissuing for a waitlisted registration or someone else', () => {
    spec([...open(1), confirmed('r1', 'ann'), waitlisted('r2', 'bob')])
      .when({ type: 'ReissueTicket', data: { actor: bob, now, registrationId: 'r2' } })
      .thenRefuses('CONFLICT');
    spec([...open(), confirmed('r1', 'ann')])
      .when({ type: 'ReissueTicket', data: { actor: bob, now, registrationId: 'r1' } })
      .thenRefuses('FORBIDDEN');
  });
  it('counts ticket versions across confirmations and reissues', () => {
    const state = [...open(), confirmed('r1', 'ann'), { type: 'TicketReissued', data: { registrationId: 'r1', version: 2 } } as EventEvent].reduce(
      evolve,
      initialState(),
    );
    expect(state.status !== 'none' && registrationOf(state, 'r1')?.ticketVersion).toBe(2);
  });
});

describe('addLocalDays', () => {
  it('keeps the wall-clock time across the autumn DST change in New York', () => {
    // 09:00 EDT on 2026-10-31 is 13:00Z; a week later EST applies, so 09:00 is 14:00Z.
    const start = Date.parse('2026-10-31T13:00:00.000Z');
    expect(new Date(addLocalDays(start, 7, 'America/New_York')).toISOString()).toBe('2026-11-07T14:00:00.000Z');
  });
});
