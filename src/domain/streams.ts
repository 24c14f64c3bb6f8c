import { accountDecider } from './account/business-logic.js';
import { emailClaimDecider } from './account/email-claim.js';
import { checkInDecider } from './check-in/business-logic.js';
import { scannerDeviceDecider } from './check-in/scanner-device/business-logic.js';
import type { DomainEvent, Fold } from './decider.js';
import { eventDecider } from './event/business-logic.js';
import { faceDecider } from './face/business-logic.js';
import { forecastDecider } from './forecast/business-logic.js';

/**
 * Every stream Rollcall writes, named in one place: how to build a stream's name, how to
 * read one back, and which decider's events it holds. Code elsewhere never takes a stream
 * name apart by hand, so a new kind of stream, or a change of name, is made here and nowhere
 * else.
 */

export const eventStream = (eventId: string): string => `event-${eventId}`;

/** One ticket's check-ins at one session; codes that are no ticket share the session's `unreadable` stream. */
export const checkInStream = (sessionId: string, registrationId: string | undefined): string =>
  `checkin-${sessionId}-${registrationId ?? 'unreadable'}`;

export const accountStream = (accountId: string): string => `account-${accountId}`;

/** A scanner device registered for an event's doors (named `scanner-<device id>`). */
export const scannerDeviceStream = (deviceId: string): string => `scanner-${deviceId}`;

/**
 * An attendee's face enrollment, apart from their account stream: enrolling and erasing do
 * not contend with log-ins, and the face's events stay with each other (named `face-<account id>`).
 */
export const faceStream = (accountId: string): string => `face-${accountId}`;

/**
 * An event's attendance forecasts, apart from the event's stream: a refresh never contends
 * with registrations for the seat ledger's revision, and the event's stream stays the seat
 * ledger alone (named `forecast-<event id>`, every session's forecasts in one stream).
 */
export const forecastStream = (eventId: string): string => `forecast-${eventId}`;

/**
 * An address's claim, named by a hash of the address (`addressKey`, hex) so that the name holds
 * no personal data. Which hash is the command side's choice (a keyed one: see EmailClaims).
 */
export const emailClaimStream = (addressKey: string): string => `account-email-${addressKey}`;

/** A command id a client chose, bound to its first request. */
export const commandKeyStream = (commandId: string): string => `commandkey-${commandId}`;

/** An operator's decisions about a projection (events to skip). */
export const projectionStream = (projection: string): string => `projection-${projection}`;

export type ParsedStream =
  | { kind: 'event'; eventId: string }
  | { kind: 'checkin'; sessionId: string; registrationId: string | undefined }
  | { kind: 'account'; accountId: string }
  | { kind: 'scanner'; deviceId: string }
  | { kind: 'face'; accountId: string }
  | { kind: 'forecast'; eventId: string }
  | { kind: 'email-claim' }
  | { kind: 'command-key' }
  | { kind: 'projection'; projection: string }
  | { kind: 'unknown' };

const UUID_TEXT = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const CHECK_IN = new RegExp(`^checkin-(${UUID_TEXT})-(${UUID_TEXT}|unreadable)$`);

/**
 * What a stream's name says. The ids are as the name holds them, not checked further: the log
 * may hold names an older version or another tool wrote, and readers decide what to do with them.
 */
export const parseStream = (streamId: string): ParsedStream => {
  if (streamId.startsWith('event-')) return { kind: 'event', eventId: streamId.slice('event-'.length) };
  const checkIn = CHECK_IN.exec(streamId);
  if (checkIn) return { kind: 'checkin', sessionId: checkIn[1]!, registrationId: checkIn[2] === 'unreadable' ? undefined : checkIn[2]! };
  if (streamId.startsWith('account-email-')) return { kind: 'email-claim' };
  if (streamId.startsWith('account-')) return { kind: 'account', accountId: streamId.slice('account-'.length) };
  if (streamId.startsWith('scanner-')) return { kind: 'scanner', deviceId: streamId.slice('scanner-'.length) };
  if (streamId.startsWith('face-')) return { kind: 'face', accountId: streamId.slice('face-'.length) };
  if (streamId.startsWith('forecast-')) return { kind: 'forecast', eventId: streamId.slice('forecast-'.length) };
  if (streamId.startsWith('commandkey-')) return { kind: 'command-key' };
  if (streamId.startsWith('projection-')) return { kind: 'projection', projection: streamId.slice('projection-'.length) };
  return { kind: 'unknown' };
};

/**
 * A stream's category: its name up to the first '-', as EventStoreDB's `$by_category`
 * projection reads it (`event`, `checkin`, `account` for both account kinds, `scanner`, `face`,
 * `forecast`).
 */
export const categoryOf = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
};

/** The consistency boundary behind each kind of stream; the other kinds hold no domain events. */
const OWNERS: { readonly [Kind in ParsedStream['kind']]?: Fold<any, any> } = {
  event: eventDecider,
  checkin: checkInDecider,
  account: accountDecider,
  scanner: scannerDeviceDecider,
  face: faceDecider,
  forecast: forecastDecider,
  'email-claim': emailClaimDecider,
};

/**
 * The decider whose events the stream holds, to fold it with; undefined for a stream that
 * holds none (command keys, projection decisions, names Rollcall never wrote).
 */
export const deciderOf = (streamId: string): Fold<unknown, DomainEvent> | undefined => OWNERS[parseStream(streamId).kind];
