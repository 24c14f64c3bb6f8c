// Over 300 lines on purpose: every test shares one app and one projector, and the event, tickets and scanners the helpers make.
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenAccount } from '../../../test/accounts.js';
import { graphqlClient } from '../../../test/graphql.js';
import { type TestApp, startTestApp } from '../../../test/test-app.js';
import type { Actor } from '../../domain/actor.js';
import { scannerDeviceStream } from '../../domain/streams.js';
import { type Projector, startProjector } from '../../projections/projector.js';

/**
 * Offline scanning through the API on a real database: scanner devices and their tokens, the
 * check-in list a scanner downloads, and the scans it uploads later.
 */

let rollcall: TestApp;
let projector: Projector;
const failures: unknown[] = [];

const HOUR = 3_600_000;
const MINUTE = 60_000;
const organizer: Actor = { accountId: '0a9b0000-0000-4000-8000-0000000000d1', roles: ['organizer'] };
const staff: Actor = { accountId: '5a7f0000-0000-4000-8000-0000000000d2', roles: ['staff'] };
let attendees = 0;

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

/** A GraphQL request with a scanner device's token. */
const asDevice = async (token: string, query: string, variables: Record<string, unknown> = {}) => {
  const response = await rollcall.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    payload: JSON.stringify({ query, variables }),
  });
  const body = response.json();
  return { status: response.statusCode, data: body.data, code: body.errors?.[0]?.extensions?.code as string | undefined };
};

/** A published event with one session whose doors are open now, staff assigned. */
const openEvent = async (title: string) => {
  const created = await gql(organizer, `mutation ($d: EventDetailsInput!) { createEvent(details: $d, capacity: 50) { eventId } }`, {
    d: {
      title,
      venue: 'Hall',
      timeZone: 'UTC',
      registrationOpensAt: new Date(Date.now() - HOUR).toISOString(),
      registrationClosesAt: new Date(Date.now() + HOUR).toISOString(),
    },
  });
  const eventId = created.data.createEvent.eventId as string;
  const scheduled = await gql(organizer, `mutation ($e: ID!, $p: SessionPlanInput!) { scheduleSessions(eventId: $e, plan: $p) { sessions { sessionId } } }`, {
    e: eventId,
    p: { startsAt: new Date(Date.now() + HOUR / 2).toISOString(), endsAt: new Date(Date.now() + 2 * HOUR).toISOString() },
  });
  await gql(organizer, `mutation ($e: ID!) { assignStaff(eventId: $e, staffId: "${staff.accountId}") { eventId } }`, { e: eventId });
  await gql(organizer, `mutation ($e: ID!) { publishEvent(eventId: $e) { position } }`, { e: eventId });
  return { eventId, sessionId: scheduled.data.scheduleSessions.sessions[0].sessionId as string };
};

/** A named attendee's confirmed ticket for the event. */
const ticketFor = async (eventId: string) => {
  const attendee: Actor = { accountId: `0a770000-0000-4000-8000-${String(++attendees).padStart(12, '0')}`, roles: ['attendee'] };
  await givenAccount(rollcall.store, attendee);
  const registered = await gql(attendee, `mutation ($e: ID!) { register(eventId: $e) { registrationId position ticket { ticketId code } } }`, { e: eventId });
  const { registrationId, position, ticket } = registered.data.register;
  return { attendee, registrationId: registrationId as string, position: position as string, ticketId: ticket.ticketId as string, code: ticket.code as string };
};

/** Waits (up to 30 s, for a busy machine) until the read side knows the ticket holder's name, which the accounts read model projects on its own. */
const nameKnown = async (eventId: string, registrationId: string) => {
  for (let tries = 0; tries < 600; tries++) {
    const { data } = await gql(organizer, `query ($e: ID!) { registrations(eventId: $e, first: 100) { nodes { registrationId attendeeName } } }`, { e: eventId });
    const node = data?.registrations.nodes.find((n: { registrationId: string }) => n.registrationId === registrationId);
    if (node?.attendeeName) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the read side never learned the attendee’s name');
};

const registerScanner = async (eventId: string, name: string) => {
  const registered = await gql(organizer, `mutation ($e: ID!, $n: String!) { registerScannerDevice(eventId: $e, name: $n) { deviceId token position } }`, { e: eventId, n: name });
  return registered.data.registerScannerDevice as { deviceId: string; token: string; position: string };
};

/** Waits until the attendance read model holds what was written by `position`. */
const caughtUp = async (eventId: string, sessionId: string, position: string) => {
  // As the organizer: the read model knows them from the event's creation, staff only once their assignment is projected.
  const { code } = await gql(organizer, `query ($e: ID!, $s: ID!, $at: String) { sessionAttendance(eventId: $e, sessionId: $s, atPosition: $at) { checkedIn } }`, {
    e: eventId,
    s: sessionId,
    at: position,
  });
  expect(code).toBeUndefined();
};

const listOf = (eventId: string, sessionId: string, authorization: string, query = '', headers: Record<string, string> = {}) =>
  rollcall.app.inject({ method: 'GET', url: `/events/${eventId}/sessions/${sessionId}/checkin-list${query}`, headers: { authorization, ...headers } });

const CHECK_IN = `mutation ($e: ID!, $s: ID!, $c: String!) { checkIn(eventId: $e, sessionId: $s, code: $c) {
  result position holder { attendeeId name registrationStatus } firstUse { at deviceId staffId offline } flags } }`;
const UPLOAD = `mutation ($e: ID!, $s: ID!, $d: ID!, $scans: [OfflineScanInput!]!) { uploadScans(eventId: $e, sessionId: $s, deviceId: $d, scans: $scans) {
  nonce scan { result registrationId position flags firstUse { deviceId } } error { code message } } }`;
const LOG = `query ($e: ID!, $s: ID!, $at: String) { checkIns(eventId: $e, sessionId: $s, first: 100, atPosition: $at) {
  nodes { registrationId staffId kind result deviceId scannedAt offline flags } } }`;

const ago = (minutes: number) => new Date(Date.now() - minutes * MINUTE).toISOString();

describe('Scanner devices', () => {
  it("are registered by the event's organizer, not its staff, with a token shown once", async () => {
    const { eventId } = await openEvent('Devices');
    const device = await registerScanner(eventId, 'North door');
    expect(device.token).toMatch(/^rcsd_[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    const byStaff = await gql(staff, `mutation ($e: ID!) { registerScannerDevice(eventId: $e, name: "Mine") { deviceId } }`, { e: eventId });
    expect(byStaff.code).toBe('FORBIDDEN');
    const stored = JSON.stringify((await rollcall.store.readStream(scannerDeviceStream(device.deviceId))).map((event) => event.data));
    expect(stored).toContain('tokenHash');
    expect(stored).not.toContain(device.token.split('.')[1]);
  });

  it('check tickets with their token and say who is at the door, recording the device', async () => {
    const { eventId, sessionId } = await openEvent('Device door');
    const device = await registerScanner(eventId, 'North door');
    const ticket = await ticketFor(eventId);
    await nameKnown(eventId, ticket.registrationId);
    const first = await asDevice(device.token, CHECK_IN, { e: eventId, s: sessionId, c: ticket.code });
    expect(first.data.checkIn).toMatchObject({ result: 'ok', holder: { attendeeId: ticket.attendee.accountId, name: 'Test account', registrationStatus: 'confirmed' }, firstUse: null });
    const again = await gql(staff, CHECK_IN, { e: eventId, s: sessionId, c: ticket.code });
    expect(again.data.checkIn).toMatchObject({ result: 'already_redeemed', firstUse: { deviceId: device.deviceId, offline: false }, flags: [] });
    expect(Date.parse(again.data.checkIn.firstUse.at)).toBeLessThanOrEqual(Date.now());
    const log = await gql(organizer, LOG, { e: eventId, s: sessionId, at: again.data.checkIn.position });
    expect(log.data.checkIns.nodes[0]).toMatchObject({ deviceId: device.deviceId, offline: false, staffId: `scanner-${device.deviceId}` });
  });

  it("work their own event's doors only, and nothing else", async () => {
    const mine = await openEvent('Mine');
    const other = await openEvent('Other');
    const device = await registerScanner(mine.eventId, 'Door');
    const ticket = await ticketFor(other.eventId);
    expect((await asDevice(device.token, CHECK_IN, { e: other.eventId, s: other.sessionId, c: ticket.code })).code).toBe('FORBIDDEN');
    expect((await listOf(other.eventId, other.sessionId, `Bearer ${device.token}`)).statusCode).toBe(403);
    // Anything but the door sees no one: the device holds no account and no role.
    expect((await asDevice(device.token, '{ me { id } }')).code).toBe('UNAUTHENTICATED');
    expect((await asDevice(device.token, `query ($e: ID!) { registrations(eventId: $e) { nodes { attendeeEmail } } }`, { e: mine.eventId })).code).toBe('UNAUTHENTICATED');
    expect((await asDevice(device.token, `mutation ($e: ID!) { registerScannerDevice(eventId: $e, name: "Clone") { deviceId } }`, { e: mine.eventId })).code).toBe('UNAUTHENTICATED');
  });

  it('are refused once revoked, and a forged or mangled token never gets in', async () => {
    const { eventId, sessionId } = await openEvent('Revoked');
    const device = await registerScanner(eventId, 'Lost tablet');
    const revoked = await gql(organizer, `mutation ($e: ID!, $d: ID!) { revokeScannerDevice(eventId: $e, deviceId: $d) { deviceId } }`, { e: eventId, d: device.deviceId });
    expect(revoked.errors).toBeUndefined();
    const refused = await asDevice(device.token, CHECK_IN, { e: eventId, s: sessionId, c: 'not-a-ticket' });
    expect([refused.status, refused.code]).toEqual([401, 'UNAUTHENTICATED']);
    const other = await registerScanner(eventId, 'Other tablet');
    const devices = await gql(organizer, `query ($e: ID!, $at: String) { scannerDevices(eventId: $e, atPosition: $at) { deviceId name revokedAt } }`, {
      e: eventId,
      at: other.position,
    });
    expect(devices.data.scannerDevices).toEqual([
      { deviceId: device.deviceId, name: 'Lost tablet', revokedAt: expect.any(String) },
      { deviceId: other.deviceId, name: 'Other tablet', revokedAt: null },
    ]);
    const forged = `${other.token.slice(0, -3)}AAA`;
    expect((await asDevice(forged, CHECK_IN, { e: eventId, s: sessionId, c: 'not-a-ticket' })).code).toBe('UNAUTHENTICATED');
    expect((await listOf(eventId, sessionId, 'Bearer rcsd_nonsense')).statusCode).toBe(401);
  });
});

describe('The check-in list', () => {
  it('holds the ticket keys, which verify a code offline, and the tickets that admit', async () => {
    const { eventId, sessionId } = await openEvent('List');
    const device = await registerScanner(eventId, 'Door');
    const ann = await ticketFor(eventId);
    await caughtUp(eventId, sessionId, ann.position);
    const response = await listOf(eventId, sessionId, `Bearer ${device.token}`);
    expect(response.statusCode).toBe(200);
    const list = response.json();
    expect(list).toMatchObject({ eventId, sessionId, eventStatus: 'published', clockSkewSeconds: 120, revoked: [] });
    expect(list.tickets).toEqual([{ ticketId: ann.ticketId, registrationId: ann.registrationId, version: 1, checkedIn: false }]);
    const { payload } = await jwtVerify(ann.code, createLocalJWKSet(list.jwks), { algorithms: ['EdDSA'], issuer: 'rollcall', audience: 'rollcall-ticket' });
    expect(payload).toMatchObject({ tid: ann.ticketId, ver: 1 });
    const forged = `${ann.code.slice(0, -4)}AAAA`;
    await expect(jwtVerify(forged, createLocalJWKSet(list.jwks))).rejects.toThrow();
  });

  it('answers 304 while nothing changed, and after a position only what changed: check-ins and revocations', async () => {
    const { eventId, sessionId } = await openEvent('Increments');
    const ann = await ticketFor(eventId);
    const bob = await ticketFor(eventId);
    await caughtUp(eventId, sessionId, bob.position);
    const staffAuth = `Bearer ${(await rollcall.app.tokens.issueAccessToken(staff)).token}`;
    const full = await listOf(eventId, sessionId, staffAuth);
    expect(full.json().tickets).toHaveLength(2);
    const etag = full.headers.etag as string;
    expect((await listOf(eventId, sessionId, staffAuth, '', { 'if-none-match': etag })).statusCode).toBe(304);
    const since = full.json().position as string;
    const nothingNew = await listOf(eventId, sessionId, staffAuth, `?since=${since}`);
    expect(nothingNew.json()).toMatchObject({ position: since, tickets: [], revoked: [] });

    const scanned = await gql(staff, CHECK_IN, { e: eventId, s: sessionId, c: ann.code });
    const cancelled = await gql(bob.attendee, `mutation ($e: ID!, $r: ID!) { cancelRegistration(eventId: $e, registrationId: $r) { position } }`, { e: eventId, r: bob.registrationId });
    await caughtUp(eventId, sessionId, cancelled.data.cancelRegistration.position);
    await caughtUp(eventId, sessionId, scanned.data.checkIn.position);
    expect((await listOf(eventId, sessionId, staffAuth, '', { 'if-none-match': etag })).statusCode).toBe(200);
    const refresh = (await listOf(eventId, sessionId, staffAuth, `?since=${since}`)).json();
    expect(refresh.tickets).toEqual([{ ticketId: ann.ticketId, registrationId: ann.registrationId, version: 1, checkedIn: true }]);
    expect(refresh.revoked).toEqual([{ ticketId: bob.ticketId, registrationId: bob.registrationId, reason: 'cancelled' }]);
    expect(BigInt(refresh.position)).toBeGreaterThan(BigInt(since));
    expect((await listOf(eventId, sessionId, staffAuth, `?since=${refresh.position}`)).json()).toMatchObject({ tickets: [], revoked: [] });
  });

  it('is for the event team and its devices only, and refuses a malformed position', async () => {
    const { eventId, sessionId } = await openEvent('Private list');
    const stranger = `Bearer ${(await rollcall.app.tokens.issueAccessToken({ accountId: 'nosy', roles: ['staff'] })).token}`;
    expect((await listOf(eventId, sessionId, stranger)).statusCode).toBe(403);
    const staffAuth = `Bearer ${(await rollcall.app.tokens.issueAccessToken(staff)).token}`;
    expect((await listOf(eventId, sessionId, staffAuth, '?since=-1')).statusCode).toBe(400);
  });
});

describe('Uploading offline scans', () => {
  it('records each scan at its scan time with its device, once however often the batch is sent', async () => {
    const { eventId, sessionId } = await openEvent('Upload');
    const device = await registerScanner(eventId, 'Door');
    const ann = await ticketFor(eventId);
    const bob = await ticketFor(eventId);
    const scans = [
      { code: ann.code, scannedAt: ago(10), nonce: 'n-1' },
      { code: bob.code, scannedAt: 'last Tuesday', nonce: 'n-2' },
      { code: 'not-a-ticket', scannedAt: ago(9), nonce: 'n-3' },
      { code: bob.code, scannedAt: ago(8), nonce: 'n-4' },
      { code: 'mangled\u0001\ud800', scannedAt: ago(7), nonce: 'n-5' },
    ];
    const upload = () => asDevice(device.token, UPLOAD, { e: eventId, s: sessionId, d: device.deviceId, scans });
    const first = (await upload()).data.uploadScans;
    expect(first.map((r: { nonce: string; scan: { result: string } | null; error: { code: string } | null }) => [r.nonce, r.scan?.result ?? r.error?.code])).toEqual([
      ['n-1', 'ok'],
      ['n-2', 'VALIDATION'],
      ['n-3', 'invalid'],
      ['n-4', 'ok'],
      ['n-5', 'invalid'],
    ]);
    const again = (await upload()).data.uploadScans;
    expect(again).toEqual(first);
    await caughtUp(eventId, sessionId, first[3].scan.position);
    const log = (await gql(staff, LOG, { e: eventId, s: sessionId })).data.checkIns.nodes;
    expect(log).toHaveLength(4);
    expect(log.find((row: { registrationId: string }) => row.registrationId === ann.registrationId)).toMatchObject({
      deviceId: device.deviceId,
      scannedAt: scans[0]!.scannedAt,
      offline: true,
      result: 'ok',
    });
  });

  it('lets the team upload for a device of the event; a device uploads only its own scans', async () => {
    const { eventId, sessionId } = await openEvent('Team upload');
    const north = await registerScanner(eventId, 'North');
    const south = await registerScanner(eventId, 'South');
    const ann = await ticketFor(eventId);
    const byStaff = await gql(staff, UPLOAD, { e: eventId, s: sessionId, d: north.deviceId, scans: [{ code: ann.code, scannedAt: ago(5), nonce: 'a' }] });
    expect(byStaff.data.uploadScans[0].scan.result).toBe('ok');
    const posing = await asDevice(south.token, UPLOAD, { e: eventId, s: sessionId, d: north.deviceId, scans: [] });
    expect(posing.code).toBe('FORBIDDEN');
    const tooMany = await asDevice(north.token, UPLOAD, { e: eventId, s: sessionId, d: north.deviceId, scans: Array.from({ length: 1001 }, (_, i) => ({ code: 'x', scannedAt: ago(1), nonce: `n${i}` })) });
    expect(tooMany.code).toBe('VALIDATION');
  });

  it('keeps the earlier of two devices’ scans as the check-in in either upload order, flagging the other', async () => {
    const { eventId, sessionId } = await openEvent('Two doors');
    const north = await registerScanner(eventId, 'North');
    const south = await registerScanner(eventId, 'South');
    const inOrder = await ticketFor(eventId);
    const reversed = await ticketFor(eventId);
    const [early, late] = [ago(20), ago(15)];
    const send = (device: { deviceId: string; token: string }, code: string, scannedAt: string, nonce: string) =>
      asDevice(device.token, UPLOAD, { e: eventId, s: sessionId, d: device.deviceId, scans: [{ code, scannedAt, nonce }] }).then((r) => r.data.uploadScans[0]);

    expect((await send(north, inOrder.code, early, 'x1')).scan).toMatchObject({ result: 'ok', flags: [] });
    expect((await send(south, inOrder.code, late, 'x2')).scan).toMatchObject({ result: 'already_redeemed', flags: ['offline_conflict'], firstUse: { deviceId: north.deviceId } });

    expect((await send(south, reversed.code, late, 'y1')).scan).toMatchObject({ result: 'ok' });
    const earlier = await send(north, reversed.code, early, 'y2');
    expect(earlier.scan).toMatchObject({ result: 'ok' });

    await caughtUp(eventId, sessionId, earlier.scan.position);
    const log = (await gql(staff, LOG, { e: eventId, s: sessionId })).data.checkIns.nodes as { registrationId: string; result: string; deviceId: string; flags: string[] }[];
    const story = (registrationId: string) => log.filter((row) => row.registrationId === registrationId).map((row) => [row.deviceId === north.deviceId ? 'north' : 'south', row.result, row.flags]);
    expect(story(inOrder.registrationId)).toEqual([
      ['north', 'ok', []],
      ['south', 'already_redeemed', ['offline_conflict']],
    ]);
    expect(story(reversed.registrationId)).toEqual([
      ['south', 'ok', []],
      ['south', 'already_redeemed', ['offline_conflict']],
      ['north', 'ok', []],
    ]);
    const counts = await gql(staff, `query ($e: ID!, $s: ID!) { sessionAttendance(eventId: $e, sessionId: $s) { checkedIn } }`, { e: eventId, s: sessionId });
    expect(counts.data.sessionAttendance.checkedIn).toBe(2);
  });

  it('left the projector without a failure', () => expect(failures).toEqual([]));
});
