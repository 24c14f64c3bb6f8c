import type { RecordedEvent } from '../../eventstore/event-store.js';
import type { ScanOrigin } from '../../domain/check-in/check-in.js';
import { type Fields, type StoredValues, fieldsOf, occurredAt } from '../stored-values.js';
import type { AttendanceChanges } from './batch-changes.js';
import type { StoredEvent } from './event-types.js';
import { keyOf } from './keys.js';

/** What a check-in stream's events change: the door log, and each session's count of who is in. */

/** What the door log says of a door event; undefined for any other type. */
const doorEntry = (event: StoredEvent, v: StoredValues): { kind: string | null; result: string | null } | undefined => {
  switch (event.type) {
    case 'CheckedIn':
      return { kind: v.text(event.data.method, 'method'), result: 'ok' };
    case 'CheckInAwaitingFace':
      return { kind: 'scan', result: 'face_pending' };
    // The face verification reactor's verdict on a held scan: a match is the check-in.
    case 'FaceMatched':
      return { kind: 'face', result: 'ok' };
    case 'FaceMismatched':
    case 'FaceUnverifiable':
      return { kind: 'face', result: v.text(event.data.result, 'result') };
    case 'ScanRefused':
      return { kind: 'scan', result: v.text(event.data.result, 'result') };
    // A scan that checked the ticket in, judged again once an earlier offline scan arrived.
    case 'CheckInSuperseded':
      return { kind: 'scan', result: 'already_redeemed' };
    case 'UnreadableTicketScanned':
      return { kind: 'scan', result: 'invalid' };
    case 'CheckInUndone':
      return { kind: 'undo', result: 'undone' };
    default:
      return undefined;
  }
};

/** Where and when a scan was made (check-in.ts' ScanOrigin); absent fields are an online scan on a staff log-in. */
const originColumns = (data: Fields<ScanOrigin & { offlineConflict: boolean }>, v: StoredValues): [string | null, string | null, boolean, boolean] => [
  data.deviceId == null ? null : v.text(data.deviceId, 'deviceId'),
  data.scannedAt == null ? null : v.instant(data.scannedAt, 'scannedAt'),
  data.offline === undefined ? false : (v.boolean(data.offline, 'offline') ?? false),
  data.offlineConflict === undefined ? false : (v.boolean(data.offlineConflict, 'offlineConflict') ?? false),
];

/** A door event's move of the session's count of who is in. */
const COUNT_DELTA: Partial<Record<StoredEvent['type'], number>> = { CheckedIn: 1, FaceMatched: 1, CheckInUndone: -1, CheckInSuperseded: -1 };

/** Every door action, in order; CheckedIn, FaceMatched, CheckInUndone and CheckInSuperseded also move the session's count. */
export const gatherCheckIn = (changes: AttendanceChanges, recorded: RecordedEvent, v: StoredValues): void => {
  const event = { type: recorded.type, data: fieldsOf(recorded.data) } as StoredEvent;
  const door = doorEntry(event, v);
  if (!door) return;
  const data = event.data as Fields<{ eventId: string; sessionId: string; registrationId: string; attendeeId: string; staffId: string; reason: string | null }>;
  const eventId = v.uuid(data.eventId, 'eventId');
  const sessionId = v.uuid(data.sessionId, 'sessionId');
  changes.checkIns.push([
    recorded.position.commit.toString(),
    recorded.position.prepare.toString(),
    eventId,
    sessionId,
    'registrationId' in data ? v.uuid(data.registrationId, 'registrationId') : null,
    'attendeeId' in data ? v.text(data.attendeeId, 'attendeeId') : null,
    v.text(data.staffId, 'staffId'),
    door.kind,
    door.result,
    'reason' in data && data.reason !== null ? v.text(data.reason, 'reason') : null,
    occurredAt(recorded),
    ...originColumns(event.data as Fields<ScanOrigin & { offlineConflict: boolean }>, v),
  ]);
  const delta = COUNT_DELTA[event.type] ?? 0;
  if (delta === 0 || eventId === null || sessionId === null) return;
  const key = keyOf(eventId, sessionId);
  const count = changes.sessionCounts.get(key) ?? { eventId, sessionId, delta: 0, position: '0' };
  changes.sessionCounts.set(key, { ...count, delta: count.delta + delta, position: recorded.position.commit.toString() });
};
