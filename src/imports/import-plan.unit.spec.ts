import { describe, expect, it } from 'vitest';
import type { AddressOwner } from '../commands/accounts/invitations.js';
import { deterministicId } from '../commands/deterministic-id.js';
import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/domain-error.js';
import { type EventDetails, type EventEvent, type EventState, evolve, initialState } from '../domain/event/event.js';
import { readAttendeeFile } from './attendee-file.js';
import { checkRows } from './attendee-rows.js';
import { type PlannedRow, planImport, registrationCommandId, registrationIdOf } from './import-plan.js';

const EVENT_ID = '3c1f0e2d-7b6a-4c59-8e1d-0f2a3b4c5d6e';
const organizer: Actor = { accountId: 'org-1', roles: ['organizer'] };
const now = new Date('2026-06-01T10:00:00.000Z');
const accountOf = (email: string) => deterministicId('account of', email);
const keyOf = (email: string) => `key-of-${email}`;
const registrationOf = (email: string) => registrationIdOf(registrationCommandId(EVENT_ID, keyOf(email)), EVENT_ID);

const details: EventDetails = {
  title: 'Meetup',
  description: '',
  venue: 'Hall',
  timeZone: 'Europe/Warsaw',
  registrationOpensAt: '2026-05-01T00:00:00.000Z',
  registrationClosesAt: '2026-07-01T00:00:00.000Z',
  requiresApproval: false,
  faceVerification: 'off',
};
const session = { sessionId: 's', startsAt: '2026-07-02T16:00:00.000Z', endsAt: '2026-07-02T18:00:00.000Z', checkInOpensAt: '2026-07-02T15:00:00.000Z', checkInClosesAt: '2026-07-02T18:00:00.000Z' };

const eventWith = (capacity: number, ...later: EventEvent[]): EventState =>
  [
    { type: 'EventCreated', data: { eventId: EVENT_ID, organizerId: organizer.accountId, details, capacity } } as EventEvent,
    { type: 'SessionsScheduled', data: { sessions: [session] } } as EventEvent,
    { type: 'EventPublished', data: { eventId: EVENT_ID } } as EventEvent,
    ...later,
  ].reduce(evolve, initialState());

/** Every address has an account but those listed as new, which an invitation would make. */
const plan = (csv: string, event: EventState, { fresh = [] as string[], actor = organizer } = {}): PlannedRow[] => {
  const rows = checkRows(readAttendeeFile(new TextEncoder().encode(csv)).rows);
  const owners = new Map<string, AddressOwner>(
    rows.flatMap((checked) => {
      if (checked.kind !== 'candidate') return [];
      const { email } = checked.candidate;
      const owner: AddressOwner = fresh.includes(email)
        ? { kind: 'invitee', accountId: accountOf(email), addressKey: keyOf(email), commandId: `invite ${email}`, holder: undefined }
        : { kind: 'holder', accountId: accountOf(email), addressKey: keyOf(email) };
      return [[email, owner]];
    }),
  );
  return planImport({ eventId: EVENT_ID, event, actor, now, rows, owners });
};
const outcomes = (planned: PlannedRow[]) => planned.map(({ report }) => [report.row, report.outcome, report.status]);

describe('Planning an import', () => {
  it('registers everyone with a seat while seats last, then on the waiting list, in the file’s order', () =>
    expect(outcomes(plan('email,name\na@example.org,A\nb@example.org,B\nc@example.org,C\n', eventWith(2)))).toEqual([
      [2, 'will_register', 'confirmed'],
      [3, 'will_register', 'confirmed'],
      [4, 'over_capacity', 'waitlisted'],
    ]));

  it('leaves rows pending as asked, which take no seat, and follows the event’s approval rule for rows without a status', () =>
    expect(outcomes(plan('email,name,status\na@example.org,A,PENDING\nb@example.org,B,\nc@example.org,C,confirmed\n', eventWith(1)))).toEqual([
      [2, 'will_register', 'pending'],
      [3, 'will_register', 'confirmed'],
      [4, 'over_capacity', 'waitlisted'],
    ]));

  it('sends an invitation first for an address without an account, and the same registration command for an address every time', () => {
    const [invited, known] = plan('email,name\nnew@example.org,New\nold@example.org,Old\n', eventWith(5), { fresh: ['new@example.org'] });
    expect(invited!.commands).toMatchObject({ owner: { kind: 'invitee' }, accountId: accountOf('new@example.org'), name: 'New', registrationId: registrationOf('new@example.org') });
    expect(known!.commands).toMatchObject({ owner: { kind: 'holder' }, accountId: accountOf('old@example.org'), registrationId: registrationOf('old@example.org') });
    expect(plan('email,name\nold@example.org,Old\n', eventWith(5))[0]!.commands!.commandId).toBe(known!.commands!.commandId);
  });

  it('leaves out whoever is registered already, and takes no seat for them', () => {
    const planned = plan('email,name\na@example.org,A\nb@example.org,B\n', eventWith(2, { type: 'RegistrationConfirmed', data: { registrationId: 'r-a', attendeeId: accountOf('a@example.org'), via: 'registration' } }));
    expect(outcomes(planned)).toEqual([
      [2, 'already_registered', 'confirmed'],
      [3, 'will_register', 'confirmed'],
    ]);
    expect(planned[0]!.commands).toBeUndefined();
  });

  it('does not register again whom an earlier import registered and who cancelled since', () => {
    const registrationId = registrationOf('a@example.org');
    const attendeeId = accountOf('a@example.org');
    const planned = plan('email,name\na@example.org,A\n', eventWith(2, { type: 'RegistrationConfirmed', data: { registrationId, attendeeId, via: 'registration' } }, { type: 'RegistrationCancelled', data: { registrationId, cancelledBy: attendeeId } }));
    expect(outcomes(planned)).toEqual([[2, 'previously_cancelled', null]]);
    expect(planned[0]!.commands).toBeUndefined();
  });

  it('imports an address once, from its first good row, however it is spelled', () =>
    expect(plan('email,name\nA@Example.org,A\nbad,B\n a@example.org ,A again\n', eventWith(5)).map(({ report }) => report)).toMatchObject([
      { row: 2, email: 'a@example.org', outcome: 'will_register' },
      { row: 3, email: 'bad', outcome: 'invalid_email' },
      { row: 4, email: 'a@example.org', outcome: 'duplicate_in_file', message: 'The address is in row 2 already' },
    ]));

  it.each([
    ['no address', ',Ann', 'invalid_email', /email must be 3 to 254 characters/],
    ['an address without a domain', 'ann@,Ann', 'invalid_email', /email must be an email address/],
    ['an escape sequence in the address, which the report does not repeat', '\u001b[2Jann@example.org,Ann', 'invalid_email', /email must not hold control characters/],
    ['no name', 'ann@example.org,', 'invalid_row', /name must be 1 to 100 characters/],
    ['a control character in the name', 'ann@example.org,Ann\u0007', 'invalid_row', /name must not hold control characters/],
    ['a status other than confirmed or pending', 'ann@example.org,Ann,waitlisted', 'invalid_row', /status must be confirmed or pending/],
    ['a note too long', `ann@example.org,Ann,,${'n'.repeat(501)}`, 'invalid_row', /note must be 1 to 500 characters/],
    ['a note holding a control character', 'ann@example.org,Ann,,"Row 1\u0007"', 'invalid_row', /note must not hold control characters other than tabs and line breaks/],
    ['more fields than the header', 'ann@example.org,Ann,,,x', 'invalid_row', /5 fields where the header has 4/],
  ])('leaves out a row with %s, saying why', (_case, line, outcome, message) => {
    const [row] = plan(`email,name,status,note\n${line}\n`, eventWith(5));
    expect(row!.report).toMatchObject({ outcome, message: expect.stringMatching(message) });
    expect(row!.report.email ?? '').not.toMatch(/\u001b/);
    expect(row!.commands).toBeUndefined();
  });

  it('sends each row’s note, trimmed, with its registration, and no note for a blank one', () => {
    const [noted, blank] = plan('email,name,status,note\nann@example.org,Ann,, Needs wheelchair access \nbob@example.org,Bob,pending,  \n', eventWith(5));
    expect(noted!.commands).toMatchObject({ note: 'Needs wheelchair access' });
    expect(blank!.commands).toMatchObject({ status: 'pending' });
    expect(blank!.commands).not.toHaveProperty('note');
  });

  it('refuses the whole import for an event the actor may not register people for', () => {
    const refused = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as DomainError).code;
      }
      return 'planned';
    };
    const csv = 'email,name\na@example.org,A\n';
    expect(refused(() => plan(csv, initialState()))).toBe('NOT_FOUND');
    expect(refused(() => plan(csv, eventWith(5), { actor: { accountId: 'org-2', roles: ['organizer'] } }))).toBe('FORBIDDEN');
    expect(refused(() => plan(csv, eventWith(5, { type: 'EventCancelled', data: { reason: 'Storm' } })))).toBe('CONFLICT');
    expect(refused(() => plan(csv, eventWith(5), { actor: { accountId: 'admin', roles: ['admin'] } }))).toBe('planned');
  });
});
