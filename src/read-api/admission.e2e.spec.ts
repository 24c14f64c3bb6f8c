// Over 300 lines on purpose: issue 9's reproductions, one per finding, read best side by side.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenAccount } from '../../test/accounts.js';
import { graphqlClient } from '../../test/graphql.js';
import { type TestApp, startTestApp } from '../../test/test-app.js';
import { commandRequest } from '../commands/request.js';
import type { Actor } from '../domain/actor.js';
import { eventStream } from '../domain/streams.js';
import { compareAttendanceWithDomain } from '../projections/attendance/domain-check.js';
import { type Projector, startProjector } from '../projections/projector.js';

/**
 * Issue 9's reproductions: client mistakes that used to corrupt or freeze the read side, or
 * answer 500. Each is sent through GraphQL as a client would, and each must be refused (or
 * kept apart) before anything reaches the log, with the projector still going afterwards.
 */
let rollcall: TestApp;
let projector: Projector;
const failures: unknown[] = [];

const HOUR = 3_600_000;
const organizer: Actor = { accountId: '0a9a0000-0000-4000-8000-000000000001', roles: ['organizer'] };
const staff: Actor = { accountId: '0a9a0000-0000-4000-8000-000000000002', roles: ['staff'] };
const admin: Actor = { accountId: '0a9a0000-0000-4000-8000-000000000003', roles: ['admin'] };
const ann: Actor = { accountId: '0a9a0000-0000-4000-8000-000000000004', roles: ['attendee'] };

beforeAll(async () => {
  rollcall = await startTestApp();
  await givenAccount(rollcall.store, staff);
  projector = await startProjector({ store: rollcall.store, pool: rollcall.db.pool, onFailure: (failure) => failures.push(failure) });
});
afterAll(async () => {
  await projector?.stop();
  await rollcall?.close();
});

const gql = graphqlClient(() => rollcall.app);
const storedEvents = async () => Number((await rollcall.db.pool.query('SELECT count(*) FROM rollcall.events')).rows[0].count);

const details = (overrides: Record<string, unknown> = {}) => ({
  title: 'Admission',
  venue: 'Hall',
  timeZone: 'UTC',
  registrationOpensAt: new Date(Date.now() - HOUR).toISOString(),
  registrationClosesAt: new Date(Date.now() + HOUR).toISOString(),
  ...overrides,
});
const CREATE = `mutation ($d: EventDetailsInput!, $k: ID) { createEvent(details: $d, capacity: 1, commandId: $k) { eventId position } }`;
const SCHEDULE = `mutation ($e: ID!, $p: SessionPlanInput!, $k: ID) { scheduleSessions(eventId: $e, plan: $p, commandId: $k) { sessions { sessionId } position } }`;
const REGISTER = `mutation ($e: ID!, $k: ID) { register(eventId: $e, commandId: $k) { registrationId status position ticket { ticketId code } } }`;
const plan = () => ({ startsAt: new Date(Date.now() + HOUR / 2).toISOString(), endsAt: new Date(Date.now() + 2 * HOUR).toISOString() });

const openEvent = async () => {
  const created = await gql(organizer, CREATE, { d: details() });
  const eventId = created.data.createEvent.eventId as string;
  await gql(organizer, SCHEDULE, { e: eventId, p: plan() });
  const published = await gql(organizer, `mutation ($e: ID!) { publishEvent(eventId: $e) { position } }`, { e: eventId });
  return { eventId, position: published.data.publishEvent.position as string };
};

/** The read side has applied everything up to `position` (a frozen projection never gets there). */
const visible = async (position: string) => {
  const read = await gql(admin, `query ($at: String) { events(first: 1, atPosition: $at) { nodes { eventId } } }`, { at: position });
  expect(read.errors).toBeUndefined();
};

describe('1. impossible dates', () => {
  it.each(['2026-02-30T00:00:00Z', '0000-01-01T00:00:00Z', 'x 1', '2027-02-30T00:00:00Z'])(
    'refuses createEvent opening registration at %s with VALIDATION naming the field, storing nothing',
    async (time) => {
      const before = await storedEvents();
      const refused = await gql(organizer, CREATE, { d: details({ registrationOpensAt: time }) });
      expect(refused.code).toBe('VALIDATION');
      expect(refused.errors[0].message).toMatch(/registrationOpensAt/);
      expect(await storedEvents()).toBe(before);
    },
  );

  it('refuses the same date written inline in the query, naming the field', async () => {
    const inline = await gql(
      organizer,
      `mutation { createEvent(capacity: 1, details: { title: "T", venue: "V", timeZone: "UTC",
        registrationOpensAt: "2026-02-30T00:00:00Z", registrationClosesAt: "2026-03-30T00:00:00Z" }) { eventId } }`,
    );
    expect(inline.code).toBe('VALIDATION');
    expect(inline.errors[0].message).toMatch(/details\.registrationOpensAt/);
  });

  it('refuses impossible dates in updateEvent and session plans, and the read side keeps going', async () => {
    const { eventId } = await openEvent();
    const update = await gql(organizer, `mutation ($e: ID!, $c: EventChangesInput!) { updateEvent(eventId: $e, changes: $c) { eventId } }`, {
      e: eventId,
      c: { registrationClosesAt: '2027-02-30T00:00:00Z' },
    });
    expect(update.code).toBe('VALIDATION');
    expect(update.errors[0].message).toMatch(/registrationClosesAt/);
    const schedule = await gql(organizer, SCHEDULE, { e: eventId, p: { startsAt: '2026-02-30T18:00:00Z', endsAt: '2026-03-02T18:00:00Z' } });
    expect(schedule.code).toBe('VALIDATION');
    expect(schedule.errors[0].message).toMatch(/startsAt/);
    const later = await openEvent();
    await visible(later.position);
  });
});

describe('2 and 3. one commandId on two events', () => {
  it('refuses a key sent again for another event, leaving the first request’s session as it was', async () => {
    const [x3, x4] = [await openEvent(), await openEvent()];
    const first = await gql(organizer, SCHEDULE, { e: x3.eventId, p: plan(), k: 'K' });
    const second = await gql(organizer, SCHEDULE, { e: x4.eventId, p: plan(), k: 'K' });
    expect(first.errors).toBeUndefined();
    expect(second.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherPlan = await gql(organizer, SCHEDULE, { e: x3.eventId, p: { ...plan(), checkInOpensMinutesBefore: 30 }, k: 'K' });
    expect(otherPlan.code).toBe('IDEMPOTENCY_KEY_REUSED');
    await visible(first.data.scheduleSessions.position);
    expect(failures).toEqual([]);
  });

  it('refuses a registration under a key already used for another event, keeping the first registration and its ticket', async () => {
    const [x1, x2] = [await openEvent(), await openEvent()];
    const attendee: Actor = { accountId: randomUUID(), roles: ['attendee'] };
    const confirmed = await gql(attendee, REGISTER, { e: x1.eventId, k: 'K' });
    const refused = await gql(attendee, REGISTER, { e: x2.eventId, k: 'K' });
    expect(confirmed.data.register.status).toBe('confirmed');
    expect(refused.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const again = await gql(attendee, REGISTER, { e: x1.eventId, k: 'K' });
    // The code is signed afresh on every answer (its iat moves with the clock); the rest is the first answer.
    const withoutCode = ({ ticket, ...rest }: { ticket: { ticketId: string } }) => ({ ...rest, ticketId: ticket.ticketId });
    expect(withoutCode(again.data.register)).toEqual(withoutCode(confirmed.data.register));
    const ticket = await gql(attendee, `query ($t: ID!, $at: String) { ticket(ticketId: $t, atPosition: $at) { status code } }`, {
      t: confirmed.data.register.ticket.ticketId,
      at: confirmed.data.register.position,
    });
    expect(ticket.data.ticket).toEqual({ status: 'confirmed', code: expect.stringMatching(/^ey/) });
  });

  it('derives ids within their event, so one command id on two events names two sessions and two registrations', async () => {
    // Below the API, where no request binds the key (the system's own callers, or ids from before keys were bound).
    const events = rollcall.app.attendance.events;
    const [x1, x2] = [await openEvent(), await openEvent()];
    const bob: Actor = { accountId: randomUUID(), roles: ['attendee'] };
    const sessions = await Promise.all([x1, x2].map((x) => events.scheduleSessions(commandRequest(organizer, 'shared'), x.eventId, plan())));
    expect(sessions[0]!.sessions.at(-1)!.sessionId).not.toBe(sessions[1]!.sessions.at(-1)!.sessionId);
    const [first, second] = [await events.register(commandRequest(bob, 'shared'), x1.eventId), await events.register(commandRequest(bob, 'shared'), x2.eventId)];
    expect(first.registrationId).not.toBe(second.registrationId);
    const mine = await gql(bob, `query ($at: String) { myRegistrations(atPosition: $at) { nodes { eventId } } }`, { at: second.position });
    expect(mine.data.myRegistrations.nodes.map((n: { eventId: string }) => n.eventId).sort()).toEqual([x1.eventId, x2.eventId].sort());
    expect(failures).toEqual([]);
  });
});

describe('one key on every mutation, across two events', () => {
  it('leaves the read models equal to what the domain folds from the log', async () => {
    const K = 'one-key-everywhere';
    const door: Actor = { accountId: randomUUID(), roles: ['staff'] };
    const attendee: Actor = { accountId: randomUUID(), roles: ['attendee'] };
    await givenAccount(rollcall.store, door);
    const outcomes: Record<string, (string | undefined)[]> = {};
    let position = '';
    const send = async (actor: Actor, name: string, call: string, variables: Record<string, unknown>) => {
      const declared = Object.keys(variables).map((v) => `, $${v}: ${v === 'p' ? 'SessionPlanInput!' : 'ID!'}`);
      const response = await gql(actor, `mutation ($k: ID${declared.join('')}) { ${call} }`, { ...variables, k: K });
      const result = response.data?.[name] as { position?: string; registrationId?: string } | undefined;
      if (result?.position) position = result.position;
      (outcomes[name] ??= []).push(response.code);
      return result;
    };
    for (const { eventId: e } of [await openEvent(), await openEvent()]) {
      const scheduled = await send(organizer, 'scheduleSessions', 'scheduleSessions(eventId: $e, plan: $p, commandId: $k) { sessions { sessionId } position }', {
        e,
        p: plan(),
      });
      // Refused on the second event: any session id and code will do there, as the key is refused first.
      const s = (scheduled as unknown as { sessions: { sessionId: string }[] } | undefined)?.sessions[0]?.sessionId ?? randomUUID();
      await send(organizer, 'updateEvent', 'updateEvent(eventId: $e, changes: { venue: "B" }, commandId: $k) { position }', { e });
      await send(organizer, 'changeCapacity', 'changeCapacity(eventId: $e, capacity: 3, commandId: $k) { position }', { e });
      await send(organizer, 'assignStaff', 'assignStaff(eventId: $e, staffId: $s, commandId: $k) { position }', { e, s: door.accountId });
      await send(organizer, 'publishEvent', 'publishEvent(eventId: $e, commandId: $k) { position }', { e });
      const registered = await send(attendee, 'register', 'register(eventId: $e, commandId: $k) { registrationId position ticket { code } }', { e });
      const r = registered?.registrationId ?? randomUUID();
      const code = (registered as unknown as { ticket: { code: string } } | undefined)?.ticket.code ?? 'no-ticket';
      await send(attendee, 'reissueTicket', 'reissueTicket(eventId: $e, registrationId: $r, commandId: $k) { position }', { e, r });
      await send(attendee, 'cancelRegistration', 'cancelRegistration(eventId: $e, registrationId: $r, commandId: $k) { position }', { e, r });
      await send(organizer, 'approveRegistration', 'approveRegistration(eventId: $e, registrationId: $r, commandId: $k) { position }', { e, r });
      await send(organizer, 'rejectRegistration', 'rejectRegistration(eventId: $e, registrationId: $r, reason: "x", commandId: $k) { position }', { e, r });
      // The door's stream is the ticket's own: the organizer's first use of the key there takes effect.
      const atTheDoor = { e, s, r };
      await gql(organizer, 'mutation ($e: ID!, $s: ID!, $c: String!, $k: ID) { checkIn(eventId: $e, sessionId: $s, code: $c, commandId: $k) { result position } }', {
        e,
        s,
        c: code,
        k: K,
      }).then((response) => (outcomes.checkIn ??= []).push(response.data?.checkIn?.result ?? response.code));
      await send(organizer, 'undoCheckIn', 'undoCheckIn(eventId: $e, sessionId: $s, registrationId: $r, reason: "x", commandId: $k) { position }', atTheDoor);
      await send(organizer, 'manualCheckIn', 'manualCheckIn(eventId: $e, sessionId: $s, registrationId: $r, reason: "x", commandId: $k) { position }', atTheDoor);
      await send(organizer, 'cancelEvent', 'cancelEvent(eventId: $e, reason: "Flooded", commandId: $k) { position }', { e });
    }
    expect((await gql(organizer, CREATE, { d: details({ title: 'Keyed' }), k: K })).code).toBe('IDEMPOTENCY_KEY_REUSED');
    // A key binds to its first request: every other use, on either event, is refused.
    const REUSED = 'IDEMPOTENCY_KEY_REUSED';
    expect(outcomes.scheduleSessions).toEqual([undefined, REUSED]);
    expect(outcomes.register).toEqual([undefined, REUSED]);
    expect(outcomes.checkIn).toEqual([REUSED, REUSED]);
    for (const name of [
      'updateEvent',
      'changeCapacity',
      'assignStaff',
      'publishEvent',
      'reissueTicket',
      'cancelRegistration',
      'approveRegistration',
      'rejectRegistration',
      'undoCheckIn',
      'manualCheckIn',
      'cancelEvent',
    ])
      expect(outcomes[name], name).toEqual([REUSED, REUSED]);
    await visible(position);
    const comparison = await compareAttendanceWithDomain({ store: rollcall.store, pool: rollcall.db.pool });
    expect(comparison.differences).toEqual([]);
    expect(comparison.equal).toBe(true);
  });
});

describe('4. a key bound to its operation and arguments', () => {
  it('refuses cancelRegistration under the commandId of an earlier register, and cancels nothing', async () => {
    const { eventId } = await openEvent();
    const registered = await gql(ann, REGISTER, { e: eventId, k: 'key-4' });
    const { registrationId } = registered.data.register;
    const cancel = `mutation ($e: ID!, $r: ID!, $k: ID) { cancelRegistration(eventId: $e, registrationId: $r, commandId: $k) { status } }`;
    const reused = await gql(ann, cancel, { e: eventId, r: registrationId, k: 'key-4' });
    expect(reused.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const resent = await gql(ann, REGISTER, { e: eventId, k: 'key-4' });
    expect(resent.data.register).toMatchObject({ registrationId, status: 'confirmed' });
    const cancelled = await gql(ann, cancel, { e: eventId, r: registrationId, k: 'key-5' });
    expect(cancelled.data.cancelRegistration.status).toBe('cancelled');
  });

  it('refuses the same key with other arguments on one event, and answers a true resend as the first time', async () => {
    const first = details({ title: 'First' });
    const created = await gql(organizer, CREATE, { d: first, k: 'create-1' });
    const resent = await gql(organizer, CREATE, { d: first, k: 'create-1' });
    expect(resent.data.createEvent).toEqual(created.data.createEvent);
    const changed = await gql(organizer, CREATE, { d: { ...first, title: 'Second' }, k: 'create-1' });
    expect(changed.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('6. malformed ids and requests', () => {
  const NOT_UUID = 'abc';
  it.each([
    ['event', `{ event(eventId: "${NOT_UUID}") { title } }`, /eventId/],
    ['registrations', `{ registrations(eventId: "${NOT_UUID}") { nodes { status } } }`, /eventId/],
    ['sessionAttendance', `{ sessionAttendance(eventId: "${randomUUID()}", sessionId: "${NOT_UUID}") { checkedIn } }`, /sessionId/],
    ['checkIns', `{ checkIns(eventId: "${NOT_UUID}", sessionId: "${randomUUID()}") { nodes { result } } }`, /eventId/],
    ['ticket', `{ ticket(ticketId: "${'-'.repeat(36)}_${'-'.repeat(36)}") { status } }`, /ticketId/],
    ['auditLog', `{ auditLog(from: "1") { nodes { type } } }`, /from/],
    ['an upper-case UUID', `{ event(eventId: "${randomUUID().toUpperCase()}") { title } }`, /eventId/],
    ['a cursor past the largest position', `{ events(after: "${Buffer.from('9999999999999999999').toString('base64url')}") { nodes { title } } }`, /after/],
    ['a NUL in a search', `{ registrations(eventId: "${randomUUID()}", search: "a\\u0000") { nodes { status } } }`, /search/],
  ])('answers %s with VALIDATION naming the argument, never INTERNAL', async (_, query, argument) => {
    const response = await gql(admin, query);
    expect(response.code).toBe('VALIDATION');
    expect(response.errors[0].message).toMatch(argument);
  });

  it.each([
    ['a query that is a number', { query: 42 }],
    ['an empty selection', { query: '{ }' }],
    ['no query at all', {}],
    ['variables that are not an object', { query: '{ events { nodes { title } } }', variables: 7 }],
  ])('answers %s with a 4xx and a JSON error', async (_, body) => {
    const response = await rollcall.app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: body });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(JSON.stringify(response.json())).not.toMatch(/INTERNAL/);
  });

  it('answers a URL that is not UTF-8 with 400 BAD_REQUEST in JSON', async () => {
    const response = await rollcall.app.inject({ method: 'GET', url: '/tickets/%ED%A0%80/qr.png' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('checks a log-in password against its hash as it is, control characters and all', async () => {
    const response = await gql(undefined, `mutation { logIn(email: "nobody@example.org", password: "old\\tpassword") { accessToken } }`);
    expect(response.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a staff id that names no account, and one that is no id, recording nothing', async () => {
    const { eventId } = await openEvent();
    const assign = `mutation ($e: ID!, $s: ID!) { assignStaff(eventId: $e, staffId: $s) { eventId } }`;
    const before = (await rollcall.store.readStream(eventStream(eventId))).length;
    expect((await gql(organizer, assign, { e: eventId, s: 'nobody-at-all' })).code).toBe('VALIDATION');
    expect((await gql(organizer, assign, { e: eventId, s: randomUUID() })).code).toBe('NOT_FOUND');
    expect((await rollcall.store.readStream(eventStream(eventId))).length).toBe(before);
    expect((await gql(organizer, assign, { e: eventId, s: staff.accountId })).data.assignStaff.eventId).toBe(eventId);
  });

  it('refuses text with a lone surrogate or control characters anywhere, naming the argument', async () => {
    const { eventId } = await openEvent();
    const cancel = await gql(organizer, `mutation ($e: ID!, $r: String!) { cancelEvent(eventId: $e, reason: $r) { status } }`, {
      e: eventId,
      r: 'flood\uD800',
    });
    expect(cancel.code).toBe('VALIDATION');
    expect(cancel.errors[0].message).toMatch(/^reason/);
    const title = await gql(organizer, CREATE, { d: details({ title: 'Tab\there' }) });
    expect(title.code).toBe('VALIDATION');
    expect(title.errors[0].message).toMatch(/details\.title/);
  });
});
