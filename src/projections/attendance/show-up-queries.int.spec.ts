import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
import { AttendanceHistory } from '../../ml/forecast/attendance-history.fixture.js';
import { projectSeason } from '../../ml/forecast/attendance-season.fixture.js';
import { pastAttendances, showUpsOf } from './show-up-queries.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const now = new Date();
const ago = (days: number) => new Date(now.getTime() - days * DAY);

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await projectSeason(db.pool, now);
  // The cases the labels must get right: an undone check-in, a cancellation between sessions, a late registration.
  const history = new AttendanceHistory();
  const { eventId, sessionIds } = history.event('org', [ago(20), ago(13), ago(6)], ago(40));
  const undone = history.register(eventId, 'season-1-0', ago(30));
  history.checkIn(eventId, sessionIds[0]!, undone, 'season-1-0', new Date(ago(20).getTime() + HOUR));
  history.undoCheckIn(eventId, sessionIds[0]!, undone, new Date(ago(20).getTime() + 2 * HOUR));
  const quitter = history.register(eventId, 'season-1-1', ago(30));
  history.checkIn(eventId, sessionIds[1]!, quitter, 'season-1-1', new Date(ago(13).getTime() + HOUR));
  history.cancelRegistration(eventId, quitter, ago(10));
  const late = history.register(eventId, 'season-1-2', ago(15));
  history.checkIn(eventId, sessionIds[2]!, late, 'season-1-2', new Date(ago(6).getTime() + HOUR));
  await history.project(db.pool);
});
afterAll(async () => db?.close());

const key = (o: { attendeeId: string; endsAt: Date; attended: boolean }) => `${o.attendeeId} ${o.endsAt.toISOString()} ${o.attended}`;

describe('the show-ups a refresh reads', () => {
  it('are exactly the past attendances of the attendees and events asked for', async () => {
    const all = await pastAttendances(db.pool, now);
    const attendeeIds = ['season-1-0', 'season-1-1', 'season-1-2', 'season-1-7'];
    const eventIds = [all.find((a) => a.attendeeId === 'season-1-9')!.eventId];
    const expected = all.filter((a) => attendeeIds.includes(a.attendeeId) || eventIds.includes(a.eventId));
    const read = await showUpsOf(db.pool, { attendeeIds, eventIds }, now);
    expect(read.map(key).sort()).toEqual(expected.map(key).sort());
    expect(read.length).toBeGreaterThan(100);
    expect(read.every((r) => expected.some((e) => e.eventId === r.eventId))).toBe(true);
  });

  it('are none for nobody', async () => {
    expect(await showUpsOf(db.pool, { attendeeIds: [], eventIds: [] }, now)).toEqual([]);
  });
});
