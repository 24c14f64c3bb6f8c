// Over 300 lines on purpose: every query here reads through one app and one projector, and the last test checks that the projector failed on none of them.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { givenAccount } from '../../test/accounts.js';
import { graphqlClient } from '../../test/graphql.js';
import { type TestApp, startTestApp } from '../../test/test-app.js';
import type { Actor } from '../domain/actor.js';
import { accountStream, eventStream } from '../domain/streams.js';
import type { IntegrationEvent } from '../integration/contract.js';
import { deliver, reportLag } from '../integration/delivery.js';
import { type Projector, startProjector } from '../projections/projector.js';
import { projections } from '../projections/projections.js';

let rollcall: TestApp;
let projector: Projector;
const failures: unknown[] = [];

beforeAll(async () => {
  rollcall = await startTestApp();
  await givenAccount(rollcall.store, staff);
  projector = await startProjector({ store: rollcall.store, pool: rollcall.db.pool, onFailure: (failure) => failures.push(failure) });
});
afterAll(async () => {
  await projector?.stop();
  await rollcall?.close();
});

const HOUR = 3_600_000;
const organizer: Actor = { accountId: '0a9b0000-0000-4000-8000-00000000000a', roles: ['organizer'] };
const staff: Actor = { accountId: '5a7f0000-0000-4000-8000-000000000002', roles: ['staff'] };
const admin: Actor = { accountId: 'admin-q', roles: ['admin'] };
const attendee = (name: string): Actor => ({ accountId: name, roles: ['attendee'] });

const gql = graphqlClient(() => rollcall.app);

/** A published event with one open session, staff assigned; returns ids and the last position. */
const openEvent = async (title: string, capacity = 2) => {
  const created = await gql(
    organizer,
    `mutation ($d: EventDetailsInput!, $c: Int!) { createEvent(details: $d, capacity: $c) { eventId } }`,
    {
      c: capacity,
      d: {
        title,
        venue: 'Hall',
        timeZone: 'UTC',
        registrationOpensAt: new Date(Date.now() - HOUR).toISOString(),
        registrationClosesAt: new Date(Date.now() + HOUR).toISOString(),
      },
    },
  );
  const eventId = created.data.createEvent.eventId as string;
  const scheduled = await gql(
    organizer,
    `mutation ($e: ID!, $p: SessionPlanInput!) { scheduleSessions(eventId: $e, plan: $p) { sessions { sessionId } } }`,
    { e: eventId, p: { startsAt: new Date(Date.now() + HOUR / 2).toISOString(), endsAt: new Date(Date.now() + 2 * HOUR).toISOString() } },
  );
  await gql(organizer, `mutation ($e: ID!) { assignStaff(eventId: $e, staffId: "${staff.accountId}") { eventId } }`, { e: eventId });
  const published = await gql(organizer, `mutation ($e: ID!) { publishEvent(eventId: $e) { position } }`, { e: eventId });
  return { eventId, sessionId: scheduled.data.scheduleSessions.sessions[0].sessionId as string, position: published.data.publishEvent.position as string };
};

const REGISTER = `mutation ($e: ID!) { register(eventId: $e) { registrationId status position ticket { code } } }`;
/** A position no write has reached: a query that waited for it would wait its whole 5 s. */
const UNREACHABLE = '99999999999';
const EVENT = `query ($e: ID!, $at: String) { event(eventId: $e, atPosition: $at) {
  title status capacity counts { confirmed pending waitlisted } sessions { sessionId checkedIn } } }`;

describe('reading what was written', () => {
  it('shows an event with live counts once the read side has reached the mutation’s position', async () => {
    const { eventId } = await openEvent('Counts', 1);
    await gql(attendee('ann'), REGISTER, { e: eventId });
    const second = await gql(attendee('bob'), REGISTER, { e: eventId });
    expect(second.data.register.status).toBe('waitlisted');
    const read = await gql(attendee('bob'), EVENT, { e: eventId, at: second.data.register.position });
    expect(read.errors).toBeUndefined();
    expect(read.data.event).toMatchObject({ title: 'Counts', status: 'published', capacity: 1, counts: { confirmed: 1, pending: 0, waitlisted: 1 } });
    expect(read.data.event.sessions).toHaveLength(1);
  });

  it('answers NOT_YET_VISIBLE for a position the read side cannot reach, and VALIDATION for a malformed one', async () => {
    const { eventId } = await openEvent('Future');
    expect((await gql(organizer, EVENT, { e: eventId, at: UNREACHABLE })).code).toBe('NOT_YET_VISIBLE');
    expect((await gql(organizer, EVENT, { e: eventId, at: 'yesterday' })).code).toBe('VALIDATION');
  }, 20_000);

  it('hides drafts from everyone but their organizer and admins', async () => {
    const created = await gql(
      organizer,
      `mutation ($d: EventDetailsInput!) { createEvent(details: $d, capacity: 5) { eventId position } }`,
      {
        d: {
          title: 'Draft',
          venue: 'Hall',
          timeZone: 'UTC',
          registrationOpensAt: new Date(Date.now() - HOUR).toISOString(),
          registrationClosesAt: new Date(Date.now() + HOUR).toISOString(),
        },
      },
    );
    const { eventId, position } = created.data.createEvent;
    expect((await gql(attendee('ann'), EVENT, { e: eventId, at: position })).data.event).toBeNull();
    expect((await gql(organizer, EVENT, { e: eventId, at: position })).data.event.status).toBe('draft');
    expect((await gql(admin, EVENT, { e: eventId, at: position })).data.event.status).toBe('draft');
  });

  it('pages through events with a cursor, and refuses a forged one', async () => {
    const a = await openEvent('Page A');
    await openEvent('Page B');
    const query = `query ($after: String, $at: String) { events(first: 1, after: $after, atPosition: $at) { nodes { eventId } pageInfo { endCursor hasNextPage } } }`;
    const titles: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const result = await gql(organizer, query, { after, at: a.position });
      titles.push(...result.data.events.nodes.map((n: { eventId: string }) => n.eventId));
      if (!result.data.events.pageInfo.hasNextPage) break;
      after = result.data.events.pageInfo.endCursor;
    }
    expect(new Set(titles).size).toBe(titles.length);
    expect(titles).toContain(a.eventId);
    expect((await gql(undefined, query, { after: 'bm90LWEtY3Vyc29y' })).code).toBe('VALIDATION');
  });
});

describe('waiting for a position', () => {
  /** Refused with `code` well before the 5 s a wait would take: in half of it, room for a request on a busy machine. */
  const refusedAtOnce = async (code: string, actor: Actor | undefined, query: string, variables: Record<string, unknown>) => {
    const started = Date.now();
    expect((await gql(actor, query, variables)).code).toBe(code);
    expect(Date.now() - started).toBeLessThan(2_500);
  };

  it('refuses at once, without waiting, whoever the wait would end in a refusal for', async () => {
    const { eventId, sessionId } = await openEvent('Refused early');
    const registered = (await gql(attendee('jon'), REGISTER, { e: eventId })).data.register;
    // The read side has the event and the ticket, so what they allow is known before any wait.
    await gql(attendee('jon'), `query ($at: String) { myRegistrations(atPosition: $at) { nodes { eventId } } }`, { at: registered.position });
    const at = UNREACHABLE;
    // Anonymous callers have no writes of their own to wait for, even for what they may read.
    await refusedAtOnce('UNAUTHENTICATED', undefined, EVENT, { e: eventId, at });
    await refusedAtOnce('UNAUTHENTICATED', undefined, `query ($at: String) { me(atPosition: $at) { id } }`, { at });
    const stranger = attendee('kim');
    const registrations = `query ($e: ID!, $at: String) { registrations(eventId: $e, atPosition: $at) { nodes { attendeeId } } }`;
    await refusedAtOnce('FORBIDDEN', stranger, registrations, { e: eventId, at });
    const door = `query ($e: ID!, $s: ID!, $at: String) { checkIns(eventId: $e, sessionId: $s, atPosition: $at) { nodes { kind } } }`;
    await refusedAtOnce('FORBIDDEN', stranger, door, { e: eventId, s: sessionId, at });
    const counts = `query ($e: ID!, $s: ID!, $at: String) { sessionAttendance(eventId: $e, sessionId: $s, atPosition: $at) { checkedIn } }`;
    await refusedAtOnce('FORBIDDEN', stranger, counts, { e: eventId, s: sessionId, at });
    const ticket = `query ($t: ID!, $at: String) { ticket(ticketId: $t, atPosition: $at) { status } }`;
    await refusedAtOnce('FORBIDDEN', stranger, ticket, { t: `${eventId}_${registered.registrationId}`, at });
    const audit = `query ($at: String) { auditLog(atPosition: $at) { nodes { type } } }`;
    await refusedAtOnce('FORBIDDEN', organizer, audit, { at });
  });

  it('waits for an event the read side does not have yet: it may be the caller’s new one', async () => {
    const created = await gql(
      organizer,
      `mutation ($d: EventDetailsInput!) { createEvent(details: $d, capacity: 5) { eventId position } }`,
      { d: { title: 'Brand new', venue: 'Hall', timeZone: 'UTC', registrationOpensAt: new Date().toISOString(), registrationClosesAt: new Date(Date.now() + HOUR).toISOString() } },
    );
    const { eventId, position } = created.data.createEvent;
    const query = `query ($e: ID!, $at: String) { registrations(eventId: $e, atPosition: $at) { nodes { attendeeId } } }`;
    expect(await gql(organizer, query, { e: eventId, at: position })).toMatchObject({ data: { registrations: { nodes: [] } }, errors: undefined });
  });

  it('reads the projections’ checkpoints once for a request, however many of its fields wait', async () => {
    const { eventId, position } = await openEvent('Many aliases');
    await gql(organizer, EVENT, { e: eventId, at: position });
    const reads = vi.spyOn(rollcall.app.reads.positions, 'appliedPositions');
    try {
      const aliases = Array.from({ length: 1_000 }, (_, n) => `e${n}: event(eventId: $e, atPosition: $at) { title }`);
      const result = await gql(organizer, `query ($e: ID!, $at: String) { ${aliases.join(' ')} }`, { e: eventId, at: position });
      expect(result.errors).toBeUndefined();
      expect(Object.values(result.data)).toHaveLength(1_000);
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
  });
});

describe('registrations and the door', () => {
  it('lists an event’s registrations to its organizer and staff only, filtered by status', async () => {
    const { eventId } = await openEvent('Registrations', 1);
    await gql(attendee('cat'), REGISTER, { e: eventId });
    const last = await gql(attendee('dan'), REGISTER, { e: eventId });
    const query = `query ($e: ID!, $s: RegistrationStatus, $at: String) {
      registrations(eventId: $e, status: $s, atPosition: $at) { nodes { attendeeId status } } }`;
    const all = await gql(organizer, query, { e: eventId, at: last.data.register.position });
    expect(all.data.registrations.nodes.map((n: { attendeeId: string }) => n.attendeeId)).toEqual(['cat', 'dan']);
    const waitlisted = await gql(staff, query, { e: eventId, s: 'waitlisted' });
    expect(waitlisted.data.registrations.nodes).toEqual([{ attendeeId: 'dan', status: 'waitlisted' }]);
    expect((await gql(attendee('cat'), query, { e: eventId })).code).toBe('FORBIDDEN');
    expect((await gql(undefined, query, { e: eventId })).code).toBe('UNAUTHENTICATED');
  });

  it('gives a confirmed registration its ticket id, which the ticket query takes, and others none', async () => {
    const { eventId } = await openEvent('Ticket ids', 1);
    const confirmed = (await gql(attendee('ida'), REGISTER, { e: eventId })).data.register;
    const waitlisted = (await gql(attendee('jay'), REGISTER, { e: eventId })).data.register;
    const query = `query ($e: ID!, $at: String) { registrations(eventId: $e, atPosition: $at) { nodes { registrationId status ticketId } } }`;
    const listed = await gql(organizer, query, { e: eventId, at: waitlisted.position });
    const ticketId = `${eventId}_${confirmed.registrationId}`;
    expect(listed.data.registrations.nodes).toEqual([
      { registrationId: confirmed.registrationId, status: 'confirmed', ticketId },
      { registrationId: waitlisted.registrationId, status: 'waitlisted', ticketId: null },
    ]);
    const mine = await gql(attendee('ida'), `{ myRegistrations { nodes { eventId ticketId } } }`);
    expect(mine.data.myRegistrations.nodes).toContainEqual({ eventId, ticketId });
    const ticket = await gql(attendee('ida'), `query ($t: ID!) { ticket(ticketId: $t) { registrationId status code } }`, { t: ticketId });
    expect(ticket.data.ticket).toMatchObject({ registrationId: confirmed.registrationId, status: 'confirmed', code: expect.stringMatching(/^ey/) });
  });

  it('shows an attendee their own registrations', async () => {
    const { eventId } = await openEvent('Mine');
    const registered = await gql(attendee('eve'), REGISTER, { e: eventId });
    const mine = await gql(attendee('eve'), `query ($at: String) { myRegistrations(atPosition: $at) { nodes { eventId status } } }`, {
      at: registered.data.register.position,
    });
    expect(mine.data.myRegistrations.nodes).toContainEqual({ eventId, status: 'confirmed' });
  });

  it('counts check-ins per session and keeps the door log, refused scans included', async () => {
    const { eventId, sessionId } = await openEvent('Door');
    const { ticket } = (await gql(attendee('fay'), REGISTER, { e: eventId })).data.register;
    const CHECK_IN = `mutation ($e: ID!, $s: ID!, $c: String!) { checkIn(eventId: $e, sessionId: $s, code: $c) { result position } }`;
    await gql(staff, CHECK_IN, { e: eventId, s: sessionId, c: ticket.code });
    const again = await gql(staff, CHECK_IN, { e: eventId, s: sessionId, c: ticket.code });
    const at = again.data.checkIn.position;
    const attendance = await gql(staff, `query ($e: ID!, $s: ID!, $at: String) { sessionAttendance(eventId: $e, sessionId: $s, atPosition: $at) { confirmed checkedIn } }`, {
      e: eventId,
      s: sessionId,
      at,
    });
    expect(attendance.data.sessionAttendance).toEqual({ confirmed: 1, checkedIn: 1 });
    const log = await gql(organizer, `query ($e: ID!, $s: ID!) { checkIns(eventId: $e, sessionId: $s) { nodes { kind result attendeeId staffId } } }`, {
      e: eventId,
      s: sessionId,
    });
    expect(log.data.checkIns.nodes).toEqual([
      { kind: 'scan', result: 'ok', attendeeId: 'fay', staffId: staff.accountId },
      { kind: 'scan', result: 'already_redeemed', attendeeId: null, staffId: staff.accountId },
    ]);
  });
});

describe('the audit log', () => {
  it('shows admins who did what, and nobody else', async () => {
    const { position } = await openEvent('Audited');
    const query = `query ($actor: ID, $at: String) { auditLog(actorId: $actor, atPosition: $at, first: 100) { nodes { type actorId streamId } } }`;
    const entries = await gql(admin, query, { actor: organizer.accountId, at: position });
    const types = entries.data.auditLog.nodes.map((n: { type: string }) => n.type);
    expect(types).toEqual(expect.arrayContaining(['EventCreated', 'SessionsScheduled', 'StaffAssigned', 'EventPublished']));
    expect(entries.data.auditLog.nodes.every((n: { actorId: string }) => n.actorId === organizer.accountId)).toBe(true);
    expect((await gql(organizer, query, { actor: organizer.accountId })).code).toBe('FORBIDDEN');
  });

  it('filters the audit log by stream and by event type, alone or together', async () => {
    const { eventId } = await openEvent('Filtered');
    const other = await openEvent('Filtered too');
    await gql(attendee('kai'), REGISTER, { e: other.eventId });
    const last = (await gql(attendee('kai'), REGISTER, { e: eventId })).data.register;
    const query = `query ($s: String, $t: String, $at: String) {
      auditLog(streamId: $s, type: $t, atPosition: $at, first: 100) { nodes { streamId type } } }`;
    const byStream = await gql(admin, query, { s: eventStream(eventId), at: last.position });
    expect(byStream.data.auditLog.nodes.map((n: { type: string }) => n.type)).toEqual([
      'EventCreated',
      'SessionsScheduled',
      'StaffAssigned',
      'EventPublished',
      'RegistrationConfirmed',
    ]);
    expect(byStream.data.auditLog.nodes.every((n: { streamId: string }) => n.streamId === eventStream(eventId))).toBe(true);
    const byType: { streamId: string; type: string }[] = (await gql(admin, query, { t: 'RegistrationConfirmed' })).data.auditLog.nodes;
    expect(new Set(byType.map((n) => n.type))).toEqual(new Set(['RegistrationConfirmed']));
    expect(byType.map((n) => n.streamId)).toEqual(expect.arrayContaining([eventStream(eventId), eventStream(other.eventId)]));
    expect((await gql(admin, query, { s: eventStream(other.eventId), t: 'RegistrationConfirmed' })).data.auditLog.nodes).toEqual([
      { streamId: eventStream(other.eventId), type: 'RegistrationConfirmed' },
    ]);
    expect((await gql(admin, query, { s: eventStream(eventId), t: 'NoSuchType' })).data.auditLog.nodes).toEqual([]);
  });

  it('replays a stream for admins in pages, each after the revision the last one ended at', async () => {
    const { eventId } = await openEvent('Paged', 1);
    await gql(attendee('lea'), REGISTER, { e: eventId });
    const PAGE = `query ($s: String!, $after: String) { streamHistory(streamId: $s, first: 2, after: $after) { revision type } }`;
    const pages: { revision: string; type: string }[][] = [];
    let after: string | null = null;
    do {
      pages.push((await gql(admin, PAGE, { s: eventStream(eventId), after })).data.streamHistory);
      after = pages.at(-1)!.at(-1)?.revision ?? null;
    } while (pages.at(-1)!.length === 2);
    expect(pages.map((page) => page.map((e) => e.revision))).toEqual([['0', '1'], ['2', '3'], ['4']]);
    expect(pages.flat().at(-1)!.type).toBe('RegistrationConfirmed');
    expect((await gql(admin, PAGE, { s: eventStream(eventId), after: '4' })).data.streamHistory).toEqual([]);
    expect((await gql(admin, PAGE, { s: eventStream(eventId), after: 'bm90LWEtcmV2aXNpb24' })).code).toBe('VALIDATION');
    const tooLong = await gql(admin, `query ($s: String!) { streamHistory(streamId: $s, first: 101) { revision } }`, { s: eventStream(eventId) });
    expect(tooLong.code).toBe('VALIDATION');
  });

  it('replays a stream for admins: its history, and the state at a revision or a time', async () => {
    const { eventId } = await openEvent('Replayed', 1);
    await gql(attendee('gus'), REGISTER, { e: eventId });
    const stream = eventStream(eventId);
    const history = await gql(admin, `query ($s: String!) { streamHistory(streamId: $s) { revision type metadata data } }`, { s: stream });
    expect(history.data.streamHistory.map((e: { type: string }) => e.type)).toEqual([
      'EventCreated',
      'SessionsScheduled',
      'StaffAssigned',
      'EventPublished',
      'RegistrationConfirmed',
    ]);
    expect(history.data.streamHistory[0].metadata.actorId).toBe(organizer.accountId);

    const AT = `query ($s: String!, $at: String) { aggregateAt(streamId: $s, at: $at) { revision state } }`;
    const draft = await gql(admin, AT, { s: stream, at: '0' });
    expect(draft.data.aggregateAt).toMatchObject({ revision: '0', state: { status: 'draft', confirmed: 0 } });
    const now = await gql(admin, AT, { s: stream });
    expect(now.data.aggregateAt.state).toMatchObject({ status: 'published', confirmed: 1 });
    const before = await gql(admin, AT, { s: stream, at: '2000-01-01T00:00:00Z' });
    expect(before.data.aggregateAt).toMatchObject({ revision: null, state: { status: 'none' } });
    expect((await gql(admin, AT, { s: stream, at: 'soon' })).code).toBe('VALIDATION');
    expect((await gql(admin, AT, { s: 'nobody-owns-this' })).code).toBe('NOT_FOUND');
    expect((await gql(organizer, AT, { s: stream })).code).toBe('FORBIDDEN');
  });

  it('keeps password and token hashes out of replays', async () => {
    const { accountId } = await rollcall.app.accounts.createAdmin({ email: 'audit-root@example.org', password: 'correct horse battery', name: 'Root' });
    const stream = accountStream(accountId);
    const history = await gql(admin, `query ($s: String!) { streamHistory(streamId: $s) { data } }`, { s: stream });
    expect(JSON.stringify(history.data.streamHistory)).not.toMatch(/scrypt|\$/);
    expect(history.data.streamHistory[0].data.passwordHash).toBe('[redacted]');
    const state = await gql(admin, `query ($s: String!) { aggregateAt(streamId: $s) { state } }`, { s: stream });
    expect(state.data.aggregateAt.state.passwordHash).toBe('[redacted]');
  });

  it('reports every projection running, for admins only', async () => {
    const status = await gql(admin, `{ projections { name status position failure } }`);
    expect(status.data.projections.map((p: { name: string }) => p.name).sort()).toEqual(projections.map((p) => p.name).sort());
    expect(status.data.projections.every((p: { status: string; failure: unknown }) => p.status === 'running' && p.failure === null)).toBe(true);
    expect((await gql(organizer, `{ projections { name } }`)).code).toBe('FORBIDDEN');
  });

  it('queues one rebuild per projection while none runs, refusing a second request', async () => {
    const first = await gql(admin, `mutation { rebuildProjection(name: "accounts") { id state } }`);
    expect(first.data.rebuildProjection.state).toBe('created');
    expect((await gql(admin, `mutation { rebuildProjection(name: "accounts") { id } }`)).code).toBe('CONFLICT');
  });

  it('rebuilds a projection in the background when an admin asks, while it keeps serving', async () => {
    await rollcall.app.jobs.work({ store: rollcall.store, pool: rollcall.db.pool });
    const queued = await gql(admin, `mutation { rebuildProjection(name: "audit") { id projection state } }`);
    expect(queued.errors).toBeUndefined();
    expect(queued.data.rebuildProjection).toMatchObject({ projection: 'audit' });
    const JOB = `query ($id: ID!) { rebuildJob(id: $id) { state output } }`;
    let job = (await gql(admin, JOB, { id: queued.data.rebuildProjection.id })).data.rebuildJob;
    for (let i = 0; i < 300 && job.state !== 'completed' && job.state !== 'failed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await gql(admin, JOB, { id: queued.data.rebuildProjection.id })).data.rebuildJob;
    }
    expect(job.state).toBe('completed');
    expect(job.output.position).toMatch(/^\d+$/);
    const audit = await gql(admin, `query { auditLog(first: 1) { nodes { type } } }`);
    expect(audit.data.auditLog.nodes).toHaveLength(1);
    expect((await gql(organizer, `mutation { rebuildProjection(name: "audit") { id } }`)).code).toBe('FORBIDDEN');
    expect((await gql(admin, `mutation { rebuildProjection(name: "nope") { id } }`)).code).toBe('VALIDATION');
  }, 60_000);

  it('shows a ticket to its holder with its code, to the event team without, and to nobody else', async () => {
    const { eventId } = await openEvent('Tickets');
    const registered = (await gql(attendee('hal'), REGISTER, { e: eventId })).data.register;
    const ticketId = `${eventId}_${registered.registrationId}`;
    const TICKET = `query ($t: ID!, $at: String) { ticket(ticketId: $t, atPosition: $at) { status version code qrPngUrl } }`;
    const mine = await gql(attendee('hal'), TICKET, { t: ticketId, at: registered.position });
    expect(mine.data.ticket).toMatchObject({ status: 'confirmed', version: 1, qrPngUrl: `/tickets/${ticketId}/qr.png` });
    expect(mine.data.ticket.code).toMatch(/^ey/);
    expect((await gql(organizer, TICKET, { t: ticketId })).data.ticket).toMatchObject({ status: 'confirmed', code: null });
    expect((await gql(attendee('ivy'), TICKET, { t: ticketId })).code).toBe('FORBIDDEN');
    expect((await gql(attendee('hal'), TICKET, { t: 'nope' })).code).toBe('VALIDATION');
  });

  it('shows admins the reactors’ lag and dead letters, and serves /metrics', async () => {
    await reportLag(rollcall.db.pool, 'forecaster', 'store', 12);
    const poison: IntegrationEvent = {
      id: '5b0c9a52-55a4-4b0c-9a52-7b0c9a5255a4',
      type: 'CapacityChanged',
      version: 1,
      streamId: 'event-x',
      revision: '1',
      position: '1',
      occurredAt: '2026-01-01T00:00:00Z',
      correlationId: 'c',
      causationId: 'c',
      data: { capacity: 1 },
    };
    await deliver(rollcall.db.pool, { name: 'forecaster', handle: async () => Promise.reject(new Error('model missing')) }, poison, { attempts: 2, backoffMs: 1 });
    const view = await gql(admin, `{ consumers { consumer mode lag } deadLetters(consumer: "forecaster") { eventId type error attempts } }`);
    expect(view.data.consumers).toContainEqual({ consumer: 'forecaster', mode: 'store', lag: 12 });
    expect(view.data.deadLetters).toEqual([{ eventId: poison.id, type: 'CapacityChanged', error: 'model missing', attempts: 2 }]);
    expect((await gql(organizer, `{ consumers { lag } }`)).code).toBe('FORBIDDEN');
    const metrics = await rollcall.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('rollcall_consumer_lag{consumer="forecaster",mode="store"} 12');
    expect(metrics.body).toMatch(/rollcall_projection_position\{projection="attendance"\} \d+/);
  });

  it('kept every projection running', () => {
    expect(failures).toEqual([]);
  });
});
