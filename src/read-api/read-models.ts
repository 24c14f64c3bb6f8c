import type pg from 'pg';
import { parseTicketId } from '../commands/tickets/ticket-codes.js';
import type { TicketClaims } from '../domain/check-in/business-logic.js';
import { type Actor, hasRole } from '../domain/actor.js';
import { DomainError } from '../domain/domain-error.js';
import { accountView } from '../projections/accounts/queries.js';
import { type AuditFilter, auditLog } from '../projections/audit/queries.js';
import { sessionCheckIns } from '../projections/attendance/check-in-queries.js';
import { isOnEventTeam, sessionAttendance, sessionsOf, visibleEvent, visibleEvents } from '../projections/attendance/event-queries.js';
import { type RegistrationFilter, attendeeRegistrations, eventRegistrations, ticketRegistration } from '../projections/attendance/registration-queries.js';
import type { PageArgs, Viewer } from '../projections/pages.js';
import { ticketQrUrls } from './registrations-and-tickets/ticket-qr-routes.js';

/**
 * What the areas' GraphQL resolvers ask of the read models: each read model's named queries
 * (src/projections/<model>/), with who may see what, in one place because the areas share
 * those rules (the event team sees registrations, the door log and live dashboards alike).
 */

export const requireActor = (actor: Actor | undefined): Actor => {
  if (!actor) throw new DomainError('UNAUTHENTICATED', 'Log in first: this needs a valid access token');
  return actor;
};

export const requireAdmin = (actor: Actor | undefined): Actor => {
  const caller = requireActor(actor);
  if (!hasRole(caller, 'admin')) throw new DomainError('FORBIDDEN', 'Only admins can see this');
  return caller;
};

const notOnTeam = () => new DomainError('FORBIDDEN', 'Only the organizer and staff of this event can see this');

const viewerOf = (actor: Actor | undefined): Viewer | undefined => actor && { accountId: actor.accountId, admin: hasRole(actor, 'admin') };

export class ReadModels {
  constructor(private readonly pool: pg.Pool) {}

  event(actor: Actor | undefined, eventId: string) {
    return visibleEvent(this.pool, eventId, viewerOf(actor));
  }

  events(actor: Actor | undefined, first: number | null | undefined, after: string | null | undefined) {
    return visibleEvents(this.pool, viewerOf(actor), { first, after });
  }

  /** The sessions of several events at once, for the GraphQL loader. */
  sessionsOf(eventIds: readonly string[]) {
    return sessionsOf(this.pool, eventIds);
  }

  /** Whether the caller may see the event's people; undefined for an event the read model does not have. */
  private async onEventTeam(caller: Actor, eventId: string): Promise<boolean | undefined> {
    return hasRole(caller, 'admin') || isOnEventTeam(this.pool, eventId, caller.accountId);
  }

  /** Registrations and door logs show people: the event's organizer, its staff and admins only. */
  async requireEventTeam(actor: Actor | undefined, eventId: string): Promise<void> {
    if (!(await this.onEventTeam(requireActor(actor), eventId))) throw notOnTeam();
  }

  /** requireEventTeam before waiting for a write, which may be creating the event: one the read model does not have yet waits. */
  async requireEventTeamUnlessNew(actor: Actor | undefined, eventId: string): Promise<void> {
    if ((await this.onEventTeam(requireActor(actor), eventId)) === false) throw notOnTeam();
  }

  async registrations(actor: Actor | undefined, args: RegistrationFilter) {
    await this.requireEventTeam(actor, args.eventId);
    return eventRegistrations(this.pool, args);
  }

  myRegistrations(actor: Actor | undefined, first: number | null | undefined, after: string | null | undefined) {
    return attendeeRegistrations(this.pool, requireActor(actor).accountId, { first, after });
  }

  async sessionAttendance(actor: Actor | undefined, eventId: string, sessionId: string) {
    await this.requireEventTeam(actor, eventId);
    const attendance = await sessionAttendance(this.pool, eventId, sessionId);
    if (!attendance) throw new DomainError('NOT_FOUND', 'No such session in this event');
    return { sessionId, ...attendance };
  }

  async checkIns(actor: Actor | undefined, args: { eventId: string; sessionId: string } & PageArgs) {
    await this.requireEventTeam(actor, args.eventId);
    return sessionCheckIns(this.pool, args);
  }

  /**
   * A ticket as the read model has it. The code is signed afresh from the stored version and
   * shown to the holder alone; the organizer and staff see the rest.
   */
  async ticket(actor: Actor | undefined, ticketId: string, sign: (claims: TicketClaims) => Promise<string>) {
    const caller = requireActor(actor);
    const ticket = await this.storedTicket(ticketId);
    if (!ticket) throw new DomainError('NOT_FOUND', 'No such ticket');
    await this.requireTicketReader(caller, ticket);
    const holder = ticket.attendeeId === caller.accountId ? ticket.attendeeId : undefined;
    const valid = ticket.status === 'confirmed' && ticket.eventStatus !== 'cancelled';
    const { eventId, registrationId, ticketVersion: version } = ticket;
    return {
      ticketId,
      eventId,
      registrationId,
      attendeeId: ticket.attendeeId,
      status: ticket.status,
      version,
      code: holder && valid ? await sign({ eventId, registrationId, attendeeId: holder, version }) : null,
      ...ticketQrUrls(ticketId),
    };
  }

  /** ticket's check before waiting for a write, which may be the registration that made it: one the read model does not have yet waits. */
  async requireTicketReaderUnlessNew(actor: Actor | undefined, ticketId: string): Promise<void> {
    const caller = requireActor(actor);
    const ticket = await this.storedTicket(ticketId);
    if (ticket) await this.requireTicketReader(caller, ticket);
  }

  private storedTicket(ticketId: string) {
    const ids = parseTicketId(ticketId);
    if (!ids) throw new DomainError('VALIDATION', 'A ticket id is <eventId>_<registrationId>');
    return ticketRegistration(this.pool, ids.eventId, ids.registrationId);
  }

  /** A ticket shows to its holder and to its event's team. */
  private async requireTicketReader(caller: Actor, ticket: { eventId: string; attendeeId: string | null }): Promise<void> {
    if (ticket.attendeeId !== caller.accountId) await this.requireEventTeam(caller, ticket.eventId);
  }

  me(actor: Actor | undefined) {
    return accountView(this.pool, requireActor(actor).accountId);
  }

  auditLog(actor: Actor | undefined, filter: AuditFilter) {
    requireAdmin(actor);
    return auditLog(this.pool, filter);
  }
}

/** A ticket as `ticket` shows it to its caller. */
export type TicketView = Awaited<ReturnType<ReadModels['ticket']>>;
