// Over 300 lines on purpose: every test shares the projector and api processes spawned once for the file, and their helpers (events, registrations, scans) serve them all.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenAccount } from '../../../test/accounts.js';
import { anEvent } from '../../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
import { PostgresEventStore } from '../../eventstore/postgres/postgres-event-store.js';
import { type RunningRollcall, spawnRollcall } from '../../../test/spawn-rollcall.js';
import { Dashboard, type Message } from '../../../test/door-dashboard.js';
import { SESSION_CHECK_CACHE_MS } from '../../commands/accounts/access-token-check.js';
import { postgresSigningKeys } from '../../commands/accounts/postgres-signing-keys.js';
import { ACCESS_TOKEN_TTL_SECONDS, TokenService } from '../../commands/accounts/token-service.js';
import type { Actor } from '../../domain/actor.js';
import { accountStream } from '../../domain/streams.js';

/**
 * Live dashboards across processes: a `projector` process keeps the read models, a separate
 * `api` process serves the subscriptions, and only PostgreSQL connects them.
 */

let db: TestDatabase;
let dataDir: string;
let projector: RunningRollcall | undefined;
let api: RunningRollcall | undefined;
let tokens: TokenService;
const dashboards: Dashboard[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), 'rollcall-live-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  delete env.EVENTSTORE_URL;
  delete env.KAFKA_BROKERS;
  [projector, api] = await Promise.all([spawnRollcall('projector', env, /Projecting read models/), spawnRollcall('api', env)]);
  tokens = new TokenService(postgresSigningKeys(db.pool, { masterKey: db.masterKey }));
  const store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  await givenAccount(store, staff);
  await store.close();
});
afterAll(async () => {
  await Promise.all(dashboards.map((d) => d.close().catch(() => undefined)));
  await api?.stop();
  await projector?.stop();
  await db?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const HOUR = 3_600_000;
const organizer: Actor = { accountId: 'org-live', roles: ['organizer'] };
const staff: Actor = { accountId: '5a7f0000-0000-4000-8000-000000000003', roles: ['staff'] };
const attendee = (name: string): Actor => ({ accountId: name, roles: ['attendee'] });
const bearer = async (actor: Actor): Promise<string> => `Bearer ${(await tokens.issueAccessToken(actor)).token}`;
/** An access token that expires at most `seconds` from now (JWT times are whole seconds): issued as if most of its lifetime had passed. */
const expiringIn = async (seconds: number, actor: Actor) =>
  new TokenService(postgresSigningKeys(db.pool, { masterKey: db.masterKey }), { clock: () => new Date(Date.now() - (ACCESS_TOKEN_TTL_SECONDS - seconds) * 1000) }).issueAccessToken(actor);

const dashboard = async (address: string, auth: Parameters<typeof Dashboard.open>[1]): Promise<Dashboard> => {
  const opened = await Dashboard.open(address, auth);
  dashboards.push(opened);
  return opened;
};

const gql = async (actor: Actor, query: string, variables: Record<string, unknown> = {}) => {
  const response = await fetch(`${api!.address}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: await bearer(actor) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: Record<string, any>; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
};

/** A published event with one open session and staff assigned, visible on the read side. */
const openEvent = async (title: string) => {
  const created = await gql(organizer, `mutation ($d: EventDetailsInput!) { createEvent(details: $d, capacity: 10) { eventId } }`, {
    d: {
      title,
      venue: 'Hall',
      timeZone: 'UTC',
      registrationOpensAt: new Date(Date.now() - HOUR).toISOString(),
      registrationClosesAt: new Date(Date.now() + HOUR).toISOString(),
    },
  });
  const eventId = created.createEvent.eventId as string;
  const scheduled = await gql(
    organizer,
    `mutation ($e: ID!, $p: SessionPlanInput!) { scheduleSessions(eventId: $e, plan: $p) { sessions { sessionId } } }`,
    { e: eventId, p: { startsAt: new Date(Date.now() + HOUR / 2).toISOString(), endsAt: new Date(Date.now() + 2 * HOUR).toISOString() } },
  );
  await gql(organizer, `mutation ($e: ID!, $s: ID!) { assignStaff(eventId: $e, staffId: $s) { eventId } }`, { e: eventId, s: staff.accountId });
  const published = await gql(organizer, `mutation ($e: ID!) { publishEvent(eventId: $e) { position } }`, { e: eventId });
  // Subscribing checks the organizer and staff on the read side: wait until it has them.
  await gql(organizer, `query ($e: ID!, $at: String) { event(eventId: $e, atPosition: $at) { eventId } }`, {
    e: eventId,
    at: published.publishEvent.position,
  });
  return { eventId, sessionId: scheduled.scheduleSessions.sessions[0].sessionId as string };
};

const register = async (eventId: string, who: string) =>
  (await gql(attendee(who), `mutation ($e: ID!) { register(eventId: $e) { registrationId position ticket { code } } }`, { e: eventId })).register as {
    registrationId: string;
    position: string;
    ticket: { code: string };
  };

const checkIn = async (eventId: string, sessionId: string, code: string) =>
  (await gql(staff, `mutation ($e: ID!, $s: ID!, $c: String!) { checkIn(eventId: $e, sessionId: $s, code: $c) { result } }`, {
    e: eventId,
    s: sessionId,
    c: code,
  })).checkIn.result as string;

const CHECK_INS = `subscription ($e: ID!, $after: String) { checkInRecorded(eventId: $e, after: $after) {
  position eventId sessionId registrationId attendeeId staffId kind result reason at } }`;
const COUNTS = `subscription ($e: ID!, $after: String) { attendanceChanged(eventId: $e, after: $after) {
  eventId position confirmed pending waitlisted sessions { sessionId checkedIn } } }`;

describe('live door dashboards, with the projector in another process', () => {
  it('sends the organizer and the staff each check-in and the changed counts of their event only', async () => {
    const { eventId, sessionId } = await openEvent('Live');
    const other = await openEvent('Elsewhere');
    // The organizer's browser passes its token in connection_init; the staff's app on the upgrade request.
    const organizerBoard = await dashboard(api!.address, { connectionParams: { authorization: await bearer(organizer) } });
    const staffBoard = await dashboard(api!.address, { header: await bearer(staff) });
    const checkIns = organizerBoard.subscribe(CHECK_INS, { e: eventId });
    const counts = organizerBoard.subscribe(COUNTS, { e: eventId });
    const staffCheckIns = staffBoard.subscribe(CHECK_INS, { e: eventId });

    await register(other.eventId, 'noise');
    const { registrationId, ticket } = await register(eventId, 'ada');
    expect(await organizerBoard.data(counts, 'attendanceChanged', (c) => c.confirmed === 1)).toMatchObject({
      eventId,
      confirmed: 1,
      pending: 0,
      waitlisted: 0,
      sessions: [{ sessionId, checkedIn: 0 }],
    });

    expect(await checkIn(eventId, sessionId, ticket.code)).toBe('ok');
    const recorded = await organizerBoard.data(checkIns, 'checkInRecorded');
    expect(recorded).toMatchObject({ eventId, sessionId, registrationId, attendeeId: 'ada', staffId: staff.accountId, kind: 'scan', result: 'ok', reason: null });
    expect(Date.parse(recorded.at as string)).not.toBeNaN();
    expect(await staffBoard.data(staffCheckIns, 'checkInRecorded')).toEqual(recorded);
    expect(await organizerBoard.data(counts, 'attendanceChanged', (c) => (c.sessions as { checkedIn: number }[])[0]!.checkedIn === 1)).toMatchObject({
      eventId,
      confirmed: 1,
      sessions: [{ sessionId, checkedIn: 1 }],
    });

    // A refused scan is news for the door log, not for the counts.
    expect(await checkIn(eventId, sessionId, ticket.code)).toBe('already_redeemed');
    const refused = await organizerBoard.data(checkIns, 'checkInRecorded');
    expect(refused).toMatchObject({ eventId, result: 'already_redeemed' });
    expect(BigInt(refused.position as string)).toBeGreaterThan(BigInt(recorded.position as string));
    const after = (m: Message) => !Array.isArray(m.payload) && BigInt((m.payload?.data?.attendanceChanged as { position: string }).position) >= BigInt(refused.position as string);
    expect(organizerBoard.pending(counts).filter(after)).toEqual([]);
    expect([...organizerBoard.pending(checkIns), ...organizerBoard.pending(counts)].every((m) => !JSON.stringify(m).includes(other.eventId))).toBe(true);
  });

  it('keeps delivering after the api’s LISTEN connection is cut', async () => {
    const { eventId, sessionId } = await openEvent('Cut');
    const board = await dashboard(api!.address, { connectionParams: { authorization: await bearer(organizer) } });
    const checkIns = board.subscribe(CHECK_INS, { e: eventId });
    const { ticket } = await register(eventId, 'bea');
    const { rowCount } = await db.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'rollcall-live-feed' AND datname = current_database()`,
    );
    expect(rowCount).toBe(1);
    expect(await checkIn(eventId, sessionId, ticket.code)).toBe('ok');
    expect(await board.data(checkIns, 'checkInRecorded')).toMatchObject({ eventId, attendeeId: 'bea', result: 'ok' });
  });

  it('refuses strangers as FORBIDDEN, broken or missing tokens as UNAUTHENTICATED, and an id or a cursor that is none as VALIDATION', async () => {
    const { eventId } = await openEvent('Private');
    const refusal = async (auth: Parameters<typeof Dashboard.open>[1], query: string, variables: Record<string, unknown> = { e: eventId }) => {
      const board = await dashboard(api!.address, auth);
      const id = board.subscribe(query, variables);
      const message = await board.next((m) => m.id === id);
      expect(message.type).toBe('error');
      return (message.payload as { extensions?: { code?: string } }[])[0]?.extensions?.code;
    };
    expect(await refusal({ connectionParams: { authorization: await bearer(attendee('eve')) } }, CHECK_INS)).toBe('FORBIDDEN');
    expect(await refusal({ header: await bearer(attendee('eve')) }, COUNTS)).toBe('FORBIDDEN');
    expect(await refusal({}, COUNTS)).toBe('UNAUTHENTICATED');
    expect(await refusal({ connectionParams: { authorization: 'Bearer not-a-token' } }, CHECK_INS)).toBe('UNAUTHENTICATED');
    expect(await refusal({ header: await bearer(organizer) }, COUNTS, { e: 'abc' })).toBe('VALIDATION');
    // Resuming is watching all the same: the same people, and a cursor the API gave.
    expect(await refusal({ header: await bearer(attendee('eve')) }, CHECK_INS, { e: eventId, after: '0' })).toBe('FORBIDDEN');
    expect(await refusal({ header: await bearer(organizer) }, CHECK_INS, { e: eventId, after: 'yesterday' })).toBe('VALIDATION');
    expect(await refusal({ header: await bearer(organizer) }, COUNTS, { e: eventId, after: '99999999999999999999' })).toBe('VALIDATION');
  });

  it('refuses a subscription sent as a syntax tree instead of text, and sends it nothing', async () => {
    const { eventId } = await openEvent('Tree');
    const board = await dashboard(api!.address, { header: await bearer(organizer) });
    const tree = board.subscribe(parse(COUNTS), { e: eventId });
    expect(await board.next((m) => m.id === tree)).toEqual({
      id: tree,
      type: 'error',
      payload: [{ message: 'query must be a string holding a GraphQL document', extensions: { code: 'BAD_REQUEST' } }],
    });
    const number = board.subscribe(42, { e: eventId });
    expect((await board.next((m) => m.id === number)).type).toBe('error');

    // The same subscription as text hears of the next registration; the tree heard nothing.
    const text = board.subscribe(COUNTS, { e: eventId });
    await register(eventId, 'tree');
    expect(await board.data(text, 'attendanceChanged')).toMatchObject({ eventId, confirmed: 1 });
    expect(board.pending(tree)).toEqual([]);
  });
});

describe('a dashboard that reconnects with after, the position of the last news it got', () => {
  const DOOR_LOG = `query ($e: ID!, $s: ID!) { checkIns(eventId: $e, sessionId: $s, first: 100) { nodes { position attendeeId result } } }`;
  const entry = ({ position, attendeeId, result }: Record<string, unknown>) => ({ position, attendeeId, result });

  it('gets exactly the check-ins it missed, then the new ones, none twice, even those scanned while it resubscribes', async () => {
    const { eventId, sessionId } = await openEvent('Reconnecting');
    const codes: string[] = [];
    for (const who of ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']) codes.push((await register(eventId, who)).ticket.code);
    const away = await dashboard(api!.address, { header: await bearer(staff) });
    const before = away.subscribe(CHECK_INS, { e: eventId });
    await checkIn(eventId, sessionId, codes[0]!);
    const last = await away.data(before, 'checkInRecorded');
    await away.close();

    // Missed while away, a refused scan among them.
    expect(await checkIn(eventId, sessionId, codes[1]!)).toBe('ok');
    expect(await checkIn(eventId, sessionId, codes[2]!)).toBe('ok');
    expect(await checkIn(eventId, sessionId, codes[1]!)).toBe('already_redeemed');
    const back = await dashboard(api!.address, { header: await bearer(staff) });
    const resumed = back.subscribe(CHECK_INS, { e: eventId, after: last.position });
    // Scanned while the server reads the backlog and switches to the live feed.
    await Promise.all([checkIn(eventId, sessionId, codes[3]!), checkIn(eventId, sessionId, codes[4]!)]);
    await checkIn(eventId, sessionId, codes[5]!);
    const received: Record<string, unknown>[] = [];
    for (let i = 0; i < 6; i++) received.push(await back.data(resumed, 'checkInRecorded'));

    const log: Record<string, unknown>[] = (await gql(staff, DOOR_LOG, { e: eventId, s: sessionId })).checkIns.nodes;
    const missedAndNew = log.slice(log.findIndex((row) => row.position === last.position) + 1);
    expect(missedAndNew.map((row) => row.result)).toEqual(['ok', 'ok', 'already_redeemed', 'ok', 'ok', 'ok']);
    expect(received.map(entry)).toEqual(missedAndNew);
    // Live from here on, and nothing was left over from the switch.
    await checkIn(eventId, sessionId, codes[6]!);
    expect(await back.data(resumed, 'checkInRecorded')).toMatchObject({ attendeeId: 'r6', result: 'ok' });
    expect(back.pending(resumed)).toEqual([]);
  });

  it('gets the counts as they stand first if they changed while it was away, then the new ones', async () => {
    const { eventId } = await openEvent('Recounting');
    const away = await dashboard(api!.address, { header: await bearer(organizer) });
    const before = away.subscribe(COUNTS, { e: eventId });
    await register(eventId, 'c1');
    const seen = await away.data(before, 'attendanceChanged', (c) => c.confirmed === 1);
    await away.close();

    await register(eventId, 'c2');
    const { position } = await register(eventId, 'c3');
    await gql(organizer, `query ($e: ID!, $at: String) { event(eventId: $e, atPosition: $at) { eventId } }`, { e: eventId, at: position });
    const back = await dashboard(api!.address, { header: await bearer(organizer) });
    const resumed = back.subscribe(COUNTS, { e: eventId, after: seen.position });
    const current = await back.data(resumed, 'attendanceChanged');
    expect(current).toMatchObject({ eventId, confirmed: 3 });
    // Resumed at those counts, another misses nothing and hears nothing until they change.
    const upToDate = back.subscribe(COUNTS, { e: eventId, after: current.position });

    await register(eventId, 'c4');
    expect(await back.data(resumed, 'attendanceChanged')).toMatchObject({ eventId, confirmed: 4 });
    expect(await back.data(upToDate, 'attendanceChanged')).toMatchObject({ eventId, confirmed: 4 });
    expect([...back.pending(resumed), ...back.pending(upToDate)]).toEqual([]);
  });
});

describe('a dashboard whose access token expires', () => {
  it('receives news until then, is closed with 4403 "The access token has expired", and resumes on a fresh connection', async () => {
    const { eventId } = await openEvent('Expiring');
    // Both ways in: the organizer's token in connection_init, the staff's on the upgrade request.
    const organizerToken = await expiringIn(3, organizer);
    const staffToken = await expiringIn(3, staff);
    const organizerBoard = await dashboard(api!.address, { connectionParams: { authorization: `Bearer ${organizerToken.token}` } });
    const staffBoard = await dashboard(api!.address, { header: `Bearer ${staffToken.token}` });
    const organizerCounts = organizerBoard.subscribe(COUNTS, { e: eventId });
    const staffCounts = staffBoard.subscribe(COUNTS, { e: eventId });

    await register(eventId, 'cy');
    expect(await organizerBoard.data(organizerCounts, 'attendanceChanged')).toMatchObject({ eventId, confirmed: 1 });
    expect(await staffBoard.data(staffCounts, 'attendanceChanged')).toMatchObject({ eventId, confirmed: 1 });

    for (const [board, { expiresAt }] of [[organizerBoard, organizerToken], [staffBoard, staffToken]] as const) {
      const closed = await board.closedWithin(10_000);
      expect(closed).toMatchObject({ code: 4403, reason: 'The access token has expired' });
      // Not before (give or take the clocks' granularity): the timer is the token's own expiry.
      expect(closed.at).toBeGreaterThanOrEqual(expiresAt.getTime() - 100);
    }

    const renewed = await dashboard(api!.address, { connectionParams: { authorization: await bearer(organizer) } });
    const counts = renewed.subscribe(COUNTS, { e: eventId });
    await register(eventId, 'dee');
    expect(await renewed.data(counts, 'attendanceChanged')).toMatchObject({ eventId, confirmed: 2 });
  });
});

describe('a dashboard whose session ends', () => {
  it('is closed with 4403 within seconds of its account losing the role it watched by', async () => {
    const { eventId } = await openEvent('Revoked');
    const store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
    try {
      const admin = await givenAccount(store, { accountId: '5a7f0000-0000-4000-8000-000000000009', roles: ['admin'] });
      const board = await dashboard(api!.address, { header: await bearer(admin) });
      const counts = board.subscribe(COUNTS, { e: eventId });
      await register(eventId, 'eve');
      expect(await board.data(counts, 'attendanceChanged')).toMatchObject({ eventId, confirmed: 1 });

      await store.append(accountStream(admin.accountId), [anEvent('RoleRevoked', { role: 'admin', revokedBy: 'root', revokedAt: new Date().toISOString() })], 'any');
      // The api asks every SESSION_CHECK_CACHE_MS, and may have remembered the session as alive that long.
      const closed = await board.closedWithin(2 * SESSION_CHECK_CACHE_MS + 2_000);
      expect(closed).toMatchObject({ code: 4403, reason: expect.stringMatching(/session has ended/) });
    } finally {
      await store.close();
    }
  });
});
