import { type AtTheDoor, type CheckInCommand, type DoorDevice, type ScanTicket, atTheDoor, checkInDecider, checksFaces } from '../domain/check-in/business-logic.js';
import { type CheckInEvent, type CheckInFlag, type CheckInState, type ScanResult, scanResultOf } from '../domain/check-in/check-in.js';
import { DomainError } from '../domain/domain-error.js';
import { type ExistingEvent, type RegistrationStatus, registrationOf } from '../domain/event/event.js';
import { checkInStream } from '../domain/streams.js';
import { formatPosition } from '../eventstore/position.js';
import type { DoorPhotos, HeldScan } from '../personal-data/door-photos.js';
import type { CommandHandler, CommandResult } from './command-handler.js';
import { deterministicId } from './deterministic-id.js';
import type { EventCommands } from './event-commands.js';
import { type CommandRequest, contextOf, requestHash, uuid } from './request.js';
import { ScannerDevices } from './scanners/scanner-devices.js';
import type { TicketCodes } from './tickets/ticket-codes.js';

/** Far above any ticket code; longer is a client mistake, not a scan worth recording. */
const MAX_SCANNED_TEXT = 4_096;
/** Scans per upload: a day offline at a busy door, and an upload that still answers within seconds. */
export const MAX_UPLOADED_SCANS = 1_000;
const NONCE = /^[A-Za-z0-9_.:-]{1,100}$/;

/** A door action's request: a staff member's, or a registered scanner device's (`device`) made with its own token. */
export interface DoorRequest extends CommandRequest {
  device?: DoorDevice;
}

/** A scan a device decided offline: its code, when the device made it, and the device's nonce naming it. */
export interface OfflineScan {
  code: string;
  scannedAt: string;
  nonce: string;
}

/** The check-in that used a ticket first: what the door is told of it with `already_redeemed`. */
export interface FirstUse {
  /** When, by the scan's clock; null for check-ins recorded before scan times were kept. */
  at: string | null;
  deviceId: string | null;
  staffId: string;
  offline: boolean;
}

export interface CheckInView {
  result: ScanResult;
  registrationId: string | null;
  attendeeId: string | null;
  position: string | null;
  /** Whose ticket it is, so the door can act without another query; null for a code that is no ticket of this event. */
  holder: { attendeeId: string; registrationStatus: RegistrationStatus } | null;
  firstUse: FirstUse | null;
  flags: CheckInFlag[];
}

/** One uploaded scan's outcome: its view, or why it could not be recorded (the rest of the upload is not affected). */
export interface OfflineScanView {
  nonce: string;
  scan: CheckInView | null;
  error: { code: string; message: string } | null;
}

type CheckInResult = CommandResult<CheckInState, CheckInEvent>;

const holderOf = (event: ExistingEvent, registrationId: string | undefined): CheckInView['holder'] => {
  const registration = registrationId === undefined ? undefined : registrationOf(event, registrationId);
  return registration ? { attendeeId: registration.attendeeId, registrationStatus: registration.status } : null;
};

const viewOf = (result: CheckInResult, event: ExistingEvent, registrationId: string | undefined): CheckInView => {
  const attendance = result.events.find((e) => e.type === 'CheckedIn' || e.type === 'CheckInAwaitingFace');
  const answer = scanResultOf(result.events);
  const { state } = result;
  const refusal = result.events.find((e) => e.type === 'ScanRefused');
  return {
    result: answer,
    registrationId: registrationId ?? null,
    attendeeId: attendance && 'attendeeId' in attendance.data ? attendance.data.attendeeId : null,
    position: result.position ? formatPosition(result.position) : null,
    holder: holderOf(event, registrationId),
    firstUse:
      answer === 'already_redeemed' && state.status === 'checked_in'
        ? { at: state.scannedAt, deviceId: state.deviceId, staffId: state.staffId, offline: state.offline }
        : null,
    flags: refusal?.type === 'ScanRefused' && refusal.data.offlineConflict ? ['offline_conflict'] : [],
  };
};

/** The door side: scans (with a photo, where the event checks faces), manual check-ins and their undoing. */
export class CheckInCommands {
  constructor(
    private readonly handler: CommandHandler,
    private readonly events: EventCommands,
    private readonly codes: TicketCodes,
    /** Where a scan's photo waits for the face verification reactor. */
    private readonly photos: DoorPhotos,
  ) {
    this.scanners = new ScannerDevices(handler, events);
  }

  /** The scanner devices that work the doors: registered, revoked, and their tokens checked. */
  readonly scanners: ScannerDevices;

  private handle(request: CommandRequest, sessionId: string, registrationId: string | undefined, command: CheckInCommand): Promise<CheckInResult> {
    // A ticket's stream at a session mostly starts with its first scan; an undo follows a check-in.
    const likelyNewStream = registrationId !== undefined && command.type !== 'UndoCheckIn';
    return this.handler.handle(checkInDecider, checkInStream(sessionId, registrationId), command, contextOf(request), { likelyNewStream });
  }

  private async run(request: CommandRequest, sessionId: string, registrationId: string | undefined, command: CheckInCommand & { data: { event: ExistingEvent } }): Promise<CheckInView> {
    return viewOf(await this.handle(request, sessionId, registrationId, command), command.data.event, registrationId);
  }

  /** Where and when the door stands: the event as it is now, the session, and the device if one works it. */
  private async door(request: DoorRequest, eventId: string, sessionId: string): Promise<AtTheDoor> {
    return {
      actor: request.actor,
      now: request.now.toISOString(),
      sessionId: uuid(sessionId, 'sessionId'),
      event: await this.events.currentEvent(eventId),
      ...(request.device ? { device: request.device } : {}),
    };
  }

  /** A scan of `code`, with `photo` of the attendee where the event checks faces (it is ignored where it does not). */
  async checkIn(request: DoorRequest, eventId: string, sessionId: string, code: string, photo?: Buffer): Promise<CheckInView> {
    scannedText(code);
    // The event's catch-up read and the signature check (in the thread pool) overlap.
    const [door, ticket] = await Promise.all([this.door(request, eventId, sessionId), this.codes.read(code)]);
    if (!ticket) return this.run(request, sessionId, undefined, { type: 'RecordUnreadableScan', data: door });
    if (!photo || !checksFaces(door.event)) return this.run(request, sessionId, ticket.registrationId, { type: 'ScanTicket', data: { ...door, ticket } });
    // The scan's command id names it, and the photo kept for it.
    const scan = { type: 'ScanTicket', data: { ...door, ticket, photo: { scanId: request.commandId } } } as const;
    return viewOf(await this.scanWithPhoto(request, sessionId, scan, photo), door.event, ticket.registrationId);
  }

  /**
   * Scans `deviceId` made offline, each decided as an online scan would have been at its
   * `scannedAt` and answered on its own: one that cannot be recorded leaves the others be. The
   * device uploads with its own token; a member of the event's team may upload for it. Each
   * scan's command id is derived from the device and its nonce, so an upload sent again (after
   * a lost answer) records nothing twice, whoever sends it.
   */
  async uploadScans(request: DoorRequest, eventId: string, sessionId: string, deviceId: string, scans: readonly OfflineScan[]): Promise<OfflineScanView[]> {
    if (scans.length > MAX_UPLOADED_SCANS) throw new DomainError('VALIDATION', `Upload at most ${MAX_UPLOADED_SCANS} scans at a time`);
    const door = await this.door(request, eventId, sessionId);
    if (request.device && request.device.deviceId !== deviceId) throw new DomainError('FORBIDDEN', 'A scanner uploads its own scans only');
    // Who uploads is checked before the device is looked up, so a stranger learns nothing of it.
    if (!request.device) atTheDoor(door);
    const device = request.device ?? (await this.scanners.registeredAt(door.event.eventId, deviceId));
    return Promise.all(scans.map((scan) => this.uploadScan(request, { ...door, device }, scan)));
  }

  private async uploadScan(request: DoorRequest, door: AtTheDoor & { device: DoorDevice }, scan: OfflineScan): Promise<OfflineScanView> {
    const { nonce } = scan;
    try {
      if (typeof nonce !== 'string' || !NONCE.test(nonce)) throw new DomainError('VALIDATION', 'nonce must be 1-100 characters of letters, digits, _ . : -');
      scannedText(scan.code);
      const commandId = deterministicId('offline-scan', door.device.deviceId, nonce);
      const sent = { operation: 'uploadScans', args: { eventId: door.event.eventId, sessionId: door.sessionId, deviceId: door.device.deviceId, ...scan } };
      const scanRequest: CommandRequest = { actor: request.actor, commandId, correlationId: request.correlationId, now: request.now, requestHash: requestHash(sent) };
      const ticket = await this.codes.read(scan.code);
      const view = ticket
        ? await this.run(scanRequest, door.sessionId, ticket.registrationId, { type: 'RecordOfflineScan', data: { ...door, ticket, scannedAt: scan.scannedAt } })
        : await this.run(scanRequest, door.sessionId, undefined, { type: 'RecordUnreadableScan', data: { ...door, offline: { scannedAt: scan.scannedAt } } });
      return { nonce, scan: view, error: null };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { nonce: typeof nonce === 'string' ? nonce : '', scan: null, error: { code: error.code, message: error.message } };
    }
  }

  /**
   * Keeps the photo, then decides: the reactor may see the held scan the moment it is stored,
   * and must find its photo there. A photo the decision did not hold the ticket for (a refused
   * ticket, say) is deleted at once; so is one stored again by a resent scan whose first photo
   * was judged and deleted already.
   */
  private async scanWithPhoto(request: CommandRequest, sessionId: string, command: ScanTicket & { data: { photo: object } }, photo: Buffer): Promise<CheckInResult> {
    const { ticket } = command.data;
    const scan: HeldScan = { streamId: checkInStream(sessionId, ticket.registrationId), scanId: command.data.photo.scanId };
    const stored = await this.photos.keep(scan, ticket.attendeeId, photo);
    let result: CheckInResult;
    try {
      result = await this.handle(request, sessionId, ticket.registrationId, command);
    } catch (error) {
      if (stored) await this.photos.discard(scan);
      throw error;
    }
    const held = result.events.some((event) => event.type === 'CheckInAwaitingFace' && event.data.scanId === scan.scanId);
    if (!held || (result.replayed && stored)) await this.photos.discard(scan);
    return result;
  }

  async manualCheckIn(request: DoorRequest, eventId: string, sessionId: string, registrationId: string, reason: string): Promise<CheckInView> {
    const door = await this.door(request, eventId, sessionId);
    uuid(registrationId, 'registrationId');
    return this.run(request, sessionId, registrationId, { type: 'CheckInManually', data: { ...door, registrationId, reason } });
  }

  async undoCheckIn(request: DoorRequest, eventId: string, sessionId: string, registrationId: string, reason: string): Promise<CheckInView> {
    const door = await this.door(request, eventId, sessionId);
    uuid(registrationId, 'registrationId');
    return this.run(request, sessionId, registrationId, { type: 'UndoCheckIn', data: { ...door, registrationId, reason } });
  }
}

const scannedText = (code: unknown): void => {
  if (typeof code !== 'string' || code.length > MAX_SCANNED_TEXT)
    throw new DomainError('VALIDATION', `The scanned code must be a string of at most ${MAX_SCANNED_TEXT} characters`);
};
