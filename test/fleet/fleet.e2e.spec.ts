// Over 300 lines on purpose: one fleet, started once, carries the whole story, and each test builds on what the ones before it did; the processes, the GraphQL steps and the Kafka side live in fleet.ts, scenario.ts and kafka-topics.ts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reactorGroupId } from '../../src/integration/kafka-consumer.js';
import { PUBLISHED_VERSIONS } from '../../src/integration/published-types.js';
import { FORECAST_REFRESH_QUEUE } from '../../src/jobs/queues.js';
import { projections } from '../../src/projections/projections.js';
import { AuditClient, describeExchange } from '../../src/security/audit/http-client.js';
import { OutboxReader } from '../../src/security/audit/outbox.js';
import { eventually } from '../../src/security/audit/probe.js';
import { flipAt } from '../../src/security/audit/tickets.probes.js';
import { type Person, logIn, newPassword, replayedStream } from '../../src/security/audit/world.js';
import { Dashboard } from '../door-dashboard.js';
import { CHECK_IN_RECORDED } from './documents.js';
import { type Ending, Fleet, type Member, projectionStates } from './fleet.js';
import { FleetTopics } from './kafka-topics.js';
import {
  type Decided,
  type FleetEvent,
  IN_FLIGHT,
  approve,
  atMost,
  cancel,
  eventCounts,
  forecastOf,
  granted,
  latest,
  publishedEvent,
  rebuildWhileAsking,
  register,
  registrationIds,
  reject,
  scan,
  signUpEveryone,
  spread,
  ticketCode,
  ticketMailed,
  underWay,
} from './scenario.js';

/**
 * Issue #12, "a fleet in CI": separate processes (two `api`, two `projector`, a `forwarder`,
 * an `ml-worker`) on one PostgreSQL database and the Kafka broker, driven through GraphQL as an
 * event's people would, with the active projector and the forwarder killed -9 mid-run. The
 * tests run in order, each on what the ones before it did.
 */

const brokers = process.env.KAFKA_BROKERS;
if (!brokers && !process.env.CI) process.stdout.write('fleet proof SKIPPED: set KAFKA_BROKERS\n');
const onKafka = brokers || process.env.CI ? describe : describe.skip;

const ATTENDEES = 200;
const CAPACITY = 100;
/** The first 100 approvals take the seats, the other 30 go on the waiting list. */
const APPROVED = 130;
/** The 20 after them stay pending. */
const REJECTED = 50;
const CANCELLING = 10;
const CHECKED_IN = 60;
/** Staff scanning at once, at the doors of both APIs. */
const DOORS = 4;
const PROJECTIONS = projections.map((projection) => projection.name).sort();

const run = randomBytes(4).toString('hex');
let fleet: Fleet;
let topics: FleetTopics;
let apiProcesses: Member[];
let projectors: Member[];
let forwarder: Member;
let mlWorker: Member;
/** One HTTP client per API process; request `i` of a batch goes to `apis[i % 2]`. */
let apis: AuditClient[];
let outbox: OutboxReader;
let admin: Person;
let organizer: Person;
let staff: Person;
let attendees: Person[];
let event: FleetEvent;
let registrations: Decided[];
/** Who holds each registration. */
const holders = new Map<string, Person>();
/** Registrations confirmed once the waiting list moved, and those confirmed at any time. */
let confirmed: string[];
let everConfirmed: Set<string>;
/** Rejected, still pending, or still waiting: never confirmed. */
let neverConfirmed: string[];

const everywhere = (state: string) => Object.fromEntries(PROJECTIONS.map((name) => [name, state]));
/**
 * The waiting list's order as the event's stream holds it. The positions approvals answer with
 * cannot tell it: the command handler appends a batch of commands at once, and every command of
 * a batch answers with the batch's last position.
 */
const waitlistOrder = async (eventId: string): Promise<string[]> =>
  (
    await fleet.db.pool.query<{ id: string }>(
      `SELECT data->>'registrationId' AS id FROM rollcall.events WHERE stream_id = $1 AND type = 'RegistrationWaitlisted' ORDER BY revision`,
      [`event-${eventId}`],
    )
  ).rows.map((row) => row.id);

onKafka('a fleet of separate processes on one PostgreSQL and Kafka', () => {
  // Six processes start on two cores; the first projector takes every projection's lock before the second starts as its standby.
  beforeAll(async () => {
    if (!brokers) throw new Error('KAFKA_BROKERS is not set: CI must run the Kafka suites against a real broker (see .ci/run)');
    fleet = await Fleet.open(brokers);
    topics = new FleetTopics(brokers.split(','), fleet.topicPrefix);
    const active = await fleet.start('projector');
    const [standby, api1, api2, forwarding, reacting] = await Promise.all(
      (['projector', 'api', 'api', 'forwarder', 'ml-worker'] as const).map((role) => fleet.start(role)),
    );
    [projectors, apiProcesses, forwarder, mlWorker] = [[active, standby!], [api1!, api2!], forwarding!, reacting!];
    apis = apiProcesses.map((api) => new AuditClient(api.address));
    outbox = new OutboxReader(fleet.outboxDir);
  }, 180_000);
  afterAll(() => fleet?.close());

  it('sets up through GraphQL: an admin made with the CLI grants the organizer and staff roles, the organizer publishes an event with two sessions and approval, and 200 attendees sign up on both APIs, verify with the mailed token and log in', async () => {
    const login = { email: `fleet-${run}-admin@example.org`, password: newPassword() };
    const made = await fleet.createAdmin(login.email, login.password);
    expect(made.code, made.stderr).toBe(0);
    const session = await logIn(apis[0]!, login.email, login.password);
    expect(session.account.id).toBe(made.stdout.trim());
    admin = { ...login, name: 'Fleet Admin', accountId: session.account.id, accessToken: session.accessToken, refreshToken: session.refreshToken };
    const people = await signUpEveryone(apis, outbox, run, ['organizer', 'staff', ...Array.from({ length: ATTENDEES }, (_, i) => `attendee-${i}`)]);
    organizer = await granted(apis[0]!, admin, people[0]!, 'organizer');
    staff = await granted(apis[1]!, admin, people[1]!, 'staff');
    attendees = people.slice(2);
    event = await publishedEvent(apis[0]!, organizer, staff, CAPACITY);
    expect(attendees).toHaveLength(ATTENDEES);
    expect(event.sessionIds).toHaveLength(2);
  }, 240_000);

  it('takes 200 registrations on both APIs while the active projector is killed -9 mid-way: the standby takes over every projection and the read side counts all 200', async () => {
    const [active, standby] = projectors as [Member, Member];
    expect(projectionStates(active.output())).toEqual(everywhere('running'));
    expect(projectionStates(standby.output())).toEqual(everywhere('waiting_for_lock'));
    const registering = underWay(IN_FLIGHT, attendees, (attendee, i) => register(spread(apis, i), event, attendee));
    await registering.reached(ATTENDEES / 4);
    const [doneAtKill, headAtKill] = [registering.done(), await fleet.head()];
    expect(await fleet.kill(active)).toMatchObject({ signal: 'SIGKILL' });
    registrations = await registering.all;
    for (const [i, { registrationId }] of registrations.entries()) holders.set(registrationId, attendees[i]!);
    expect(doneAtKill).toBeLessThan(ATTENDEES);
    expect(registrations.map((r) => r.status)).toEqual(Array(ATTENDEES).fill('pending'));

    await eventually(async () => (Object.values(projectionStates(standby.output())).every((s) => s === 'running') ? true : undefined), 30_000);
    expect(projectionStates(standby.output())).toEqual(everywhere('running'));
    expect(await fleet.projectionLocks()).toBe(PROJECTIONS.length);
    const head = await fleet.head();
    expect(head).toBeGreaterThan(headAtKill);
    const advanced = await eventually(async () => {
      const checkpoints = await fleet.checkpoints('projection');
      return PROJECTIONS.every((name) => checkpoints.get(name)!.position >= head) ? true : undefined;
    }, 30_000);
    expect(advanced, `every projection's checkpoint past ${head}`).toBe(true);
    const at = latest(registrations.map((r) => r.position));
    expect((await eventCounts(apis[1]!, event, organizer, at)).counts).toEqual({ confirmed: 0, pending: ATTENDEES, waitlisted: 0 });
  }, 120_000);

  it('decides on both APIs: of 130 approvals 100 take the seats and 30 wait, 50 are rejected, 20 stay pending; 10 cancellations move the first 10 of the waiting list up', async () => {
    const approved = await atMost(IN_FLIGHT, registrations.slice(0, APPROVED), (r, i) => approve(spread(apis, i), event, organizer, r.registrationId));
    const seated = approved.filter((a) => a.status === 'confirmed');
    const order = await waitlistOrder(event.eventId);
    const waiting = approved.filter((a) => a.status === 'waitlisted').sort((a, b) => order.indexOf(a.registrationId) - order.indexOf(b.registrationId));
    expect([seated.length, waiting.length]).toEqual([CAPACITY, APPROVED - CAPACITY]);
    const rejected = await atMost(IN_FLIGHT, registrations.slice(APPROVED, APPROVED + REJECTED), (r, i) => reject(spread(apis, i), event, organizer, r.registrationId));
    expect(new Set(rejected.map((r) => r.status))).toEqual(new Set(['rejected']));
    // One after another: each frees a seat for whoever heads the waiting list then.
    const leaving = seated.slice(0, CANCELLING);
    const cancelled: Decided[] = [];
    for (const [i, seat] of leaving.entries()) cancelled.push(await cancel(spread(apis, i), event, holders.get(seat.registrationId)!, seat.registrationId));
    expect(cancelled.map((c) => c.status)).toEqual(Array(CANCELLING).fill('cancelled'));

    const promoted = waiting.slice(0, CANCELLING).map((w) => w.registrationId);
    confirmed = [...seated.slice(CANCELLING).map((s) => s.registrationId), ...promoted];
    everConfirmed = new Set([...seated.map((s) => s.registrationId), ...promoted]);
    const pending = registrations.slice(APPROVED + REJECTED).map((r) => r.registrationId);
    const stillWaiting = waiting.slice(CANCELLING).map((w) => w.registrationId);
    neverConfirmed = [...rejected.map((r) => r.registrationId), ...pending, ...stillWaiting];
    const at = latest(cancelled.map((c) => c.position));
    const onReadSide = async (status: string) => new Set(await registrationIds(apis[0]!, event, organizer, status, at));
    expect(await onReadSide('confirmed')).toEqual(new Set(confirmed));
    expect(await onReadSide('waitlisted')).toEqual(new Set(stillWaiting));
    expect(await onReadSide('rejected')).toEqual(new Set(rejected.map((r) => r.registrationId)));
    expect(await onReadSide('pending')).toEqual(new Set(pending));
    expect((await eventCounts(apis[1]!, event, organizer, at)).counts).toEqual({ confirmed: CAPACITY, pending: pending.length, waitlisted: stillWaiting.length });
  }, 120_000);

  it('mails a ticket to the outbox for every confirmed attendee (the ml-worker queues it from Kafka, the projector sends it), and none to anyone never confirmed', async () => {
    const emails = (ids: string[]) => ids.map((id) => holders.get(id)!.email);
    let mailed = new Set<string>();
    const unmailed = () => emails(confirmed).filter((email) => !mailed.has(email));
    await eventually(async () => {
      mailed = await ticketMailed(outbox);
      return unmailed().length === 0 ? true : undefined;
    }, 90_000, 1_000);
    expect(unmailed()).toEqual([]);
    expect(emails(neverConfirmed).filter((email) => mailed.has(email))).toEqual([]);
  }, 120_000);

  it('checks 60 in on both APIs, the forwarder killed -9 mid-way and replaced after; a replayed code is already_redeemed, a tampered one invalid; a dashboard on api 1 sees every scan made on api 2, once', async () => {
    const dashboard = await Dashboard.open(apiProcesses[0]!.address, { header: `Bearer ${staff.accessToken}` });
    try {
      const subscription = dashboard.subscribe(CHECK_IN_RECORDED, { eventId: event.eventId });
      const guests = confirmed.slice(0, CHECKED_IN);
      const codes = await atMost(IN_FLIGHT, guests, (id, i) => ticketCode(spread(apis, i), event, holders.get(id)!, id));
      const scanning = underWay(DOORS, codes, async (code, i) => ({ api: i % 2, ...(await scan(spread(apis, i), event, staff, code)) }));
      // Killed while scans flow; what they append waits for the forwarder that replaces it.
      await scanning.reached(CHECKED_IN / 3);
      const doneAtKill = scanning.done();
      expect(await fleet.kill(forwarder)).toMatchObject({ signal: 'SIGKILL' });
      const scans = await scanning.all;
      expect(doneAtKill).toBeLessThan(CHECKED_IN);
      forwarder = await fleet.start('forwarder');
      expect(scans.map((s) => [s.registrationId, s.result])).toEqual(guests.map((id) => [id, 'ok']));
      const replayed = await scan(apis[1]!, event, staff, codes[0]!);
      const tampered = await scan(apis[1]!, event, staff, flipAt(codes[1]!, codes[1]!.length - 20));
      expect([replayed.result, tampered.result]).toEqual(['already_redeemed', 'invalid']);
      scans.push({ api: 1, ...replayed }, { api: 1, ...tampered });

      const seen: Record<string, unknown>[] = [];
      while (seen.length < scans.length) seen.push(await dashboard.data(subscription, 'checkInRecorded'));
      const key = ({ registrationId, result }: Record<string, unknown>) => `${String(registrationId ?? 'none')} ${String(result)}`;
      expect(seen.map(key)).toEqual(expect.arrayContaining(scans.filter((s) => s.api === 1).map(key)));
      expect(new Set(seen.map((entry) => entry.position)).size).toBe(scans.length);
      expect(dashboard.pending(subscription)).toEqual([]);
      expect((await eventCounts(apis[0]!, event, organizer)).sessions).toEqual([
        { sessionId: event.sessionIds[0], checkedIn: CHECKED_IN },
        { sessionId: event.sessionIds[1], checkedIn: 0 },
      ]);
    } finally {
      await dashboard.close();
    }
  }, 120_000);

  it("has a forecast for both sessions: the ml-worker's forecast-trigger queued a refresh and the projector's job worker made it", async () => {
    const forecast = await eventually(async () => {
      const made = await forecastOf(apis[0]!, event, organizer);
      return made?.computedAt && made.sessions.length === 2 && made.sessions.every((s) => s.confirmed > 0) ? made : undefined;
    }, 90_000, 1_000);
    expect(forecast?.sessions.map((s) => s.sessionId).sort()).toEqual([...event.sessionIds].sort());
    for (const session of forecast!.sessions) {
      expect(session.registrations).toHaveLength(session.confirmed);
      expect(session.registrations.filter((r) => !everConfirmed.has(r.registrationId) || r.probability < 0 || r.probability > 1)).toEqual([]);
      expect([session.low <= session.expectedAttendance, session.expectedAttendance <= session.high, session.high <= session.confirmed]).toEqual([true, true, true]);
    }
    // Refreshes of one event are the forecast-trigger's; the hourly sweep's jobs name none.
    const { rows } = await fleet.db.pool.query<{ done: number }>(
      `SELECT count(*)::int AS done FROM pgboss.job WHERE name = $1 AND state = 'completed' AND data->>'eventId' = $2`,
      [FORECAST_REFRESH_QUEUE, event.eventId],
    );
    expect(rows[0]!.done).toBeGreaterThan(0);
  }, 120_000);

  it('lets an admin replay the event stream as the store holds it, and rebuild attendance while both APIs keep answering with the same counts', async () => {
    const stream = `event-${event.eventId}`;
    const replayed = await replayedStream({ client: apis[1]!, admin }, stream);
    const { rows } = await fleet.db.pool.query<{ revision: string; eventId: string; type: string }>(
      'SELECT revision::text AS revision, event_id::text AS "eventId", type FROM rollcall.events WHERE stream_id = $1 ORDER BY position',
      [stream],
    );
    expect(replayed.map(({ revision, eventId, type }) => ({ revision, eventId, type }))).toEqual(rows);
    const tally: Record<string, number> = {};
    for (const { type } of replayed) tally[type] = (tally[type] ?? 0) + 1;
    expect(tally).toMatchObject({ RegistrationSubmitted: ATTENDEES, RegistrationConfirmed: CAPACITY + CANCELLING, RegistrationWaitlisted: APPROVED - CAPACITY, RegistrationRejected: REJECTED, RegistrationCancelled: CANCELLING });

    const before = await eventCounts(apis[0]!, event, organizer);
    const { ended, answered } = await rebuildWhileAsking(apis, { admin, organizer }, event, 'attendance');
    expect(ended).toMatchObject({ state: 'completed', output: { position: expect.any(String) } });
    // Answered between the request and the completion, while the rebuild waited for a worker and ran.
    expect(answered.length).toBeGreaterThan(0);
    expect(answered).toEqual(Array(answered.length).fill(before));
    expect(await eventCounts(apis[1]!, event, organizer)).toEqual(before);
  }, 120_000);

  it('answered no request of the run with a 5xx', () => {
    expect(apis.flatMap((api) => api.serverErrors).map(describeExchange)).toEqual([]);
  });

  it('stops every role on SIGTERM with exit 0 within 10 s and its checkpoint committed: projections and forwarder at the head of the log, the reactor groups at the end of their topics', async () => {
    const endings: [Member, Ending][] = [];
    for (const api of apiProcesses) endings.push([api, await fleet.terminate(api)]);
    // Nothing appends any more: the followers catch up with a head that stays.
    const head = await fleet.head();
    const reactors = /Running reactors on Kafka: ([\w, -]+)/.exec(mlWorker.output())![1]!.split(', ');
    const groups = await topics.subscriptions();
    expect([...groups.keys()].sort()).toEqual(reactors.map((reactor) => reactorGroupId(fleet.topicPrefix, reactor)).sort());
    expect([...groups.values()].filter((subscribed) => subscribed.length === 0)).toEqual([]);
    const caughtUp = async () => (await fleet.followersAt(head, PROJECTIONS)) && (await topics.lags(groups)).every((lag) => lag === 0);
    expect(await eventually(async () => ((await caughtUp()) ? true : undefined), 60_000, 1_000), 'caught up before the stop').toBe(true);
    const followers = [projectors[1]!, forwarder, mlWorker];
    endings.push(...(await Promise.all(followers.map(async (member): Promise<[Member, Ending]> => [member, await fleet.terminate(member)]))));

    const exits = endings.map(([member, { code, seconds }]) => ({ role: member.role, code, within10s: seconds < 10 }));
    expect(exits).toEqual(['api', 'api', 'projector', 'forwarder', 'ml-worker'].map((role) => ({ role, code: 0, within10s: true })));
    for (const [member] of endings) expect(member.output().slice(member.output().indexOf('SIGTERM: shutting down')), `${member.role} stopping`).not.toMatch(/"level":(40|50|60)/);
    const stoppedAtHead = { position: head, status: 'stopped' };
    expect(Object.fromEntries(await fleet.checkpoints('projection'))).toEqual(Object.fromEntries(PROJECTIONS.map((name) => [name, stoppedAtHead])));
    expect(Object.fromEntries(await fleet.checkpoints('forwarder'))).toEqual({ kafka: stoppedAtHead });
    expect(await topics.lags(groups)).toEqual(reactors.map(() => 0));
  }, 120_000);

  it('lost nothing on Kafka across the forwarder’s kill: every stored event of a published type is on its topic at least once (at least once: a tail may repeat), and nothing else is', async () => {
    const { rows } = await fleet.db.pool.query<{ id: string; type: string }>('SELECT event_id::text AS id, type FROM rollcall.events WHERE type = ANY($1)', [
      Object.keys(PUBLISHED_VERSIONS),
    ]);
    const published = await topics.published();
    expect(rows.filter(({ id }) => !published.times.has(id)).map(({ id, type }) => `${type} ${id}`)).toEqual([]);
    const stored = new Map(rows.map(({ id, type }) => [id, type]));
    expect([...published.types].filter(([id, type]) => stored.get(id) !== type)).toEqual([]);
  }, 120_000);

  it('leaves read models equal to a from-scratch rebuild: `rollcall admin projections verify` finds each one equal at the head', async () => {
    const head = String(await fleet.head());
    const verified = await Promise.all(PROJECTIONS.map((name) => fleet.rollcall(['admin', 'projections', 'verify', name, '--json'])));
    for (const [i, { code, stdout, stderr }] of verified.entries()) {
      expect(code, stderr).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ projection: PROJECTIONS[i], position: head, equal: true });
    }
  }, 120_000);
});
