import { type Actor, hasRole } from '../domain/actor.js';
import { DomainError } from '../domain/domain-error.js';
import { MAX_PAGE } from '../projections/pages.js';
import type { OrganizerFigures } from '../projections/reports/queries.js';
import { ratio } from './event-report.js';

/** Who may read whose organizer report, and what it shows them. Pure. */

export interface OrganizerReportRequest {
  organizerId: string;
  from: string;
  to: string;
  top: number;
  /** Names and addresses go to the organizer alone: an admin reading another's report sees account ids. */
  showPeople: boolean;
}

/** The caller's own report, or for an admin anyone's; `from` and `to` are instants admission checked. */
export const organizerReportRequest = (caller: Actor, args: { organizerId?: string | null; from: string; to: string; top?: number | null }): OrganizerReportRequest => {
  const organizerId = args.organizerId ?? caller.accountId;
  const own = organizerId === caller.accountId;
  if (own ? !hasRole(caller, 'organizer') && !hasRole(caller, 'admin') : !hasRole(caller, 'admin'))
    throw new DomainError('FORBIDDEN', own ? 'Only organizers have an organizer report' : "Only admins can see another organizer's report");
  if (Date.parse(args.from) >= Date.parse(args.to)) throw new DomainError('VALIDATION', 'from must be before to');
  const top = args.top ?? 10;
  if (!Number.isInteger(top) || top < 1 || top > MAX_PAGE) throw new DomainError('VALIDATION', `top must be from 1 to ${MAX_PAGE}`);
  return { organizerId, from: args.from, to: args.to, top, showPeople: own };
};

export const organizerReport = (request: OrganizerReportRequest, figures: OrganizerFigures) => ({
  organizerId: request.organizerId,
  from: new Date(request.from).toISOString(),
  to: new Date(request.to).toISOString(),
  events: figures.events.map((event) => ({ ...event, startsAt: event.startsAt.toISOString(), showUpRate: ratio(event.attended, event.confirmed) })),
  attendees: figures.attendees,
  repeatAttendees: figures.repeatAttendees,
  repeatAttendanceRate: ratio(figures.repeatAttendees, figures.attendees),
  topAttendees: figures.top.map((person) => ({
    attendeeId: person.attendeeId,
    eventsAttended: person.events,
    name: request.showPeople ? person.name : null,
    email: request.showPeople ? person.email : null,
  })),
});
