import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlClient } from '../../../test/graphql.js';
import { type TestApp, startTestApp } from '../../../test/test-app.js';
import type { Actor } from '../../domain/actor.js';
import { ERASED } from '../../domain/personal-data.js';
import { formatPosition } from '../../eventstore/position.js';
import { ReportHistory, startReportRunners } from '../../reports/report-history.fixture.js';

/*
 * A small history whose every figure is worked out by hand below. Event 1 is in Warsaw
 * (UTC+1 in March 2025), so its days differ from UTC's; it needs approval.
 *
 *   registration  made (UTC)          then                               door
 *   ann           submitted 03-01 22:30 approved 03-02 00:30 (7,200 s)    S1 in 08:52; S2 in 09:20, scanned again 09:25 (already_redeemed)
 *   bob           submitted 03-01 23:30 approved 03-02 05:30 (21,600 s)   S1 in 08:58, undone 09:01, in 09:07
 *   cat           submitted 03-02 10:00 approved 03-03 10:00 (86,400 s)   S2 held for the face 09:10, face_mismatch 09:11
 *   dan           submitted 03-02 11:00 rejected 03-02 12:00
 *   eve           submitted 03-03 09:00 approved 03-03 09:10 (600 s),     S1 scanned 09:03 (revoked)
 *                                       cancelled 03-05
 *   fay           waitlisted 03-04 12:00
 *   gus           submitted 03-04 13:00 (still pending)
 *   hal           submitted 03-04 14:00 approved 03-04 16:00 (7,200 s)    never seen at a door
 *   ivy           submitted 03-09 08:00 approved 03-10 12:00 (100,800 s)  S2 in by hand 08:45
 *   (unreadable code scanned at S1 09:00)
 *
 * S1 is 03-10 09:00-11:00, S2 03-11 09:00-11:00 (UTC).
 */
const organizer: Actor = { accountId: randomUUID(), roles: ['organizer'] };
const otherOrganizer: Actor = { accountId: randomUUID(), roles: ['organizer'] };
const staff: Actor = { accountId: randomUUID(), roles: ['staff'] };
const admin: Actor = { accountId: randomUUID(), roles: ['admin'] };

let rollcall: TestApp;
let runners: Awaited<ReturnType<typeof startReportRunners>>;
const gql = graphqlClient(() => rollcall.app);
const people: Record<string, string> = {};
let history: ReportHistory;
let event1: { eventId: string; sessionIds: string[] };
let event2: { eventId: string; sessionIds: string[] };

const door = { staffId: 'door' };

const seed = async (history: ReportHistory) => {
  for (const name of ['ann', 'bob', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal', 'ivy']) people[name] = await history.person(`${name[0]!.toUpperCase()}${name.slice(1)}`, `${name}@example.org`);
  const p = people as Record<'ann' | 'bob' | 'cat' | 'dan' | 'eve' | 'fay' | 'gus' | 'hal' | 'ivy', string>;
  event1 = await history.event(
    organizer.accountId,
    { title: 'Spring course', timeZone: 'Europe/Warsaw', requiresApproval: true, staffId: staff.accountId, sessions: [['2025-03-10T09:00:00Z', '2025-03-10T11:00:00Z'], ['2025-03-11T09:00:00Z', '2025-03-11T11:00:00Z']] },
    '2025-02-20T00:00:00Z',
  );
  const { eventId } = event1;
  const [s1, s2] = event1.sessionIds as [string, string];
  const approved = async (who: string, submitted: string, approval: string) => {
    const id = await history.submit(eventId, who, submitted);
    await history.confirm(eventId, id, who, 'approval', approval);
    return id;
  };
  const ann = await approved(p.ann, '2025-03-01T22:30:00Z', '2025-03-02T00:30:00Z');
  const bob = await approved(p.bob, '2025-03-01T23:30:00Z', '2025-03-02T05:30:00Z');
  const cat = await approved(p.cat, '2025-03-02T10:00:00Z', '2025-03-03T10:00:00Z');
  await history.reject(eventId, await history.submit(eventId, p.dan, '2025-03-02T11:00:00Z'), '2025-03-02T12:00:00Z');
  const eve = await approved(p.eve, '2025-03-03T09:00:00Z', '2025-03-03T09:10:00Z');
  await history.cancel(eventId, eve, '2025-03-05T08:00:00Z');
  await history.waitlist(eventId, p.fay, '2025-03-04T12:00:00Z');
  await history.submit(eventId, p.gus, '2025-03-04T13:00:00Z');
  await approved(p.hal, '2025-03-04T14:00:00Z', '2025-03-04T16:00:00Z');
  const ivy = await approved(p.ivy, '2025-03-09T08:00:00Z', '2025-03-10T12:00:00Z');

  const at = (sessionId: string, registrationId: string, attendeeId: string) => ({ eventId, sessionId, registrationId, attendeeId, ...door });
  const scan = { method: 'scan' as const, reason: null };
  await history.door({ type: 'CheckedIn', data: { ...at(s1, ann, p.ann), ...scan } }, '2025-03-10T08:52:00Z');
  await history.door({ type: 'CheckedIn', data: { ...at(s1, bob, p.bob), ...scan } }, '2025-03-10T08:58:00Z');
  await history.door({ type: 'UnreadableTicketScanned', data: { eventId, sessionId: s1, ...door } }, '2025-03-10T09:00:00Z');
  await history.door({ type: 'CheckInUndone', data: { eventId, sessionId: s1, registrationId: bob, ...door, reason: 'wrong person' } }, '2025-03-10T09:01:00Z');
  await history.door({ type: 'ScanRefused', data: { eventId, sessionId: s1, registrationId: eve, ...door, result: 'revoked' } }, '2025-03-10T09:03:00Z');
  await history.door({ type: 'CheckedIn', data: { ...at(s1, bob, p.bob), ...scan } }, '2025-03-10T09:07:00Z');
  await history.door({ type: 'CheckedIn', data: { ...at(s2, ivy, p.ivy), method: 'manual', reason: 'phone died' } }, '2025-03-11T08:45:00Z');
  await history.door({ type: 'CheckInAwaitingFace', data: { ...at(s2, cat, p.cat), scanId: 'scan-cat' } }, '2025-03-11T09:10:00Z');
  const scores = { similarity: 0.2, threshold: 0.5, liveness: 0.9, livenessThreshold: 0.5, modelVersions: {} as never };
  await history.door({ type: 'FaceMismatched', data: { ...at(s2, cat, p.cat), scanId: 'scan-cat', ...scores, result: 'face_mismatch' } }, '2025-03-11T09:11:00Z');
  await history.door({ type: 'CheckedIn', data: { ...at(s2, ann, p.ann), ...scan } }, '2025-03-11T09:20:00Z');
  await history.door({ type: 'ScanRefused', data: { eventId, sessionId: s2, registrationId: ann, ...door, result: 'already_redeemed' } }, '2025-03-11T09:25:00Z');

  // Event 2, in April: ann and cat come, dan does not.
  event2 = await history.event(organizer.accountId, { title: 'April talk', sessions: [['2025-04-10T18:00:00Z', '2025-04-10T20:00:00Z']] }, '2025-03-20T00:00:00Z');
  const [april] = event2.sessionIds as [string];
  for (const [who, time] of [[p.ann, '2025-04-10T17:55:00Z'], [p.cat, '2025-04-10T18:05:00Z'], [p.dan, undefined]] as const) {
    const id = await history.register(event2.eventId, who, '2025-04-01T10:00:00Z');
    if (time) await history.door({ type: 'CheckedIn', data: { eventId: event2.eventId, sessionId: april, registrationId: id, attendeeId: who, ...door, ...scan } }, time);
  }
  // Event 3, in June, outside the report period; event 4, another organizer's, in it.
  for (const [owner, day] of [[organizer.accountId, '2025-06-10'], [otherOrganizer.accountId, '2025-04-20']] as const) {
    const other = await history.event(owner, { sessions: [[`${day}T18:00:00Z`, `${day}T20:00:00Z`]] }, '2025-03-20T00:00:00Z');
    for (const who of [p.ann, p.bob]) {
      const id = await history.register(other.eventId, who, '2025-04-01T10:00:00Z');
      await history.door({ type: 'CheckedIn', data: { eventId: other.eventId, sessionId: other.sessionIds[0]!, registrationId: id, attendeeId: who, ...door, ...scan } }, `${day}T18:00:00Z`);
    }
  }
};

beforeAll(async () => {
  rollcall = await startTestApp();
  runners = await startReportRunners(rollcall.store, rollcall.db.pool);
  history = new ReportHistory(rollcall.store);
  await seed(history);
  await runners.caughtUp();
}, 120_000);
afterAll(async () => {
  await runners?.stop();
  await rollcall?.close();
});

const EVENT_REPORT = `query ($e: ID!) { eventReport(eventId: $e) {
  eventId title timeZone registrationsPerDay { day registrations } approvalTurnaround { approvals medianSeconds p90Seconds }
  registrations { pending confirmed waitlisted cancelled rejected } attended showUpRate unusedTickets refusals { reason scans }
  sessions { sessionId startsAt endsAt checkedIn noShows noShowRate arrivals { startsAt minutesFromStart checkIns } refusals { reason scans } } } }`;

const ORGANIZER_REPORT = `query ($from: DateTime!, $to: DateTime!, $o: ID, $top: Int) { organizerReport(from: $from, to: $to, organizerId: $o, top: $top) {
  organizerId from to events { eventId title status startsAt confirmed attended showUpRate }
  topAttendees { attendeeId name email eventsAttended } attendees repeatAttendees repeatAttendanceRate } }`;

const SPRING = { from: '2025-03-01T00:00:00Z', to: '2025-06-01T00:00:00Z' };

describe('eventReport', () => {
  it('shows the hand-computed figures of a small history', async () => {
    const result = await gql(organizer, EVENT_REPORT, { e: event1.eventId });
    expect(result.errors).toBeUndefined();
    const report = result.data.eventReport;
    const [s1, s2] = event1.sessionIds;
    expect(report).toEqual({
      eventId: event1.eventId,
      title: 'Spring course',
      timeZone: 'Europe/Warsaw',
      // In Warsaw bob's 23:30 UTC is 00:30 the next day: UTC days would read 2, 2, 1, 3, 1.
      registrationsPerDay: [
        { day: '2025-03-01', registrations: 1 },
        { day: '2025-03-02', registrations: 3 },
        { day: '2025-03-03', registrations: 1 },
        { day: '2025-03-04', registrations: 3 },
        { day: '2025-03-09', registrations: 1 },
      ],
      // 600, 7,200, 7,200, 21,600, 86,400, 100,800 s: the median halfway between the 3rd and 4th, p90 halfway between the 5th and 6th.
      approvalTurnaround: { approvals: 6, medianSeconds: 14_400, p90Seconds: 93_600 },
      registrations: { pending: 1, confirmed: 5, waitlisted: 1, cancelled: 1, rejected: 1 },
      attended: 3,
      showUpRate: 0.6,
      unusedTickets: 1,
      refusals: [
        { reason: 'already_redeemed', scans: 1 },
        { reason: 'face_mismatch', scans: 1 },
        { reason: 'invalid', scans: 1 },
        { reason: 'revoked', scans: 1 },
      ],
      sessions: [
        {
          sessionId: s1,
          startsAt: '2025-03-10T09:00:00.000Z',
          endsAt: '2025-03-10T11:00:00.000Z',
          checkedIn: 2,
          // ann, bob, cat and hal were confirmed by its end (ivy only after it); cat and hal did not come.
          noShows: 2,
          noShowRate: 0.5,
          arrivals: [
            { startsAt: '2025-03-10T08:50:00.000Z', minutesFromStart: -10, checkIns: 1 },
            { startsAt: '2025-03-10T09:05:00.000Z', minutesFromStart: 5, checkIns: 1 },
          ],
          refusals: [
            { reason: 'invalid', scans: 1 },
            { reason: 'revoked', scans: 1 },
          ],
        },
        {
          sessionId: s2,
          startsAt: '2025-03-11T09:00:00.000Z',
          endsAt: '2025-03-11T11:00:00.000Z',
          checkedIn: 2,
          noShows: 3,
          noShowRate: 0.6,
          arrivals: [
            { startsAt: '2025-03-11T08:45:00.000Z', minutesFromStart: -15, checkIns: 1 },
            { startsAt: '2025-03-11T09:20:00.000Z', minutesFromStart: 20, checkIns: 1 },
          ],
          refusals: [
            { reason: 'already_redeemed', scans: 1 },
            { reason: 'face_mismatch', scans: 1 },
          ],
        },
      ],
    });
  });

  it('waits with atPosition until the read models have a write the caller made', async () => {
    const event = await history.event(organizer.accountId, { sessions: [['2025-09-01T18:00:00Z', '2025-09-01T20:00:00Z']] }, '2025-08-01T00:00:00Z');
    await history.register(event.eventId, people.ann!, '2025-08-02T00:00:00Z');
    const at = formatPosition((await rollcall.store.headPosition())!);
    const result = await gql(organizer, `query ($e: ID!, $at: String) { eventReport(eventId: $e, atPosition: $at) { registrations { confirmed } } }`, { e: event.eventId, at });
    expect(result.errors).toBeUndefined();
    expect(result.data.eventReport.registrations.confirmed).toBe(1);
  });

  it('shows the same report to the event’s staff and to admins', async () => {
    const expected = (await gql(organizer, EVENT_REPORT, { e: event1.eventId })).data;
    expect((await gql(staff, EVENT_REPORT, { e: event1.eventId })).data).toEqual(expected);
    expect((await gql(admin, EVENT_REPORT, { e: event1.eventId })).data).toEqual(expected);
  });

  it('is FORBIDDEN to another organizer, NOT_FOUND for an event that does not exist, and needs a login', async () => {
    expect((await gql(otherOrganizer, EVENT_REPORT, { e: event1.eventId })).code).toBe('FORBIDDEN');
    expect((await gql(admin, EVENT_REPORT, { e: randomUUID() })).code).toBe('NOT_FOUND');
    expect((await gql(undefined, EVENT_REPORT, { e: event1.eventId })).code).toBe('UNAUTHENTICATED');
    expect((await gql(admin, EVENT_REPORT, { e: 'not-an-event' })).code).toBe('VALIDATION');
  });
});

describe('organizerReport', () => {
  /** ann came to both spring events; bob, cat and ivy to one each, in account id order. */
  const springTop = () => [
    { attendeeId: people.ann, eventsAttended: 2 },
    ...[people.bob!, people.cat!, people.ivy!].sort().map((attendeeId) => ({ attendeeId, eventsAttended: 1 })),
  ];

  // Spring holds more attendances (five) than the organizer has attendees (four): counted from each attendee's list of when their events start.
  it('shows each event’s show-up rate, who came most often and how many came again, over the events starting in the period', async () => {
    const result = await gql(organizer, ORGANIZER_REPORT, SPRING);
    expect(result.errors).toBeUndefined();
    const report = result.data.organizerReport;
    expect(report).toMatchObject({ organizerId: organizer.accountId, from: '2025-03-01T00:00:00.000Z', to: '2025-06-01T00:00:00.000Z', attendees: 4, repeatAttendees: 1, repeatAttendanceRate: 0.25 });
    expect(report.events).toEqual([
      { eventId: event1.eventId, title: 'Spring course', status: 'published', startsAt: '2025-03-10T09:00:00.000Z', confirmed: 5, attended: 3, showUpRate: 0.6 },
      { eventId: event2.eventId, title: 'April talk', status: 'published', startsAt: '2025-04-10T18:00:00.000Z', confirmed: 3, attended: 2, showUpRate: 2 / 3 },
    ]);
    expect(report.topAttendees.map(({ attendeeId, eventsAttended }: { attendeeId: string; eventsAttended: number }) => ({ attendeeId, eventsAttended }))).toEqual(springTop());
    expect(report.topAttendees[0]).toMatchObject({ name: 'Ann', email: 'ann@example.org' });
  });

  it('counts the same whether it counts the period’s attendances or the attendees’ lists (April alone: the former)', async () => {
    const report = (await gql(organizer, ORGANIZER_REPORT, { from: '2025-04-01T00:00:00Z', to: '2025-05-01T00:00:00Z' })).data.organizerReport;
    expect(report.events.map((e: { eventId: string }) => e.eventId)).toEqual([event2.eventId]);
    expect(report.topAttendees.map(({ attendeeId, eventsAttended }: { attendeeId: string; eventsAttended: number }) => ({ attendeeId, eventsAttended }))).toEqual(
      [people.ann!, people.cat!].sort().map((attendeeId) => ({ attendeeId, eventsAttended: 1 })),
    );
    expect(report).toMatchObject({ attendees: 2, repeatAttendees: 0, repeatAttendanceRate: 0 });
  });

  it('counts a later event once the period reaches it, and keeps to the top asked for', async () => {
    const report = (await gql(organizer, ORGANIZER_REPORT, { from: SPRING.from, to: '2025-07-01T00:00:00Z', top: 2 })).data.organizerReport;
    expect(report.events).toHaveLength(3);
    expect(report.topAttendees.map((a: { eventsAttended: number }) => a.eventsAttended)).toEqual([3, 2]);
    expect(report.topAttendees[1].attendeeId).toBe(people.bob);
  });

  it('shows an erased attendee as erased', async () => {
    const erased = await gql(admin, `mutation ($a: ID!) { eraseAccount(accountId: $a) { accountId } }`, { a: people.bob });
    expect(erased.errors).toBeUndefined();
    await runners.caughtUp();
    const top = (await gql(organizer, ORGANIZER_REPORT, SPRING)).data.organizerReport.topAttendees;
    expect(top.find((a: { attendeeId: string }) => a.attendeeId === people.bob)).toEqual({ attendeeId: people.bob, name: ERASED, email: ERASED, eventsAttended: 1 });
  });

  it('shows an admin another organizer’s report without names or addresses', async () => {
    const report = (await gql(admin, ORGANIZER_REPORT, { ...SPRING, o: organizer.accountId })).data.organizerReport;
    expect(report.topAttendees.map(({ attendeeId, eventsAttended }: { attendeeId: string; eventsAttended: number }) => ({ attendeeId, eventsAttended }))).toEqual(springTop());
    expect(report.topAttendees.every((a: { name: unknown; email: unknown }) => a.name === null && a.email === null)).toBe(true);
  });

  it('is FORBIDDEN for another organizer’s report and to attendees, needs a login, and refuses a period or a top that cannot be', async () => {
    expect((await gql(otherOrganizer, ORGANIZER_REPORT, { ...SPRING, o: organizer.accountId })).code).toBe('FORBIDDEN');
    expect((await gql({ accountId: randomUUID(), roles: ['attendee'] }, ORGANIZER_REPORT, SPRING)).code).toBe('FORBIDDEN');
    expect((await gql(undefined, ORGANIZER_REPORT, SPRING)).code).toBe('UNAUTHENTICATED');
    expect((await gql(organizer, ORGANIZER_REPORT, { from: SPRING.to, to: SPRING.from })).code).toBe('VALIDATION');
    expect((await gql(organizer, ORGANIZER_REPORT, { ...SPRING, top: 0 })).code).toBe('VALIDATION');
    expect((await gql(organizer, ORGANIZER_REPORT, { from: 'spring', to: SPRING.to })).code).toBe('VALIDATION');
  });

  it('left the projections running without a failure', () => {
    expect(runners.failures).toEqual([]);
  });
});
