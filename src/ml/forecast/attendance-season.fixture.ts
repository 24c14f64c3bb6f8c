import type pg from 'pg';
import { AttendanceHistory } from './attendance-history.fixture.js';
import { seededRandom } from './seeded-random.fixture.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * A season before `now`, written into the attendance read model: three weekly series of eight
 * sessions, each attendee registered for all three and showing up at each session with a
 * chance of their own (seeded, so the same history every run). Habit is what there is to
 * learn, and the latest sessions are enough to hold out. 24 attendees × 24 sessions = 576
 * labelled attendances.
 */
export const projectSeason = async (pool: pg.Pool, now: Date, seed = 1): Promise<{ attendances: number }> => {
  const next = seededRandom(seed);
  const history = new AttendanceHistory();
  const attendees = Array.from({ length: 24 }, (_, i) => ({ attendeeId: `season-${seed}-${i}`, showUp: next() }));
  let attendances = 0;
  for (let series = 0; series < 3; series++) {
    // Evenings a day apart, the last one a few days before `now`.
    const starts = Array.from({ length: 8 }, (_, week) => new Date(now.getTime() - (3 + series + 7 * (7 - week)) * DAY - 5 * HOUR));
    const createdAt = new Date(starts[0]!.getTime() - 30 * DAY);
    const { eventId, sessionIds } = history.event('season-organizer', starts, createdAt);
    for (const { attendeeId, showUp } of attendees) {
      const registrationId = history.register(eventId, attendeeId, new Date(createdAt.getTime() + DAY));
      sessionIds.forEach((sessionId, i) => {
        attendances++;
        if (next() < showUp) history.checkIn(eventId, sessionId, registrationId, attendeeId, new Date(starts[i]!.getTime() + HOUR));
      });
    }
  }
  await history.project(pool);
  return { attendances };
};
