import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkInStream, eventStream } from '../../domain/streams.js';
import type { RecordedEvent } from '../../eventstore/event-store.js';
import { recordedEvent } from '../recorded-event.fixture.js';
import type { UnstorableValue } from '../stored-values.js';
import { EVENT_COUNTERS, type Known, type ReportBatch, SESSION_COUNTERS } from './batch.js';
import { reportChanges, touchedBy } from './changes.js';

const eventId = randomUUID();
const sessionId = randomUUID();
const [ann, bob] = [randomUUID(), randomUUID()];

const at = (time: string) => ({ metadata: { occurredAt: time } });
const ofEvent = (type: string, data: object, time = '2025-03-01T10:00:00Z') => recordedEvent(eventStream(eventId), type, data, at(time));
const atDoor = (type: string, registrationId: string, data: object, time: string) =>
  recordedEvent(checkInStream(sessionId, registrationId), type, { eventId, sessionId, registrationId, staffId: 'door', ...data }, at(time));

const nothingKnown: Known = { registrations: [], attendances: [], events: [] };

const changesOf = (events: RecordedEvent[], known: Known = nothingKnown) => {
  const warnings: UnstorableValue[] = [];
  const batch = reportChanges(events, known, (w) => warnings.push(w));
  return { batch, warnings: warnings.map((w) => w.field) };
};

/** The event counters a batch moves, by name, leaving out those it does not. */
const eventCounts = (batch: ReportBatch) => {
  const [row] = batch.counterChanges().events.rows(EVENT_COUNTERS);
  return Object.fromEntries(EVENT_COUNTERS.map((c, i) => [c, row?.counts[i] ?? 0]).filter(([, n]) => n !== 0));
};
const sessionCounts = (batch: ReportBatch) => batch.counterChanges().sessions.rows(SESSION_COUNTERS).map((row) => row.counts);
const arrivals = (batch: ReportBatch) => batch.counterChanges().arrivals.rows(['check_ins']).map((row) => [row.key[2], row.counts[0]]);

const confirmed = (registrationId: string, attendeeId: string, via = 'registration', time?: string) =>
  ofEvent('RegistrationConfirmed', { registrationId, attendeeId, via }, time);

describe('the reports read model', () => {
  describe('registrations', () => {
    it('counts each registration once by its latest status, and when it was made by quarter hour', () => {
      const [r1, r2] = [randomUUID(), randomUUID()];
      const { batch } = changesOf([
        ofEvent('RegistrationSubmitted', { registrationId: r1, attendeeId: ann }, '2025-03-01T10:14:59Z'),
        ofEvent('RegistrationWaitlisted', { registrationId: r2, attendeeId: bob }, '2025-03-01T10:15:00Z'),
        confirmed(r1, ann, 'approval', '2025-03-01T12:00:00Z'),
        ofEvent('RegistrationCancelled', { registrationId: r2, cancelledBy: bob }, '2025-03-02T00:00:00Z'),
      ]);
      // Only a confirmed registration holds a ticket, so only it can be an unused one.
      expect(eventCounts(batch)).toEqual({ confirmed: 1, cancelled: 1, unused_tickets: 1 });
      expect(batch.registrationTimes.rows(['registrations'])).toEqual([
        { key: [eventId, '2025-03-01T10:00:00.000Z'], counts: [1] },
        { key: [eventId, '2025-03-01T10:15:00.000Z'], counts: [1] },
      ]);
    });

    it('moves the counters of a registration the tables had by what it counted before and counts now', () => {
      const r1 = randomUUID();
      const known: Known = {
        ...nothingKnown,
        registrations: [{ eventId, registrationId: r1, attendeeId: ann, status: 'pending', submittedAt: new Date('2025-03-01T09:00:00Z'), confirmedAt: null, presentSessions: 0, doorEvents: 0 }],
      };
      const { batch } = changesOf([confirmed(r1, ann, 'approval', '2025-03-01T11:30:00Z')], known);
      expect(eventCounts(batch)).toEqual({ pending: -1, confirmed: 1, unused_tickets: 1 });
      expect(batch.registrationTimes.rows(['registrations'])).toEqual([]);
      expect([...batch.approvals.values()]).toEqual([{ eventId, registrationId: r1, seconds: 9_000 }]);
      expect(batch.counterChanges().confirmations.rows(['confirmed'])).toEqual([{ key: [eventId, '2025-03-01T11:30:00.000Z'], counts: [1] }]);
    });

    it('times only approvals: a seat confirmed at once or promoted from the waiting list has no turnaround', () => {
      const [r1, r2] = [randomUUID(), randomUUID()];
      const { batch } = changesOf([
        confirmed(r1, ann),
        ofEvent('RegistrationWaitlisted', { registrationId: r2, attendeeId: bob }),
        confirmed(r2, bob, 'promotion'),
      ]);
      expect(batch.approvals.size).toBe(0);
    });

    it('reports a cancellation of a registration it never saw, and a registration id that is no UUID, changing nothing', () => {
      const { batch, warnings } = changesOf([
        ofEvent('RegistrationCancelled', { registrationId: randomUUID(), cancelledBy: ann }),
        ofEvent('RegistrationSubmitted', { registrationId: 'r-1', attendeeId: ann }),
      ]);
      expect(eventCounts(batch)).toEqual({});
      expect(warnings).toEqual(['registrationId', 'registrationId']);
    });
  });

  describe('at the door', () => {
    const r1 = randomUUID();
    const registered = [confirmed(r1, ann, 'registration', '2025-03-01T10:00:00Z')];

    it('counts the ticket in once, in the five minutes of its last check-in, after an undo and a second check-in', () => {
      const { batch } = changesOf([
        ...registered,
        atDoor('CheckedIn', r1, { attendeeId: ann, method: 'scan', reason: null }, '2025-03-10T08:58:00Z'),
        atDoor('CheckInUndone', r1, { reason: 'wrong person' }, '2025-03-10T09:01:00Z'),
        atDoor('CheckedIn', r1, { attendeeId: ann, method: 'scan', reason: null }, '2025-03-10T09:07:30Z'),
      ]);
      expect(sessionCounts(batch)).toEqual([[1, 1]]);
      expect(arrivals(batch)).toEqual([['2025-03-10T09:05:00.000Z', 1]]);
      expect(eventCounts(batch)).toEqual({ confirmed: 1, attended: 1 });
      expect(batch.counterChanges().attendees.rows(['present_registrations'])).toEqual([{ key: [eventId, ann], counts: [1] }]);
    });

    it('keeps a ticket checked in before its registration was cancelled among those who came, but no longer among the confirmed', () => {
      const known: Known = {
        registrations: [{ eventId, registrationId: r1, attendeeId: ann, status: 'confirmed', submittedAt: null, confirmedAt: new Date('2025-03-01T10:00:00Z'), presentSessions: 1, doorEvents: 1 }],
        attendances: [{ eventId, registrationId: r1, sessionId, present: true, checkedInAt: new Date('2025-03-10T09:00:00Z') }],
        events: [],
      };
      const { batch } = changesOf([ofEvent('RegistrationCancelled', { registrationId: r1, cancelledBy: ann })], known);
      expect(sessionCounts(batch)).toEqual([[0, -1]]);
      expect(arrivals(batch)).toEqual([]);
      expect(eventCounts(batch)).toEqual({ confirmed: -1, cancelled: 1, attended: -1 });
      expect(batch.counterChanges().confirmations.rows(['confirmed'])).toEqual([{ key: [eventId, '2025-03-01T10:00:00.000Z'], counts: [-1] }]);
    });

    it('takes a ticket off the unused ones at its first sighting, refused or held for a face, but not at a face verdict alone', () => {
      const sighted = changesOf([...registered, atDoor('ScanRefused', r1, { result: 'outside_window' }, '2025-03-10T07:00:00Z')]).batch;
      expect(eventCounts(sighted)).toEqual({ confirmed: 1 });
      const held = changesOf([...registered, atDoor('CheckInAwaitingFace', r1, { attendeeId: ann, scanId: 's' }, '2025-03-10T09:00:00Z')]).batch;
      expect(eventCounts(held)).toEqual({ confirmed: 1 });
      expect(sessionCounts(held)).toEqual([]);
      const verdictOnly = changesOf([...registered, atDoor('FaceMismatched', r1, { attendeeId: ann, scanId: 's', result: 'face_mismatch' }, '2025-03-10T09:00:00Z')]).batch;
      expect(eventCounts(verdictOnly)).toEqual({ confirmed: 1, unused_tickets: 1 });
    });

    it('counts refusals by session and reason: refused scans, unreadable codes and failed face checks', () => {
      const { batch } = changesOf([
        atDoor('ScanRefused', r1, { result: 'already_redeemed' }, '2025-03-10T09:00:00Z'),
        atDoor('ScanRefused', r1, { result: 'already_redeemed' }, '2025-03-10T09:01:00Z'),
        recordedEvent(checkInStream(sessionId, undefined), 'UnreadableTicketScanned', { eventId, sessionId, staffId: 'door' }),
        atDoor('FaceUnverifiable', r1, { attendeeId: ann, scanId: 's', result: 'face_not_enrolled' }, '2025-03-10T09:02:00Z'),
      ]);
      expect(batch.refusals.rows(['scans'])).toEqual([
        { key: [eventId, sessionId, 'already_redeemed'], counts: [2] },
        { key: [eventId, sessionId, 'invalid'], counts: [1] },
        { key: [eventId, sessionId, 'face_not_enrolled'], counts: [1] },
      ]);
    });

    it('names the registrations a door batch touches by its event, so that their rows are read first', () => {
      const event = atDoor('CheckedIn', r1, { attendeeId: ann, method: 'scan', reason: null }, '2025-03-10T09:00:00Z');
      expect(touchedBy([event, ...registered]).registrations).toEqual([
        [eventId, r1],
        [eventId, r1],
      ]);
    });
  });

  it('keeps an event’s organizer, title and time zone, and stores what it cannot as null, reporting it', () => {
    const { batch, warnings } = changesOf([
      ofEvent('EventCreated', { eventId, organizerId: 'org-1', details: { title: 'Night run', timeZone: 'Mars/Olympus' }, capacity: 5 }),
      ofEvent('EventPublished', { eventId }),
    ]);
    expect(batch.newEvents.get(eventId)).toEqual({ event_id: eventId, organizer_id: 'org-1', title: 'Night run', time_zone: null, status: 'published' });
    expect(warnings).toEqual(['details.timeZone']);
  });
});
