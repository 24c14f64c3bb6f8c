import type { AccountEvent } from './account/account.js';
import type { EmailClaimEvent } from './account/email-claim.js';
import type { CheckInEvent } from './check-in/check-in.js';
import type { ScannerDeviceEvent } from './check-in/scanner-device/scanner-device.js';
import type { EventEvent } from './event/event.js';
import type { FaceEvent } from './face/face.js';
import type { ForecastEvent } from './forecast/forecast.js';

/** Every event the domain records, across all its boundaries, in its current shape. */
export type AnyDomainEvent = EventEvent | CheckInEvent | ScannerDeviceEvent | AccountEvent | EmailClaimEvent | FaceEvent | ForecastEvent;
export type DomainEventType = AnyDomainEvent['type'];
