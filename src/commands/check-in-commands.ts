import { type CheckInCommand, type ScanTicket, checkInDecider, checksFaces } from '../domain/check-in/business-logic.js';
import { type CheckInEvent, type CheckInState, type ScanResult, scanResultOf } from '../domain/check-in/check-in.js';
import { DomainError } from '../domain/domain-error.js';
import { checkInStream } from '../domain/streams.js';
import { formatPosition } from '../eventstore/position.js';
import type { DoorPhotos, HeldScan } from '../personal-data/door-photos.js';
import type { CommandHandler, CommandResult } from './command-handler.js';
import type { EventCommands } from './event-commands.js';
import { type CommandRequest, contextOf, uuid } from './request.js';
import type { TicketCodes } from './tickets/ticket-codes.js';

/** Far above any ticket code; longer is a client mistake, not a scan worth recording. */
const MAX_SCANNED_TEXT = 4_096;

export interface CheckInView {
  result: ScanResult;
  registrationId: string | null;
  attendeeId: string | null;
  position: string | null;
}

type CheckInResult = CommandResult<CheckInState, CheckInEvent>;

const viewOf = (result: CheckInResult, registrationId: string | undefined): CheckInView => {
  const attendance = result.events.find((e) => e.type === 'CheckedIn' || e.type === 'CheckInAwaitingFace');
  return {
    result: scanResultOf(result.events),
    registrationId: registrationId ?? null,
    attendeeId: attendance && 'attendeeId' in attendance.data ? attendance.data.attendeeId : null,
    position: result.position ? formatPosition(result.position) : null,
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
  ) {}

  private handle(request: CommandRequest, sessionId: string, registrationId: string | undefined, command: CheckInCommand): Promise<CheckInResult> {
    return this.handler.handle(checkInDecider, checkInStream(sessionId, registrationId), command, contextOf(request));
  }

  private async run(request: CommandRequest, sessionId: string, registrationId: string | undefined, command: CheckInCommand): Promise<CheckInView> {
    return viewOf(await this.handle(request, sessionId, registrationId, command), registrationId);
  }

  /** Where and when the staff member stands: the event as it is now, and the session. */
  private async door(request: CommandRequest, eventId: string, sessionId: string) {
    return {
      actor: request.actor,
      now: request.now.toISOString(),
      sessionId: uuid(sessionId, 'sessionId'),
      event: await this.events.currentEvent(eventId),
    };
  }

  /** A scan of `code`, with `photo` of the attendee where the event checks faces (it is ignored where it does not). */
  async checkIn(request: CommandRequest, eventId: string, sessionId: string, code: string, photo?: Buffer): Promise<CheckInView> {
    if (typeof code !== 'string' || code.length > MAX_SCANNED_TEXT)
      throw new DomainError('VALIDATION', `The scanned code must be a string of at most ${MAX_SCANNED_TEXT} characters`);
    const door = await this.door(request, eventId, sessionId);
    const ticket = await this.codes.read(code);
    if (!ticket) return this.run(request, sessionId, undefined, { type: 'RecordUnreadableScan', data: door });
    if (!photo || !checksFaces(door.event)) return this.run(request, sessionId, ticket.registrationId, { type: 'ScanTicket', data: { ...door, ticket } });
    // The scan's command id names it, and the photo kept for it.
    const scan = { type: 'ScanTicket', data: { ...door, ticket, photo: { scanId: request.commandId } } } as const;
    return viewOf(await this.scanWithPhoto(request, sessionId, scan, photo), ticket.registrationId);
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

  async manualCheckIn(request: CommandRequest, eventId: string, sessionId: string, registrationId: string, reason: string): Promise<CheckInView> {
    const door = await this.door(request, eventId, sessionId);
    uuid(registrationId, 'registrationId');
    return this.run(request, sessionId, registrationId, { type: 'CheckInManually', data: { ...door, registrationId, reason } });
  }

  async undoCheckIn(request: CommandRequest, eventId: string, sessionId: string, registrationId: string, reason: string): Promise<CheckInView> {
    const door = await this.door(request, eventId, sessionId);
    uuid(registrationId, 'registrationId');
    return this.run(request, sessionId, registrationId, { type: 'UndoCheckIn', data: { ...door, registrationId, reason } });
  }
}
