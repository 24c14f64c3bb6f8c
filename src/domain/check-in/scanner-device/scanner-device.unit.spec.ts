import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../test/decider-spec.js';
import type { Actor } from '../../actor.js';
import { categoryOf, deciderOf, parseStream, scannerDeviceStream } from '../../streams.js';
import { eventAfter, staff } from '../door.fixture.js';
import { type ScannerDeviceCommand, scannerDeviceDecider } from './business-logic.js';
import type { ScannerDeviceEvent } from './scanner-device.js';

const spec = deciderSpec(scannerDeviceDecider);
const organizer: Actor = { accountId: 'org-1', roles: ['organizer'] };
const admin: Actor = { accountId: 'root', roles: ['admin'] };

const register = (actor: Actor, name = 'North door', event = eventAfter()): ScannerDeviceCommand => ({
  type: 'RegisterScannerDevice',
  data: { actor, event, deviceId: 'dev-1', name, tokenHash: 'ab12' },
});
const revoke = (actor: Actor, event = eventAfter()): ScannerDeviceCommand => ({ type: 'RevokeScannerDevice', data: { actor, event } });
const registered: ScannerDeviceEvent = {
  type: 'ScannerDeviceRegistered',
  data: { deviceId: 'dev-1', eventId: 'e1', name: 'North door', tokenHash: 'ab12', registeredBy: 'org-1' },
};
const revoked: ScannerDeviceEvent = { type: 'ScannerDeviceRevoked', data: { deviceId: 'dev-1', eventId: 'e1', revokedBy: 'org-1' } };

describe('Registering a scanner device', () => {
  it("registers it for the organizer's event, keeping only its token's hash", () => spec([]).when(register(organizer)).then([registered]));
  it('lets an admin register one too', () =>
    spec([]).when(register(admin)).then([{ ...registered, data: { ...registered.data, registeredBy: 'root' } }] as ScannerDeviceEvent[]));
  it("refuses the event's staff and other organizers", () => {
    spec([]).when(register(staff)).thenRefuses('FORBIDDEN');
    spec([]).when(register({ accountId: 'org-2', roles: ['organizer'] })).thenRefuses('FORBIDDEN');
  });
  it('refuses a name that is empty, too long or not well-formed text', () => {
    spec([]).when(register(organizer, ' ')).thenRefuses('VALIDATION');
    spec([]).when(register(organizer, 'x'.repeat(101))).thenRefuses('VALIDATION');
    spec([]).when(register(organizer, 'North \ud800 door')).thenRefuses('VALIDATION', /Unicode/);
  });
  it('refuses a cancelled event, and a device registered already', () => {
    spec([]).when(register(organizer, 'North door', eventAfter({ type: 'EventCancelled', data: { reason: 'storm' } }))).thenRefuses('CONFLICT');
    spec([registered]).when(register(organizer)).thenRefuses('CONFLICT');
  });
});

describe('Revoking a scanner device', () => {
  it('revokes it, for the organizer', () => spec([registered]).when(revoke(organizer)).then([revoked]));
  it('refuses staff, a device never registered, and one revoked already', () => {
    spec([registered]).when(revoke(staff)).thenRefuses('FORBIDDEN');
    spec([]).when(revoke(organizer)).thenRefuses('NOT_FOUND');
    spec([registered, revoked]).when(revoke(organizer)).thenRefuses('CONFLICT');
  });
});

describe("A scanner device's stream", () => {
  it('is named by the device, in a category of its own, and folded by this decider', () => {
    const stream = scannerDeviceStream('0e5b7a52-55a4-4b0c-9a52-7b0c9a5255a4');
    expect(parseStream(stream)).toEqual({ kind: 'scanner', deviceId: '0e5b7a52-55a4-4b0c-9a52-7b0c9a5255a4' });
    expect(categoryOf(stream)).toBe('scanner');
    expect(deciderOf(stream)).toBe(scannerDeviceDecider);
  });
});
