import { isExisting } from '../domain/account/account.js';
import { accountDecider } from '../domain/account/business-logic.js';
import { DomainError } from '../domain/domain-error.js';
import { type EventCommand, eventDecider } from '../domain/event/business-logic.js';
import { type EventDetails, type EventEvent, type EventState, type ExistingEvent, type Registration, type Session, registrationOf } from '../domain/event/event.js';
import type { SessionPlan } from '../domain/event/sessions.js';
import { accountStream, eventStream } from '../domain/streams.js';
import { type Position, formatPosition } from '../eventstore/position.js';
import type { CommandHandler, CommandResult } from './command-handler.js';
import { deterministicId } from './deterministic-id.js';
import { type CommandRequest, contextOf, uuid } from './request.js';
import { type TicketCodes, ticketIdOf } from './tickets/ticket-codes.js';

export interface TicketView {
  ticketId: string;
  version: number;
  /**
   * The signed code the QR carries, signed when asked for: an on-sale confirms thousands at
   * once, and their clients mostly ask for the status alone (the ticket comes by mail).
   */
  code: () => Promise<string>;
}

export interface RegistrationView {
  registrationId: string;
  eventId: string;
  status: Registration['status'];
  ticket: TicketView | null;
  position: string | null;
}

export interface EventView {
  eventId: string;
  status: ExistingEvent['status'];
  capacity: number;
  confirmed: number;
  waitlisted: number;
  sessions: Session[];
  position: string | null;
}

const positionText = (position: Position | undefined): string | null => (position ? formatPosition(position) : null);

/** The write side of events, registrations and tickets, as the API calls it. */
export class EventCommands {
  constructor(
    private readonly handler: CommandHandler,
    private readonly codes: TicketCodes,
  ) {}

  private run(eventId: string, request: CommandRequest, command: EventCommand): Promise<CommandResult<EventState, EventEvent>> {
    return this.handler.handle(eventDecider, eventStream(uuid(eventId, 'eventId')), command, contextOf(request));
  }

  private sent(request: CommandRequest) {
    return { actor: request.actor, now: request.now.toISOString() };
  }

  private eventView(eventId: string, result: CommandResult<EventState, EventEvent>): EventView {
    const event = result.state;
    if (event.status === 'none') throw new DomainError('NOT_FOUND', 'No such event');
    return {
      eventId,
      status: event.status,
      capacity: event.capacity,
      confirmed: event.confirmed,
      waitlisted: event.waitlist.length,
      sessions: event.sessions,
      position: positionText(result.position),
    };
  }

  /** A ticket for a confirmed registration: its code is signed afresh from the current version. */
  ticketOf(event: ExistingEvent, registration: Registration): TicketView | null {
    if (registration.status !== 'confirmed' || event.status === 'cancelled') return null;
    const { eventId } = event;
    const { registrationId, attendeeId, ticketVersion: version } = registration;
    return { ticketId: ticketIdOf(eventId, registrationId), version, code: () => this.codes.sign({ eventId, registrationId, attendeeId, version }) };
  }

  /** The ticket (its code a credential) goes only to the registration's attendee: whoever approves or reissues it reads it without a code through the `ticket` query. */
  private registrationView(eventId: string, registrationId: string, result: CommandResult<EventState, EventEvent>, request: CommandRequest): RegistrationView {
    const event = result.state;
    const registration = event.status === 'none' ? undefined : registrationOf(event, registrationId);
    if (event.status === 'none' || !registration) throw new DomainError('NOT_FOUND', 'No such registration');
    const holder = request.actor?.accountId === registration.attendeeId;
    return {
      registrationId,
      eventId,
      status: registration.status,
      ticket: holder ? this.ticketOf(event, registration) : null,
      position: positionText(result.position),
    };
  }

  async createEvent(request: CommandRequest, input: { details: EventDetails; capacity: number }): Promise<EventView> {
    // Derived from the command id, so a resent createEvent lands on the same event.
    const eventId = deterministicId(request.commandId, 'event');
    const result = await this.run(eventId, request, { type: 'CreateEvent', data: { ...this.sent(request), eventId, ...input } });
    return this.eventView(eventId, result);
  }

  async scheduleSessions(request: CommandRequest, eventId: string, plan: SessionPlan): Promise<EventView> {
    const count = plan.repeat?.count ?? 1;
    // The event is part of the id: one command id sent to two events must name two sessions.
    const sessionIds = Array.from({ length: Math.min(Math.max(count, 1), 1_000) }, (_, i) =>
      deterministicId(request.commandId, 'session', eventId, String(i)),
    );
    return this.eventView(eventId, await this.run(eventId, request, { type: 'ScheduleSessions', data: { ...this.sent(request), plan, sessionIds } }));
  }

  async publishEvent(request: CommandRequest, eventId: string): Promise<EventView> {
    return this.eventView(eventId, await this.run(eventId, request, { type: 'PublishEvent', data: this.sent(request) }));
  }

  async updateEvent(request: CommandRequest, eventId: string, changes: Partial<EventDetails>): Promise<EventView> {
    return this.eventView(eventId, await this.run(eventId, request, { type: 'UpdateEvent', data: { ...this.sent(request), changes } }));
  }

  async changeCapacity(request: CommandRequest, eventId: string, capacity: number): Promise<EventView> {
    return this.eventView(eventId, await this.run(eventId, request, { type: 'ChangeCapacity', data: { ...this.sent(request), capacity } }));
  }

  async assignStaff(request: CommandRequest, eventId: string, staffId: string): Promise<EventView> {
    const account = await this.handler.load(accountDecider, accountStream(uuid(staffId, 'staffId')));
    const staff = isExisting(account) ? { status: account.status } : undefined;
    return this.eventView(eventId, await this.run(eventId, request, { type: 'AssignStaff', data: { ...this.sent(request), staffId, staff } }));
  }

  async cancelEvent(request: CommandRequest, eventId: string, reason: string): Promise<EventView> {
    return this.eventView(eventId, await this.run(eventId, request, { type: 'CancelEvent', data: { ...this.sent(request), reason } }));
  }

  async register(request: CommandRequest, eventId: string): Promise<RegistrationView> {
    // The event is part of the id: one command id sent to two events must name two registrations.
    const registrationId = deterministicId(request.commandId, 'registration', eventId);
    const result = await this.run(eventId, request, { type: 'Register', data: { ...this.sent(request), registrationId } });
    // A resend of a registration made before ids included the event names it by its first events.
    const first = result.events[0];
    const recorded = first && 'registrationId' in first.data ? first.data.registrationId : registrationId;
    return this.registrationView(eventId, recorded, result, request);
  }

  async approveRegistration(request: CommandRequest, eventId: string, registrationId: string): Promise<RegistrationView> {
    const result = await this.run(eventId, request, {
      type: 'ApproveRegistration',
      data: { ...this.sent(request), registrationId: uuid(registrationId, 'registrationId') },
    });
    return this.registrationView(eventId, registrationId, result, request);
  }

  async rejectRegistration(request: CommandRequest, eventId: string, registrationId: string, reason: string): Promise<RegistrationView> {
    const result = await this.run(eventId, request, {
      type: 'RejectRegistration',
      data: { ...this.sent(request), registrationId: uuid(registrationId, 'registrationId'), reason },
    });
    return this.registrationView(eventId, registrationId, result, request);
  }

  async cancelRegistration(request: CommandRequest, eventId: string, registrationId: string): Promise<RegistrationView> {
    const result = await this.run(eventId, request, {
      type: 'CancelRegistration',
      data: { ...this.sent(request), registrationId: uuid(registrationId, 'registrationId') },
    });
    return this.registrationView(eventId, registrationId, result, request);
  }

  async reissueTicket(request: CommandRequest, eventId: string, registrationId: string): Promise<RegistrationView> {
    const result = await this.run(eventId, request, {
      type: 'ReissueTicket',
      data: { ...this.sent(request), registrationId: uuid(registrationId, 'registrationId') },
    });
    return this.registrationView(eventId, registrationId, result, request);
  }

  /** The event as its stream says now, for decisions elsewhere (check-in) and ticket downloads. */
  async currentEvent(eventId: string): Promise<ExistingEvent> {
    const event = await this.handler.load(eventDecider, eventStream(uuid(eventId, 'eventId')));
    if (event.status === 'none') throw new DomainError('NOT_FOUND', 'No such event');
    return event;
  }
}
