import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenAccount } from '../../test/accounts.js';
import { type TestApp, startTestApp } from '../../test/test-app.js';
import type { Actor } from '../domain/actor.js';
import { registrationOf } from '../domain/event/event.js';

let rollcall: TestApp;
const tokens = new Map<string, string>();

beforeAll(async () => {
  rollcall = await startTestApp();
  await givenAccount(rollcall.store, staff);
});
afterAll(() => rollcall?.close());

const organizer: Actor = { accountId: 'org-1', roles: ['organizer'] };
const staff: Actor = { accountId: '5a7f0000-0000-4000-8000-000000000001', roles: ['staff'] };
const ann: Actor = { accountId: 'ann', roles: ['attendee'] };
const bob: Actor = { accountId: 'bob', roles: ['attendee'] };

const tokenOf = async (actor: Actor) => {
  if (!tokens.has(actor.accountId)) tokens.set(actor.accountId, (await rollcall.app.tokens.issueAccessToken(actor)).token);
  return tokens.get(actor.accountId)!;
};

interface GqlResponse {
  status: number;
  data: Record<string, any> | null;
  errors: { message: string; extensions: { code: string } }[] | undefined;
}

const gql = async (actor: Actor | undefined, query: string, variables: Record<string, unknown> = {}): Promise<GqlResponse> => {
  const response = await rollcall.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', ...(actor ? { authorization: `Bearer ${await tokenOf(actor)}` } : {}) },
    payload: JSON.stringify({ query, variables }),
  });
  const body = response.json();
  return { status: response.statusCode, data: body.data ?? null, errors: body.errors };
};

const codeOf = (response: GqlResponse) => response.errors?.[0]?.extensions.code;
const eventCount = async () => Number((await rollcall.db.pool.query('SELECT count(*) FROM rollcall.events')).rows[0].count);

const HOUR = 3_600_000;
const detailsInput = (overrides: Record<string, unknown> = {}) => ({
  title: 'Rust meetup',
  venue: 'Hall A',
  timeZone: 'Europe/Warsaw',
  registrationOpensAt: new Date(Date.now() - 24 * HOUR).toISOString(),
  registrationClosesAt: new Date(Date.now() + 24 * HOUR).toISOString(),
  ...overrides,
});

const CREATE = `mutation ($details: EventDetailsInput!, $capacity: Int!, $commandId: ID) {
  createEvent(details: $details, capacity: $capacity, commandId: $commandId) { eventId status capacity position } }`;
const SCHEDULE = `mutation ($eventId: ID!, $plan: SessionPlanInput!) {
  scheduleSessions(eventId: $eventId, plan: $plan) { sessions { sessionId startsAt checkInOpensAt } position } }`;
const REGISTER = `mutation ($eventId: ID!, $commandId: ID) {
  register(eventId: $eventId, commandId: $commandId) { registrationId status position ticket { ticketId version code qrPngUrl qrSvgUrl } } }`;
const CHECK_IN = `mutation ($eventId: ID!, $sessionId: ID!, $code: String!) {
  checkIn(eventId: $eventId, sessionId: $sessionId, code: $code) { result registrationId attendeeId position } }`;

/** A published event whose only session's doors are open now, with the staff member assigned. */
const openEvent = async (capacity = 10, details: Record<string, unknown> = {}) => {
  const created = await gql(organizer, CREATE, { details: detailsInput(details), capacity });
  const eventId = created.data!.createEvent.eventId as string;
  const scheduled = await gql(organizer, SCHEDULE, {
    eventId,
    plan: { startsAt: new Date(Date.now() + HOUR / 2).toISOString(), endsAt: new Date(Date.now() + 2 * HOUR).toISOString() },
  });
  await gql(organizer, 'mutation ($eventId: ID!, $s: ID!) { assignStaff(eventId: $eventId, staffId: $s) { eventId } }', { eventId, s: staff.accountId });
  const published = await gql(organizer, 'mutation ($eventId: ID!) { publishEvent(eventId: $eventId) { status position } }', { eventId });
  expect(published.data!.publishEvent.status).toBe('published');
  return { eventId, sessionId: scheduled.data!.scheduleSessions.sessions[0].sessionId as string };
};

describe('organizing an event', () => {
  it('creates, schedules a weekly series, assigns staff and publishes, returning positions', async () => {
    const created = await gql(organizer, CREATE, { details: detailsInput(), capacity: 50 });
    expect(created.errors).toBeUndefined();
    expect(created.data!.createEvent).toMatchObject({ status: 'draft', capacity: 50 });
    expect(created.data!.createEvent.position).toMatch(/^\d+$/);
    const eventId = created.data!.createEvent.eventId;
    const scheduled = await gql(organizer, SCHEDULE, {
      eventId,
      plan: { startsAt: '2026-12-03T18:00:00Z', endsAt: '2026-12-03T20:00:00Z', repeat: { every: 'week', count: 4 } },
    });
    expect(scheduled.data!.scheduleSessions.sessions).toHaveLength(4);
    expect((await rollcall.store.readStream(`event-${eventId}`)).map((e) => e.type)).toEqual(['EventCreated', 'SessionsScheduled']);
    const last = (await rollcall.store.readStream(`event-${eventId}`)).at(-1)!;
    expect(last.metadata).toMatchObject({ actorId: 'org-1', schemaVersion: 1 });
  });

  it('refuses an attendee creating events, another organizer publishing, and anonymous callers', async () => {
    expect(codeOf(await gql(ann, CREATE, { details: detailsInput(), capacity: 5 }))).toBe('FORBIDDEN');
    const { eventId } = await openEvent();
    const other: Actor = { accountId: 'org-2', roles: ['organizer'] };
    expect(codeOf(await gql(other, 'mutation ($e: ID!) { cancelEvent(eventId: $e, reason: "x") { status } }', { e: eventId }))).toBe('FORBIDDEN');
    expect(codeOf(await gql(undefined, REGISTER, { eventId }))).toBe('UNAUTHENTICATED');
  });

  it('refuses capacity below the confirmed seats with CAPACITY', async () => {
    const { eventId } = await openEvent(2);
    await gql(ann, REGISTER, { eventId });
    await gql(bob, REGISTER, { eventId });
    const response = await gql(organizer, 'mutation ($e: ID!) { changeCapacity(eventId: $e, capacity: 1) { capacity } }', { e: eventId });
    expect(codeOf(response)).toBe('CAPACITY');
  });
});

describe('bad input changes nothing', () => {
  it.each([
    ['an unknown time zone', { details: detailsInput({ timeZone: 'Mars/Base' }), capacity: 5 }, 'VALIDATION'],
    ['an oversized title', { details: detailsInput({ title: 'x'.repeat(10_000) }), capacity: 5 }, 'VALIDATION'],
    ['a negative capacity', { details: detailsInput(), capacity: -3 }, 'VALIDATION'],
    ['a bad command id', { details: detailsInput(), capacity: 5, commandId: 'spaces are not allowed' }, 'VALIDATION'],
    ['a capacity of the wrong type', { details: detailsInput(), capacity: 'ten' }, 'GRAPHQL_VALIDATION'],
  ])('refuses %s', async (_, variables, code) => {
    const before = await eventCount();
    expect(codeOf(await gql(organizer, CREATE, variables))).toBe(code);
    expect(await eventCount()).toBe(before);
  });

  it('refuses ids that are not UUIDs, unknown events and oversized scans', async () => {
    const before = await eventCount();
    expect(codeOf(await gql(ann, REGISTER, { eventId: 'not-a-uuid' }))).toBe('VALIDATION');
    expect(codeOf(await gql(ann, REGISTER, { eventId: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
    const { eventId, sessionId } = await openEvent();
    const afterSetup = await eventCount();
    expect(codeOf(await gql(staff, CHECK_IN, { eventId, sessionId, code: 'x'.repeat(5_000) }))).toBe('VALIDATION');
    expect(await eventCount()).toBe(afterSetup);
    expect(afterSetup).toBeGreaterThan(before);
  });

  it('refuses a malformed, expired or foreign access token with 401 and writes nothing', async () => {
    const { eventId } = await openEvent();
    const before = await eventCount();
    for (const token of ['garbage', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbm4ifQ.']) {
      const response = await rollcall.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        payload: JSON.stringify({ query: REGISTER, variables: { eventId } }),
      });
      expect(response.statusCode).toBe(401);
    }
    expect(await eventCount()).toBe(before);
  });
});

describe('registering and tickets', () => {
  it('confirms a registration with a ticket whose QR its holder can download', async () => {
    const { eventId } = await openEvent();
    const registered = await gql(ann, REGISTER, { eventId });
    expect(registered.data!.register).toMatchObject({ status: 'confirmed', ticket: { version: 1 } });
    const ticket = registered.data!.register.ticket;
    const png = await rollcall.app.inject({ method: 'GET', url: ticket.qrPngUrl, headers: { authorization: `Bearer ${await tokenOf(ann)}` } });
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const svg = await rollcall.app.inject({ method: 'GET', url: ticket.qrSvgUrl, headers: { authorization: `Bearer ${await tokenOf(ann)}` } });
    expect(svg.body).toMatch(/^<svg/);
    const stolen = await rollcall.app.inject({ method: 'GET', url: ticket.qrPngUrl, headers: { authorization: `Bearer ${await tokenOf(bob)}` } });
    expect(stolen.statusCode).toBe(403);
    expect((await rollcall.app.inject({ method: 'GET', url: ticket.qrPngUrl })).statusCode).toBe(401);
    expect((await rollcall.app.inject({ method: 'GET', url: '/tickets/nope/qr.png', headers: { authorization: `Bearer ${await tokenOf(ann)}` } })).statusCode).toBe(404);
  });

  it('takes a resent register once and answers it the same', async () => {
    const { eventId } = await openEvent();
    const first = await gql(ann, REGISTER, { eventId, commandId: 'reg-1' });
    const before = await eventCount();
    const again = await gql(ann, REGISTER, { eventId, commandId: 'reg-1' });
    expect(again.data!.register.registrationId).toBe(first.data!.register.registrationId);
    expect(again.data!.register.position).toBe(first.data!.register.position);
    expect(await eventCount()).toBe(before);
    // The same command id from another account is another command.
    expect((await gql(bob, REGISTER, { eventId, commandId: 'reg-1' })).data!.register.registrationId).not.toBe(
      first.data!.register.registrationId,
    );
  });

  it('keeps approval-required registrations pending until approved, then issues the ticket', async () => {
    const { eventId } = await openEvent(1, { requiresApproval: true });
    const pending = (await gql(ann, REGISTER, { eventId })).data!.register;
    expect(pending).toMatchObject({ status: 'pending', ticket: null });
    const approve = 'mutation ($e: ID!, $r: ID!) { approveRegistration(eventId: $e, registrationId: $r) { status ticket { version } } }';
    expect(codeOf(await gql(ann, approve, { e: eventId, r: pending.registrationId }))).toBe('FORBIDDEN');
    expect((await gql(organizer, approve, { e: eventId, r: pending.registrationId })).data!.approveRegistration).toEqual({
      status: 'confirmed',
      ticket: { version: 1 },
    });
    const second = (await gql(bob, REGISTER, { eventId })).data!.register;
    const reject = 'mutation ($e: ID!, $r: ID!) { rejectRegistration(eventId: $e, registrationId: $r, reason: "Members only") { status } }';
    expect((await gql(organizer, reject, { e: eventId, r: second.registrationId })).data!.rejectRegistration.status).toBe('rejected');
  });

  it('waitlists when full and promotes when a seat frees', async () => {
    const { eventId } = await openEvent(1);
    const annReg = (await gql(ann, REGISTER, { eventId })).data!.register;
    const bobReg = (await gql(bob, REGISTER, { eventId })).data!.register;
    expect(bobReg.status).toBe('waitlisted');
    const cancel = 'mutation ($e: ID!, $r: ID!) { cancelRegistration(eventId: $e, registrationId: $r) { status } }';
    expect(codeOf(await gql(bob, cancel, { e: eventId, r: annReg.registrationId }))).toBe('FORBIDDEN');
    expect((await gql(ann, cancel, { e: eventId, r: annReg.registrationId })).data!.cancelRegistration.status).toBe('cancelled');
    const event = await rollcall.app.attendance.events.currentEvent(eventId);
    expect(registrationOf(event, bobReg.registrationId)?.status).toBe('confirmed');
  });
});

describe('checking in', () => {
  it('answers ok, then already_redeemed, and invalid for a tampered code', async () => {
    const { eventId, sessionId } = await openEvent();
    const { ticket, registrationId } = (await gql(ann, REGISTER, { eventId })).data!.register;
    const first = (await gql(staff, CHECK_IN, { eventId, sessionId, code: ticket.code })).data!.checkIn;
    expect(first).toMatchObject({ result: 'ok', registrationId, attendeeId: 'ann' });
    expect(first.position).toMatch(/^\d+$/);
    expect((await gql(staff, CHECK_IN, { eventId, sessionId, code: ticket.code })).data!.checkIn.result).toBe('already_redeemed');
    const tampered = `${ticket.code.slice(0, -4)}AAAA`;
    expect((await gql(staff, CHECK_IN, { eventId, sessionId, code: tampered })).data!.checkIn.result).toBe('invalid');
    expect(codeOf(await gql(bob, CHECK_IN, { eventId, sessionId, code: ticket.code }))).toBe('FORBIDDEN');
  });

  it('answers wrong_event for a ticket of another event, and revoked after a reissue or a cancellation', async () => {
    const { eventId, sessionId } = await openEvent();
    const other = await openEvent();
    const otherTicket = (await gql(ann, REGISTER, { eventId: other.eventId })).data!.register.ticket;
    expect((await gql(staff, CHECK_IN, { eventId, sessionId, code: otherTicket.code })).data!.checkIn.result).toBe('wrong_event');

    const registration = (await gql(bob, REGISTER, { eventId })).data!.register;
    const reissue = 'mutation ($e: ID!, $r: ID!) { reissueTicket(eventId: $e, registrationId: $r) { ticket { version code } } }';
    const reissued = (await gql(bob, reissue, { e: eventId, r: registration.registrationId })).data!.reissueTicket.ticket;
    expect(reissued.version).toBe(2);
    expect((await gql(staff, CHECK_IN, { eventId, sessionId, code: registration.ticket.code })).data!.checkIn.result).toBe('revoked');
    expect((await gql(staff, CHECK_IN, { eventId, sessionId, code: reissued.code })).data!.checkIn.result).toBe('ok');

    await gql(organizer, 'mutation ($e: ID!) { cancelEvent(eventId: $e, reason: "Storm") { status } }', { e: other.eventId });
    expect((await gql(staff, CHECK_IN, { eventId: other.eventId, sessionId: other.sessionId, code: otherTicket.code })).data!.checkIn.result).toBe(
      'revoked',
    );
  });

  it('checks in by hand with a reason and undoes it, recording both', async () => {
    const { eventId, sessionId } = await openEvent();
    const { registrationId } = (await gql(ann, REGISTER, { eventId })).data!.register;
    const manual = `mutation ($e: ID!, $s: ID!, $r: ID!, $why: String!) {
      manualCheckIn(eventId: $e, sessionId: $s, registrationId: $r, reason: $why) { result } }`;
    const undo = `mutation ($e: ID!, $s: ID!, $r: ID!, $why: String!) {
      undoCheckIn(eventId: $e, sessionId: $s, registrationId: $r, reason: $why) { result position } }`;
    expect((await gql(staff, manual, { e: eventId, s: sessionId, r: registrationId, why: 'Phone died' })).data!.manualCheckIn.result).toBe('ok');
    expect(codeOf(await gql(staff, manual, { e: eventId, s: sessionId, r: registrationId, why: 'again' }))).toBe('CONFLICT');
    expect((await gql(staff, undo, { e: eventId, s: sessionId, r: registrationId, why: 'Wrong person' })).data!.undoCheckIn.position).toMatch(/^\d+$/);
    const stream = await rollcall.store.readStream(`checkin-${sessionId}-${registrationId}`);
    expect(stream.map((e) => [e.type, e.data.reason])).toEqual([
      ['CheckedIn', 'Phone died'],
      ['CheckInUndone', 'Wrong person'],
    ]);
  });
});
