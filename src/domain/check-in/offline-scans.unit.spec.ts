import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../test/decider-spec.js';
import type { Actor } from '../actor.js';
import { CLOCK_SKEW_MS, type CheckInCommand, type DoorDevice, checkInDecider } from './business-logic.js';
import { type CheckInEvent, scanResultOf } from './check-in.js';
import { doorsOpen, eventAfter, staff, ticket } from './door.fixture.js';
import { scannerAccountId } from './scanner-device/scanner-device.js';

const spec = deciderSpec(checkInDecider);
const north: DoorDevice = { deviceId: 'dev-north', eventId: 'e1' };
const south: DoorDevice = { deviceId: 'dev-south', eventId: 'e1' };
const elsewhere: DoorDevice = { deviceId: 'dev-other', eventId: 'e2' };
const deviceActor = (device: DoorDevice): Actor => ({ accountId: scannerAccountId(device.deviceId), roles: [] });
/** When the uploads reach the server: after the doors closed. */
const uploadedAt = '2026-07-02T19:00:00.000Z';

const offlineScan = (device: DoorDevice, scannedAt: string, overrides: Partial<{ actor: Actor; now: string; sessionId: string }> = {}): CheckInCommand => ({
  type: 'RecordOfflineScan',
  data: { actor: deviceActor(device), now: uploadedAt, event: eventAfter(), sessionId: 's1', device, ticket, scannedAt, ...overrides },
});

const attendance = (device: DoorDevice) => ({ eventId: 'e1', sessionId: 's1', registrationId: 'r1', attendeeId: 'ann', staffId: scannerAccountId(device.deviceId) });
const offlineAt = (device: DoorDevice, scannedAt: string) => ({ deviceId: device.deviceId, scannedAt, offline: true });
const checkedInBy = (device: DoorDevice, scannedAt: string): CheckInEvent => ({
  type: 'CheckedIn',
  data: { ...attendance(device), ...offlineAt(device, scannedAt), method: 'scan', reason: null },
});
const refusedFor = (device: DoorDevice, scannedAt: string, result: string, offlineConflict = false): CheckInEvent =>
  ({
    type: 'ScanRefused',
    data: { eventId: 'e1', sessionId: 's1', registrationId: 'r1', staffId: scannerAccountId(device.deviceId), result, ...offlineAt(device, scannedAt), offlineConflict },
  }) as CheckInEvent;

const early = '2026-07-02T15:10:00.000Z';
const late = '2026-07-02T15:20:00.000Z';

describe('Uploading a scan made offline', () => {
  it('checks the ticket in at its scan time, recording the device and that it was offline', () =>
    spec([]).when(offlineScan(north, early)).then([checkedInBy(north, early)]));

  it('judges the window at the scan time, not at the upload: doors closed by upload time do not matter', () =>
    spec([]).when(offlineScan(north, '2026-07-02T17:59:59.999Z')).then([checkedInBy(north, '2026-07-02T17:59:59.999Z')]));

  it('keeps the scan time in canonical UTC, whatever offset the device wrote', () =>
    spec([]).when(offlineScan(north, '2026-07-02T17:10:00+02:00')).then([checkedInBy(north, early)]));

  it('refuses a scan time that is no date, per scan', () => spec([]).when(offlineScan(north, 'yesterday')).thenRefuses('VALIDATION', /scannedAt/));

  it('lets a team member upload for a device of the event', () =>
    spec([])
      .when(offlineScan(north, early, { actor: staff }))
      .then([{ type: 'CheckedIn', data: { ...attendance(north), staffId: 'staff-1', ...offlineAt(north, early), method: 'scan', reason: null } }]));

  it('refuses a device of another event, and a stranger uploading for one of this event', () => {
    spec([]).when(offlineScan(elsewhere, early)).thenRefuses('FORBIDDEN', /another event/);
    spec([]).when(offlineScan(north, early, { actor: { accountId: 'someone', roles: ['staff'] } })).thenRefuses('FORBIDDEN');
    spec([]).when(offlineScan(north, early, { actor: deviceActor(south) })).thenRefuses('FORBIDDEN');
  });
});

describe('The clock-skew allowance', () => {
  const opens = Date.parse('2026-07-02T15:00:00.000Z');
  const closes = Date.parse('2026-07-02T18:00:00.000Z');
  const at = (ms: number) => new Date(ms).toISOString();

  it('admits a scan up to the allowance before the window opens, and not a millisecond earlier', () => {
    spec([]).when(offlineScan(north, at(opens - CLOCK_SKEW_MS))).then([checkedInBy(north, at(opens - CLOCK_SKEW_MS))]);
    spec([]).when(offlineScan(north, at(opens - CLOCK_SKEW_MS - 1))).then([refusedFor(north, at(opens - CLOCK_SKEW_MS - 1), 'outside_window')]);
  });

  it('admits a scan until the allowance after the window closes, and not at it', () => {
    spec([]).when(offlineScan(north, at(closes + CLOCK_SKEW_MS - 1))).then([checkedInBy(north, at(closes + CLOCK_SKEW_MS - 1))]);
    spec([]).when(offlineScan(north, at(closes + CLOCK_SKEW_MS))).then([refusedFor(north, at(closes + CLOCK_SKEW_MS), 'outside_window')]);
  });

  it('takes a scan time up to the allowance ahead of the server, and refuses one further ahead', () => {
    const now = Date.parse(doorsOpen);
    spec([]).when(offlineScan(north, at(now + CLOCK_SKEW_MS), { now: doorsOpen })).then([checkedInBy(north, at(now + CLOCK_SKEW_MS))]);
    spec([]).when(offlineScan(north, at(now + CLOCK_SKEW_MS + 1), { now: doorsOpen })).thenRefuses('VALIDATION', /clock/);
  });

  it('gives online scans no allowance: the server clock is the door clock', () =>
    spec([])
      .when({ type: 'ScanTicket', data: { actor: staff, now: at(opens - 1), event: eventAfter(), sessionId: 's1', ticket } })
      .then([
        {
          type: 'ScanRefused',
          data: { eventId: 'e1', sessionId: 's1', registrationId: 'r1', staffId: 'staff-1', result: 'outside_window', deviceId: null, scannedAt: at(opens - 1), offline: false, offlineConflict: false },
        },
      ]));
});

describe('Two devices that let one ticket in while offline', () => {
  it('keeps the earlier scan as the check-in when it is uploaded first; the later one is already_redeemed, in conflict', () =>
    spec([checkedInBy(north, early)]).when(offlineScan(south, late)).then([refusedFor(south, late, 'already_redeemed', true)]));

  it('makes the earlier scan the check-in when it is uploaded second, superseding the later one', () => {
    const superseded: CheckInEvent = { type: 'CheckInSuperseded', data: { ...attendance(south), ...offlineAt(south, late), offlineConflict: true } };
    const events = [superseded, checkedInBy(north, early)];
    spec([checkedInBy(south, late)]).when(offlineScan(north, early)).then(events);
    expect(scanResultOf(events)).toBe('ok');
  });

  it('ends in the same state whichever order they arrive in: checked in by the earlier scan', () => {
    const fold = (events: CheckInEvent[]) => events.reduce(checkInDecider.evolve, checkInDecider.initialState());
    const inOrder = [checkedInBy(north, early), ...checkInDecider.decide(offlineScan(south, late), fold([checkedInBy(north, early)]))];
    const reversed = [checkedInBy(south, late), ...checkInDecider.decide(offlineScan(north, early), fold([checkedInBy(south, late)]))];
    expect(fold(reversed)).toEqual(fold(inOrder));
    expect(fold(inOrder)).toMatchObject({ status: 'checked_in', deviceId: 'dev-north', scannedAt: early });
  });

  it('supersedes an online scan made after the offline one, too', () => {
    const onlineAt: CheckInEvent = { type: 'CheckedIn', data: { ...attendance(south), staffId: 'staff-1', deviceId: null, scannedAt: late, offline: false, method: 'scan', reason: null } };
    spec([onlineAt])
      .when(offlineScan(north, early))
      .then([
        { type: 'CheckInSuperseded', data: { eventId: 'e1', sessionId: 's1', registrationId: 'r1', attendeeId: 'ann', staffId: 'staff-1', deviceId: null, scannedAt: late, offline: false, offlineConflict: true } },
        checkedInBy(north, early),
      ]);
  });

  it('never supersedes a check-in whose time it does not know: a manual one, or one stored before scan times', () => {
    const manual: CheckInEvent = { type: 'CheckedIn', data: { ...attendance(south), staffId: 'staff-1', method: 'manual', reason: 'Lost phone', deviceId: null, scannedAt: null, offline: false } };
    spec([manual]).when(offlineScan(north, early)).then([refusedFor(north, early, 'already_redeemed', true)]);
    const legacy: CheckInEvent = { type: 'CheckedIn', data: { ...attendance(south), staffId: 'staff-1', method: 'scan', reason: null } };
    spec([legacy]).when(offlineScan(north, early)).then([refusedFor(north, early, 'already_redeemed', true)]);
  });

  it('does not flag a device scanning a ticket it let in itself', () =>
    spec([checkedInBy(north, early)]).when(offlineScan(north, late)).then([refusedFor(north, late, 'already_redeemed')]));
});

describe('An online scan on a registered device', () => {
  it('records the device, scanned now', () =>
    spec([])
      .when({ type: 'ScanTicket', data: { actor: deviceActor(north), device: north, now: doorsOpen, event: eventAfter(), sessionId: 's1', ticket } })
      .then([{ type: 'CheckedIn', data: { ...attendance(north), deviceId: 'dev-north', scannedAt: doorsOpen, offline: false, method: 'scan', reason: null } }]));

  it('is refused at another event', () =>
    spec([])
      .when({ type: 'ScanTicket', data: { actor: deviceActor(elsewhere), device: elsewhere, now: doorsOpen, event: eventAfter(), sessionId: 's1', ticket } })
      .thenRefuses('FORBIDDEN'));

  it('keeps the device of a scan held for its face once the face matches, for the door to be told later', () => {
    const check = { ...attendance(north), scanId: 'scan-1' };
    const scores = { similarity: 0.9, threshold: 0.5, liveness: 0.9, livenessThreshold: 0.6, modelVersions: { recognition: 'r', liveness: 'l' } };
    const events: CheckInEvent[] = [
      { type: 'CheckInAwaitingFace', data: { ...check, deviceId: 'dev-north' } },
      { type: 'FaceMatched', data: { ...check, ...scores } },
    ];
    expect(events.reduce(checkInDecider.evolve, checkInDecider.initialState())).toMatchObject({ status: 'checked_in', deviceId: 'dev-north' });
  });

  it('holds a device actor without the device to nothing: it is no one on the team', () =>
    spec([]).when({ type: 'ScanTicket', data: { actor: deviceActor(north), now: doorsOpen, event: eventAfter(), sessionId: 's1', ticket } }).thenRefuses('FORBIDDEN'));
});
