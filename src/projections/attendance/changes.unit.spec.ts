import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { accountStream, checkInStream, eventStream, scannerDeviceStream } from '../../domain/streams.js';
import type { RecordedEvent } from '../../eventstore/event-store.js';
import { positionAt } from '../../eventstore/position.js';
import { recordedEvent } from '../recorded-event.fixture.js';
import type { UnstorableValue } from '../stored-values.js';
import type { Known, RegistrationRow } from './batch-changes.js';
import { attendanceChanges, touchedBy } from './changes.js';

const [eventId, sessionId, registrationId] = [randomUUID(), randomUUID(), randomUUID()];
const details = {
  title: 'Meetup',
  description: '',
  venue: 'Hall',
  timeZone: 'UTC',
  registrationOpensAt: '2026-05-01T00:00:00Z',
  registrationClosesAt: '2026-07-01T00:00:00Z',
  requiresApproval: false,
  faceVerification: 'off',
};

let position = 100n;
/** The next event of the log, a second after the one before. */
const recorded = (streamId: string, type: string, data: object): RecordedEvent => {
  position += 1n;
  return recordedEvent(streamId, type, data, { position: positionAt(position), recordedAt: new Date(Date.UTC(2026, 5, 1, 0, 0, Number(position % 60n))) });
};
const onEvent = (type: string, data: object) => recorded(eventStream(eventId), type, data);
const atTheDoor = (type: string, data: object) => recorded(checkInStream(sessionId, registrationId), type, data);

const nothingKnown: Known = { registrations: [], events: [] };

/** The changes of `events` given `known`, and the fields it reported as unstorable. */
const changesOf = (events: RecordedEvent[], known: Known = nothingKnown) => {
  const warnings: UnstorableValue[] = [];
  return { changes: attendanceChanges(events, known, (w) => warnings.push(w)), warnings: warnings.map((w) => `${w.type}.${w.field}`) };
};

const knownRegistration = (status: string, ticketVersion: number): RegistrationRow => ({
  registrationId,
  eventId,
  attendeeId: 'ann',
  status,
  ticketVersion,
  registeredPosition: '7',
  registeredAt: new Date(0),
  updatedAt: new Date(0),
  confirmedAt: null,
  confirmedVia: null,
  note: null,
  updatedPosition: '7',
});

describe('an event stream', () => {
  it('creates the event as a draft, and patches it as its details, status and capacity change', () => {
    const { changes } = changesOf([
      onEvent('EventCreated', { eventId, organizerId: 'org', details, capacity: 3 }),
      onEvent('EventPublished', { eventId }),
      onEvent('CapacityChanged', { capacity: 5 }),
    ]);
    expect(changes.newEvents.get(eventId)).toMatchObject({ event_id: eventId, organizer_id: 'org', title: 'Meetup', status: 'published', capacity: 5 });
    expect(changes.eventPatches.size).toBe(0);
  });

  it('keeps the first creation of an event, whether the tables or the batch made it', () => {
    const again = onEvent('EventCreated', { eventId, organizerId: 'other', details, capacity: 1 });
    expect(changesOf([again], { registrations: [], events: [eventId] })).toMatchObject({ warnings: ['EventCreated.streamId'] });
    const { changes, warnings } = changesOf([onEvent('EventCreated', { eventId, organizerId: 'org', details, capacity: 3 }), again]);
    expect(changes.newEvents.get(eventId)).toMatchObject({ organizer_id: 'org' });
    expect(warnings).toEqual(['EventCreated.streamId']);
  });

  it('patches an event the tables have, rather than creating it', () => {
    const { changes } = changesOf([onEvent('EventCancelled', { reason: 'storm' })]);
    expect(changes.eventPatches.get(eventId)).toMatchObject({ status: 'cancelled' });
  });

  it('moves a registration from pending to confirmed with its first ticket, then reissues it, counting each status', () => {
    const { changes } = changesOf([
      onEvent('RegistrationSubmitted', { registrationId, attendeeId: 'ann' }),
      onEvent('RegistrationConfirmed', { registrationId, attendeeId: 'ann', via: 'approval' }),
      onEvent('TicketReissued', { registrationId, version: 2 }),
    ]);
    expect([...changes.registrations.values()]).toEqual([expect.objectContaining({ registrationId, status: 'confirmed', ticketVersion: 2, dirty: true })]);
    expect(changes.counters.get(eventId)).toMatchObject({ confirmed: 1, pending: 0, waitlisted: 0 });
  });

  it('dates a registration by when its events occurred, and keeps when and how it was confirmed', () => {
    const occurred = (type: string, data: object, occurredAt: string) =>
      recordedEvent(eventStream(eventId), type, data, { metadata: { occurredAt }, recordedAt: new Date('2026-12-01T00:00:00Z') });
    const { changes } = changesOf([
      occurred('RegistrationWaitlisted', { registrationId, attendeeId: 'ann' }, '2026-03-01T09:00:00Z'),
      occurred('RegistrationConfirmed', { registrationId, attendeeId: 'ann', via: 'promotion' }, '2026-03-04T10:00:00Z'),
    ]);
    expect(changes.registrations.get(`${eventId}/${registrationId}`)).toMatchObject({
      registeredAt: new Date('2026-03-01T09:00:00Z'),
      confirmedAt: new Date('2026-03-04T10:00:00Z'),
      confirmedVia: 'promotion',
    });
  });

  it('falls back to the recording time when an event has no readable occurrence time', () => {
    const recordedAt = new Date('2026-12-01T00:00:00Z');
    const { changes } = changesOf([
      recordedEvent(eventStream(eventId), 'RegistrationSubmitted', { registrationId, attendeeId: 'ann' }, { metadata: { occurredAt: 'yesterday' }, recordedAt }),
    ]);
    expect(changes.registrations.get(`${eventId}/${registrationId}`)).toMatchObject({ registeredAt: recordedAt });
  });

  it('counts a move from the status the tables hold', () => {
    const { changes } = changesOf([onEvent('RegistrationCancelled', { registrationId, cancelledBy: 'ann' })], {
      registrations: [knownRegistration('confirmed', 1)],
      events: [],
    });
    expect(changes.registrations.get(`${eventId}/${registrationId}`)).toMatchObject({ status: 'cancelled', ticketVersion: 1, dirty: true });
    expect(changes.counters.get(eventId)).toMatchObject({ confirmed: -1, pending: 0, waitlisted: 0 });
  });

  it('leaves a registration the tables hold unwritten when nothing moves it', () => {
    const { changes } = changesOf([onEvent('StaffAssigned', { staffId: 'staff-1' })], { registrations: [knownRegistration('pending', 0)], events: [] });
    expect([...changes.registrations.values()].map((row) => row.dirty)).toEqual([false]);
    expect(changes.staff).toEqual([[eventId, 'staff-1']]);
  });

  it('keeps the organizer’s note on a registration the tables hold', () => {
    const { changes } = changesOf([onEvent('RegistrationNoteAdded', { registrationId, attendeeId: 'ann', note: 'Needs wheelchair access' })], {
      registrations: [knownRegistration('confirmed', 1)],
      events: [],
    });
    expect(changes.registrations.get(`${eventId}/${registrationId}`)).toMatchObject({ note: 'Needs wheelchair access', status: 'confirmed', dirty: true });
  });

  it('keeps no note PostgreSQL cannot store, and reports it', () => {
    const { changes, warnings } = changesOf([
      onEvent('RegistrationSubmitted', { registrationId, attendeeId: 'ann' }),
      onEvent('RegistrationNoteAdded', { registrationId, attendeeId: 'ann', note: 'speaker\u0000' }),
    ]);
    expect(changes.registrations.get(`${eventId}/${registrationId}`)).toMatchObject({ note: null, status: 'pending' });
    expect(warnings).toEqual(['RegistrationNoteAdded.note']);
  });

  it('skips, and reports, a change to a registration no earlier event made', () => {
    const { changes, warnings } = changesOf([onEvent('TicketReissued', { registrationId, version: 2 })]);
    expect(changes.registrations.size).toBe(0);
    expect(warnings).toEqual(['TicketReissued.registrationId']);
  });

  it('keeps the first schedule of a session, and skips a session whose id keys nothing', () => {
    const session = { sessionId, startsAt: '2026-07-02T16:00:00Z', endsAt: '2026-07-02T18:00:00Z', checkInOpensAt: '2026-07-02T15:00:00Z', checkInClosesAt: '2026-07-02T18:00:00Z' };
    const { changes, warnings } = changesOf([
      onEvent('SessionsScheduled', { sessions: [session, { ...session, sessionId: 'one' }] }),
      onEvent('SessionsScheduled', { sessions: [{ ...session, startsAt: '2026-08-01T00:00:00Z' }] }),
    ]);
    expect([...changes.sessions.values()]).toEqual([expect.objectContaining({ sessionId, startsAt: '2026-07-02T16:00:00.000Z' })]);
    expect(warnings).toEqual(['SessionsScheduled.sessions[1].sessionId']);
  });

  it('changes nothing for a stream whose event id is no UUID, and says so', () => {
    const { changes, warnings } = changesOf([recorded('event-not-a-uuid', 'EventCreated', { eventId, organizerId: 'org', details, capacity: 1 })]);
    expect(changes.newEvents.size).toBe(0);
    expect(warnings).toEqual(['EventCreated.streamId']);
  });
});

describe('a check-in stream', () => {
  const door = { eventId, sessionId, registrationId, staffId: 'staff-1' };

  it('logs every door action in order and nets the session’s count', () => {
    const { changes } = changesOf([
      atTheDoor('CheckedIn', { ...door, attendeeId: 'ann', method: 'scan', reason: null }),
      atTheDoor('ScanRefused', { ...door, result: 'already_redeemed' }),
      atTheDoor('CheckInUndone', { ...door, reason: 'wrong person' }),
      atTheDoor('CheckedIn', { ...door, attendeeId: 'ann', method: 'manual', reason: 'phone died' }),
    ]);
    expect(changes.checkIns.map((row) => `${row[7]}:${row[8]}`)).toEqual(['scan:ok', 'scan:already_redeemed', 'undo:undone', 'manual:ok']);
    expect([...changes.sessionCounts.values()]).toEqual([{ eventId, sessionId, delta: 1, position: position.toString() }]);
  });

  it('logs a held scan and its face verdicts, counting a match as the check-in', () => {
    const held = { ...door, attendeeId: 'ann', scanId: 'scan-1' };
    const scores = { similarity: 0.2, threshold: 0.47, liveness: 0.9, livenessThreshold: 0.02, modelVersions: {} };
    const { changes } = changesOf([
      atTheDoor('CheckInAwaitingFace', held),
      atTheDoor('FaceMismatched', { ...held, ...scores, result: 'face_mismatch' }),
      atTheDoor('CheckInAwaitingFace', { ...held, scanId: 'scan-2' }),
      atTheDoor('FaceUnverifiable', { ...held, scanId: 'scan-2', result: 'photo_expired' }),
      atTheDoor('CheckInAwaitingFace', { ...held, scanId: 'scan-3' }),
      atTheDoor('FaceMatched', { ...held, ...scores, similarity: 0.8, scanId: 'scan-3' }),
    ]);
    expect(changes.checkIns.map((row) => `${row[7]}:${row[8]}`)).toEqual([
      'scan:face_pending',
      'face:face_mismatch',
      'scan:face_pending',
      'face:photo_expired',
      'scan:face_pending',
      'face:ok',
    ]);
    expect([...changes.sessionCounts.values()]).toEqual([{ eventId, sessionId, delta: 1, position: position.toString() }]);
  });

  it('logs an unreadable code as an invalid scan of no registration', () => {
    const { changes } = changesOf([recorded(checkInStream(sessionId, undefined), 'UnreadableTicketScanned', { eventId, sessionId, staffId: 'staff-1' })]);
    // Stored before scans kept their origin: online, on a staff log-in.
    expect(changes.checkIns).toEqual([[expect.any(String), expect.any(String), eventId, sessionId, null, null, 'staff-1', 'scan', 'invalid', null, expect.any(Date), null, null, false, false]]);
    expect(changes.sessionCounts.size).toBe(0);
  });

  it('logs where and when an offline scan was made, and flags an offline conflict', () => {
    const origin = { deviceId: 'dev-1', scannedAt: '2026-07-02T15:10:00.000Z', offline: true };
    const { changes } = changesOf([
      recorded(checkInStream(sessionId, registrationId), 'ScanRefused', { eventId, sessionId, registrationId, staffId: 'scanner-dev-1', result: 'already_redeemed', ...origin, offlineConflict: true }),
    ]);
    expect(changes.checkIns[0]!.slice(7)).toEqual(['scan', 'already_redeemed', null, expect.any(Date), 'dev-1', '2026-07-02T15:10:00.000Z', true, true]);
  });

  it('counts a superseded check-in out, and the earlier scan that supersedes it in', () => {
    const attendance = { eventId, sessionId, registrationId, attendeeId: 'ann' };
    const { changes } = changesOf([
      recorded(checkInStream(sessionId, registrationId), 'CheckInSuperseded', { ...attendance, staffId: 'scanner-b', deviceId: 'b', scannedAt: '2026-07-02T15:20:00.000Z', offline: true, offlineConflict: true }),
      recorded(checkInStream(sessionId, registrationId), 'CheckedIn', { ...attendance, staffId: 'scanner-a', method: 'scan', reason: null, deviceId: 'a', scannedAt: '2026-07-02T15:10:00.000Z', offline: true }),
    ]);
    expect(changes.checkIns.map((row) => [row[7], row[8], row[11], row[14]])).toEqual([
      ['scan', 'already_redeemed', 'b', true],
      ['scan', 'ok', 'a', false],
    ]);
    expect([...changes.sessionCounts.values()][0]?.delta).toBe(0);
  });
});

describe('a scanner device stream', () => {
  it('lists the device for its event, keeping no token hash, and marks it revoked', () => {
    const deviceId = randomUUID();
    const { changes } = changesOf([
      recorded(scannerDeviceStream(deviceId), 'ScannerDeviceRegistered', { deviceId, eventId, name: 'North door', tokenHash: 'ab12', registeredBy: 'org-1' }),
      recorded(scannerDeviceStream(deviceId), 'ScannerDeviceRevoked', { deviceId, eventId, revokedBy: 'org-1' }),
    ]);
    expect(changes.devicesRegistered).toEqual([[eventId, deviceId, 'North door', 'org-1', expect.any(Date)]]);
    expect(changes.devicesRevoked).toEqual([[eventId, deviceId, expect.any(Date)]]);
  });
});

describe('other streams', () => {
  it('change nothing', () => {
    const { changes, warnings } = changesOf([recorded(`account-${randomUUID()}`, 'AccountDisabled', { disabledBy: 'a', disabledAt: 'now' })]);
    expect([changes.newEvents.size, changes.registrations.size, changes.checkIns.length, changes.erasedAttendees, warnings]).toEqual([0, 0, 0, [], []]);
  });

  it('name an erased account as an attendee whose notes are erased', () => {
    const accountId = randomUUID();
    const { changes } = changesOf([recorded(accountStream(accountId), 'PersonalDataErased', { erasedBy: accountId, erasedAt: '2026-06-01T00:00:00Z' })]);
    expect(changes.erasedAttendees).toEqual([accountId]);
  });
});

describe('what a batch touches', () => {
  it('names the registrations it moves and the events it creates, by keys the tables can hold', () => {
    const noted = randomUUID();
    const touched = touchedBy([
      onEvent('EventCreated', { eventId, organizerId: 'org', details, capacity: 1 }),
      onEvent('RegistrationSubmitted', { registrationId, attendeeId: 'ann' }),
      onEvent('RegistrationSubmitted', { registrationId: 'r-1', attendeeId: 'bob' }),
      onEvent('StaffAssigned', { staffId: 'staff-1' }),
      onEvent('RegistrationNoteAdded', { registrationId: noted, attendeeId: 'dan', note: 'VIP' }),
      recorded('event-not-a-uuid', 'RegistrationSubmitted', { registrationId, attendeeId: 'cat' }),
      atTheDoor('CheckedIn', { eventId, sessionId, registrationId, staffId: 's', attendeeId: 'ann', method: 'scan', reason: null }),
    ]);
    expect(touched).toEqual({ registrations: [[eventId, registrationId], [eventId, noted]], createdEvents: [eventId] });
  });
});
