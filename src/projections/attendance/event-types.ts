import type { AccountEvent } from '../../domain/account/account.js';
import type { CheckInEvent } from '../../domain/check-in/check-in.js';
import type { ScannerDeviceEvent } from '../../domain/check-in/scanner-device/scanner-device.js';
import type { EventEvent } from '../../domain/event/event.js';
import type { Fields } from '../stored-values.js';

/**
 * The types the attendance read model reads, as records so that a type the domain adds is a
 * compile error here until it is decided whether the read model shows it. The domain check
 * folds the same types with the domain's own `evolve`.
 */
export const EVENT_TYPES: Record<EventEvent['type'], true> = {
  EventCreated: true,
  EventDetailsUpdated: true,
  SessionsScheduled: true,
  EventPublished: true,
  CapacityChanged: true,
  StaffAssigned: true,
  EventCancelled: true,
  RegistrationSubmitted: true,
  RegistrationConfirmed: true,
  RegistrationWaitlisted: true,
  RegistrationRejected: true,
  RegistrationCancelled: true,
  TicketReissued: true,
  RegistrationNoteAdded: true,
};

export const CHECK_IN_TYPES: Record<CheckInEvent['type'], true> = {
  CheckedIn: true,
  CheckInAwaitingFace: true,
  FaceMatched: true,
  FaceMismatched: true,
  FaceUnverifiable: true,
  ScanRefused: true,
  CheckInSuperseded: true,
  CheckInUndone: true,
  UnreadableTicketScanned: true,
};

/** The scanner devices registered for an event's doors, listed for its team. */
export const SCANNER_DEVICE_TYPES: Record<ScannerDeviceEvent['type'], true> = {
  ScannerDeviceRegistered: true,
  ScannerDeviceRevoked: true,
};

/**
 * An account's erasure, read so that the notes kept on its registrations are erased here too:
 * a read model must not keep what the log can no longer open.
 */
export const ERASURE_TYPE = 'PersonalDataErased' satisfies AccountEvent['type'];

type Handled = EventEvent | CheckInEvent | ScannerDeviceEvent;

/** Each type the read model reads, with its data as the log may hold it. */
export type StoredEvent = { [T in Handled['type']]: { type: T; data: Fields<Extract<Handled, { type: T }>['data']> } }[Handled['type']];
