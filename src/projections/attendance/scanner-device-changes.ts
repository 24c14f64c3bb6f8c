import type { RecordedEvent } from '../../eventstore/event-store.js';
import { type StoredValues, fieldsOf, occurredAt } from '../stored-values.js';
import type { AttendanceChanges } from './batch-changes.js';
import type { StoredEvent } from './event-types.js';

/** What a scanner device's stream changes: the event's list of devices, and when one was revoked. */
export const gatherScannerDevice = (changes: AttendanceChanges, recorded: RecordedEvent, v: StoredValues): void => {
  const event = { type: recorded.type, data: fieldsOf(recorded.data) } as StoredEvent;
  if (event.type !== 'ScannerDeviceRegistered' && event.type !== 'ScannerDeviceRevoked') return;
  const eventId = v.uuid(event.data.eventId, 'eventId');
  const deviceId = v.uuid(event.data.deviceId, 'deviceId');
  if (eventId === null || deviceId === null) return;
  if (event.type === 'ScannerDeviceRevoked') {
    changes.devicesRevoked.push([eventId, deviceId, occurredAt(recorded)]);
    return;
  }
  changes.devicesRegistered.push([eventId, deviceId, v.text(event.data.name, 'name'), v.text(event.data.registeredBy, 'registeredBy'), occurredAt(recorded)]);
};
