import { type CheckInCommand, checkInDecider } from '../domain/check-in/business-logic.js';
import { type ScanResult, scanResultOf } from '../domain/check-in/check-in.js';
import { DomainError } from '../domain/domain-error.js';
import { checkInStream } from '../domain/streams.js';
import { formatPosition } from '../eventstore/position.js';
import type { CommandHandler } from './command-handler.js';
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

/** The door side: scans, manual check-ins and their undoing. */
export class CheckInCommands {
  constructor(
    private readonly handler: CommandHandler,
    private readonly events: EventCommands,
    private readonly codes: TicketCodes,
  ) {}

  private async run(request: CommandRequest, sessionId: string, registrationId: string | undefined, command: CheckInCommand): Promise<CheckInView> {
    const result = await this.handler.handle(checkInDecider, checkInStream(sessionId, registrationId), command, contextOf(request));
    const attendance = result.events.find((e) => e.type === 'CheckedIn' || e.type === 'CheckInAwaitingFace');
    return {
      result: scanResultOf(result.events),
      registrationId: registrationId ?? null,
      attendeeId: attendance && 'attendeeId' in attendance.data ? attendance.data.attendeeId : null,
      position: result.position ? formatPosition(result.position) : null,
    };
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

  async checkIn(request: CommandRequest, eventId: string, sessionId: string, code: string): Promise<CheckInView> {
    if (typeof code !== 'string' || code.length > MAX_SCANNED_TEXT)
      throw new DomainError('VALIDATION', `The scanned code must be a string of at most ${MAX_SCANNED_TEXT} characters`);
    const door = await this.door(request, eventId, sessionId);
    const ticket = await this.codes.read(code);
    if (!ticket) return this.run(request, sessionId, undefined, { type: 'RecordUnreadableScan', data: door });
    return this.run(request, sessionId, ticket.registrationId, { type: 'ScanTicket', data: { ...door, ticket } });
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
