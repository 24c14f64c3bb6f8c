import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenAccount } from '../../test/accounts.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { freshTicketCodes } from '../../test/ticket-keys.js';
import type { Actor } from '../domain/actor.js';
import { registrationOf } from '../domain/event/event.js';
import { waitlistIds } from '../domain/event/waitlist.js';
import { checkInStream, eventStream } from '../domain/streams.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { DoorPhotos } from '../personal-data/door-photos.js';
import { MemoryPersonalDataKeys } from '../personal-data/memory-personal-data-keys.js';
import { CheckInCommands } from './check-in-commands.js';
import { CommandHandler } from './command-handler.js';
import { EventCommands } from './event-commands.js';
import { commandRequest } from './request.js';
import type { TicketCodes } from './tickets/ticket-codes.js';

const organizer: Actor = { accountId: 'org-1', roles: ['organizer'] };
const staff: Actor = { accountId: '5a7f0000-0000-4000-8000-000000000004', roles: ['staff'] };
const attendee = (i: number): Actor => ({ accountId: `attendee-${i}`, roles: ['attendee'] });
const DAY = 86_400_000;

let db: TestDatabase;
let store: PostgresEventStore;
let codes: TicketCodes;
beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  codes = await freshTicketCodes();
  await givenAccount(store, staff);
});
afterAll(async () => {
  await store?.close();
  await db?.close();
});

/** A published event with one session whose doors are open now. */
const openEvent = async (events: EventCommands, capacity: number) => {
  const now = Date.now();
  const created = await events.createEvent(commandRequest(organizer, undefined), {
    capacity,
    details: {
      title: 'Load test',
      description: '',
      venue: 'Hall',
      timeZone: 'UTC',
      registrationOpensAt: new Date(now - DAY).toISOString(),
      registrationClosesAt: new Date(now + 30 * DAY).toISOString(),
      requiresApproval: false,
      faceVerification: 'off',
    },
  });
  const scheduled = await events.scheduleSessions(commandRequest(organizer, undefined), created.eventId, {
    startsAt: new Date(now + 30 * 60_000).toISOString(),
    endsAt: new Date(now + 3 * 3_600_000).toISOString(),
  });
  await events.assignStaff(commandRequest(organizer, undefined), created.eventId, staff.accountId);
  await events.publishEvent(commandRequest(organizer, undefined), created.eventId);
  return { eventId: created.eventId, sessionId: scheduled.sessions[0]!.sessionId };
};

describe('capacity under concurrency, on the real store', () => {
  it('confirms exactly 100 of 1,000 concurrent registrations, waitlists 900 in arrival order, and promotes 10 when 10 cancel', async () => {
    const events = new EventCommands(new CommandHandler(store), codes);
    const { eventId } = await openEvent(events, 100);
    const results = await Promise.allSettled(Array.from({ length: 1_000 }, (_, i) => events.register(commandRequest(attendee(i), undefined), eventId)));

    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const views = results.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<EventCommands['register']>>>).value);
    expect(views.filter((v) => v.status === 'confirmed')).toHaveLength(100);
    expect(views.filter((v) => v.status === 'waitlisted')).toHaveLength(900);
    expect(views.slice(0, 100).every((v) => v.status === 'confirmed' && v.ticket !== null)).toBe(true);

    const event = await events.currentEvent(eventId);
    expect(event.confirmed).toBe(100);
    expect(waitlistIds(event.waitlist)).toEqual(views.slice(100).map((v) => v.registrationId));

    await Promise.all(views.slice(0, 10).map((v, i) => events.cancelRegistration(commandRequest(attendee(i), undefined), eventId, v.registrationId)));
    const after = await events.currentEvent(eventId);
    expect(after.confirmed).toBe(100);
    const promoted = views.slice(100, 110).map((v) => registrationOf(after, v.registrationId)?.status);
    expect(promoted).toEqual(Array(10).fill('confirmed'));
    expect(registrationOf(after, views[110]!.registrationId)?.status).toBe('waitlisted');
    expect(after.waitlist).toHaveLength(890);
  });

  it('never oversells when several processes register at once', async () => {
    // Four handlers stand for four API processes: they share only the store, so they race on the expected revision.
    const processes = Array.from({ length: 4 }, () => new EventCommands(new CommandHandler(store), codes));
    const { eventId } = await openEvent(processes[0]!, 50);
    const results = await Promise.allSettled(
      Array.from({ length: 400 }, (_, i) => processes[i % 4]!.register(commandRequest(attendee(i), undefined), eventId)),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const stored = await store.readStream(eventStream(eventId));
    const confirmed = stored.filter((e) => e.type === 'RegistrationConfirmed');
    const waitlisted = stored.filter((e) => e.type === 'RegistrationWaitlisted');
    expect(confirmed).toHaveLength(50);
    expect(waitlisted).toHaveLength(350);
    const attendees = [...confirmed, ...waitlisted].map((e) => e.data.attendeeId);
    expect(new Set(attendees).size).toBe(400);
  });
});

describe('check-in under concurrency, on the real store', () => {
  it('redeems a ticket once when 50 scanners race, and records the other 49 scans', async () => {
    const handler = new CommandHandler(store);
    const events = new EventCommands(handler, codes);
    const checkIns = new CheckInCommands(handler, events, codes, new DoorPhotos(db.pool, new MemoryPersonalDataKeys()));
    const { eventId, sessionId } = await openEvent(events, 10);
    const registration = await events.register(commandRequest(attendee(1), undefined), eventId);
    const code = await registration.ticket!.code();

    const scans = await Promise.all(Array.from({ length: 50 }, () => checkIns.checkIn(commandRequest(staff, undefined), eventId, sessionId, code)));
    expect(scans.filter((s) => s.result === 'ok')).toHaveLength(1);
    expect(scans.filter((s) => s.result === 'already_redeemed')).toHaveLength(49);
    const stream = await store.readStream(checkInStream(sessionId, registration.registrationId));
    expect(stream.map((e) => e.type)).toEqual(['CheckedIn', ...Array(49).fill('ScanRefused')]);
  });

  it('redeems once across processes too', async () => {
    const processes = Array.from({ length: 4 }, () => {
      const handler = new CommandHandler(store);
      const events = new EventCommands(handler, codes);
      return { events, checkIns: new CheckInCommands(handler, events, codes, new DoorPhotos(db.pool, new MemoryPersonalDataKeys())) };
    });
    const { eventId, sessionId } = await openEvent(processes[0]!.events, 10);
    const registration = await processes[0]!.events.register(commandRequest(attendee(2), undefined), eventId);
    const code = await registration.ticket!.code();
    const scans = await Promise.all(
      Array.from({ length: 40 }, (_, i) => processes[i % 4]!.checkIns.checkIn(commandRequest(staff, undefined), eventId, sessionId, code)),
    );
    expect(scans.filter((s) => s.result === 'ok')).toHaveLength(1);
  });

  it('answers a resent scan with its first answer and writes nothing new', async () => {
    const handler = new CommandHandler(store);
    const events = new EventCommands(handler, codes);
    const checkIns = new CheckInCommands(handler, events, codes, new DoorPhotos(db.pool, new MemoryPersonalDataKeys()));
    const { eventId, sessionId } = await openEvent(events, 10);
    const registration = await events.register(commandRequest(attendee(3), undefined), eventId);
    const first = await checkIns.checkIn(commandRequest(staff, 'scan-1'), eventId, sessionId, await registration.ticket!.code());
    const again = await checkIns.checkIn(commandRequest(staff, 'scan-1'), eventId, sessionId, await registration.ticket!.code());
    expect(again).toEqual(first);
    expect(first.result).toBe('ok');
    expect(await store.readStream(checkInStream(sessionId, registration.registrationId))).toHaveLength(1);
  });
});
