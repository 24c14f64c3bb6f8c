import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
import { PostgresEventStore } from '../../eventstore/postgres/postgres-event-store.js';
import { ReportHistory } from '../../reports/report-history.fixture.js';
import { accountsProjection } from '../accounts/projection.js';
import { ProjectionRunner } from '../runner.js';
import { reportsProjection } from './projection.js';
import { type OrganizerFigures, organizerFigures } from './queries.js';

/*
 * Two organizers sharing eight attendees, each attendee coming to a different pattern of
 * events, and a count of who came to what made here from the history itself. Every period
 * between two of the times below is asked for: those of an event or two are counted from their
 * attendances, longer ones (more attendances than the organizer has attendees) from each
 * attendee's list of when their events start, so an attendee or an organizer the lists mixed
 * up, or an event counted on the wrong side of a period's bounds, shows as a difference.
 */

let db: TestDatabase;
let store: PostgresEventStore;
const [ours, theirs] = [randomUUID(), randomUUID()];
const attendees = Array.from({ length: 8 }, () => randomUUID());
/** Who came to each event, by organizer, with the event's first session's start. */
const came: { organizerId: string; startsAt: string; attendees: Set<string> }[] = [];

const day = (d: number) => new Date(Date.UTC(2025, 0, 1 + d, 18)).toISOString();
const twoHoursFrom = (start: string) => new Date(Date.parse(start) + 7_200_000).toISOString();

/** A small linear congruential generator: the same history every run. */
const random = (seed: number) => () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;

const seed = async (history: ReportHistory) => {
  const next = random(11);
  // Days 40 and 40 again: two of our events start at the same instant. Day 70 is theirs and ours.
  const plan: [string, number][] = [...[5, 20, 40, 40, 70, 90, 120, 150].map((d) => [ours, d] as [string, number]), ...[10, 70, 100].map((d) => [theirs, d] as [string, number])];
  for (const [organizerId, d] of plan) {
    const startsAt = day(d);
    const { eventId, sessionIds } = await history.event(organizerId, { sessions: [[startsAt, twoHoursFrom(startsAt)]] }, day(d - 30));
    const event = { organizerId, startsAt, attendees: new Set<string>() };
    came.push(event);
    for (const [i, attendeeId] of attendees.entries()) {
      // Attendee 0 comes to every event; the others now and then, attendee 7 to theirs only.
      if (i > 0 && (next() < 0.4 || (i === 7 && organizerId === ours))) continue;
      const registrationId = await history.register(eventId, attendeeId, day(d - 10));
      const ticket = { eventId, sessionId: sessionIds[0]!, registrationId, staffId: 'door' };
      await history.door({ type: 'CheckedIn', data: { ...ticket, attendeeId, method: 'scan', reason: null } }, startsAt);
      // An undone check-in: they did not come after all.
      if (i > 0 && next() < 0.15) await history.door({ type: 'CheckInUndone', data: { ...ticket, reason: 'wrong person' } }, startsAt);
      else event.attendees.add(attendeeId);
    }
    // The day-90 event gains a session on day 60 after its doors closed: it now starts before day 70's.
    if (organizerId === ours && d === 90) {
      await history.schedule(eventId, [[day(60), twoHoursFrom(day(60))]], day(91));
      event.startsAt = day(60);
    }
  }
};

/** An instant as PostgreSQL writes one in UTC, to the microsecond: such strings sort as their instants do. */
const micro = (iso: string) => iso.replace(/\.(\d{3})Z$/, '.$1000Z');

/** What the report should say, counted from `came`. */
const expected = (organizerId: string, from: string, to: string, top: number): Omit<OrganizerFigures, 'events'> => {
  const counts = new Map<string, number>();
  for (const event of came)
    if (event.organizerId === organizerId && micro(event.startsAt) >= from && micro(event.startsAt) < to)
      for (const attendeeId of event.attendees) counts.set(attendeeId, (counts.get(attendeeId) ?? 0) + 1);
  const ranked = [...counts].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : 1));
  return {
    attendees: counts.size,
    repeatAttendees: ranked.filter(([, n]) => n >= 2).length,
    top: ranked.slice(0, top).map(([attendeeId, events]) => ({ attendeeId, events, name: null, email: null })),
  };
};

beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  await seed(new ReportHistory(store));
  // The reports in small batches, so that the lists are made, grown and shrunk over many of
  // them; the accounts read model for the names the figures join.
  const runners = [
    new ProjectionRunner({ store, pool: db.pool, projection: reportsProjection, lockRetryMs: 50, batchSize: 5 }),
    new ProjectionRunner({ store, pool: db.pool, projection: accountsProjection, lockRetryMs: 50 }),
  ];
  const head = (await store.headPosition())!;
  for (const runner of runners) {
    await runner.start();
    await runner.caughtUp(head, { timeoutMs: 60_000 });
    await runner.stop();
  }
}, 120_000);

afterAll(async () => {
  await store?.close();
  await db?.close();
});

describe('an organizer’s figures over a period', () => {
  it('count who came, who came again and who came most, as the history does, for every period between two times', async () => {
    // Each start, a microsecond after it, and times before and after them all.
    const starts = [...new Set(came.map((e) => micro(e.startsAt)))];
    const times = [micro(day(0)), ...starts, ...starts.map((start) => start.replace(/000Z$/, '001Z')), micro(day(400))].sort();
    let periods = 0;
    for (const organizerId of [ours, theirs])
      for (const [i, from] of times.entries())
        for (const to of times.slice(i + 1)) {
          const { events: _events, ...figures } = await organizerFigures(db.pool, { organizerId, from, to, top: 3 });
          expect(figures, `${organizerId === ours ? 'ours' : 'theirs'} from ${from} to ${to}`).toEqual(expected(organizerId, from, to, 3));
          periods++;
        }
    expect(periods).toBeGreaterThan(300);
  });

  it('keeps each attendee’s own list: attendee 7 came to none of ours, attendee 0 to all eight', async () => {
    const year = { from: day(0), to: day(400) };
    const figures = await organizerFigures(db.pool, { organizerId: ours, ...year, top: 100 });
    expect(figures.top.find((a) => a.attendeeId === attendees[7])).toBeUndefined();
    expect(figures.top[0]).toMatchObject({ attendeeId: attendees[0], events: 8 });
    expect((await organizerFigures(db.pool, { organizerId: theirs, ...year, top: 100 })).top.find((a) => a.attendeeId === attendees[0])).toMatchObject({ events: 3 });
  });

  it('counts an event by where its start moved: day 90’s, moved to day 60, is in a period of days 50 to 65', async () => {
    const figures = await organizerFigures(db.pool, { organizerId: ours, from: day(50), to: day(65), top: 100 });
    expect(figures.events.map((e) => e.startsAt.toISOString())).toEqual([day(60)]);
    expect(figures.top.map((a) => a.attendeeId).sort()).toEqual([...came.find((e) => e.startsAt === day(60))!.attendees].sort());
  });
});
