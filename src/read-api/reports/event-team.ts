import type pg from 'pg';
import { type Actor, hasRole } from '../../domain/actor.js';
import { DomainError } from '../../domain/domain-error.js';
import { isOnEventTeam } from '../../projections/attendance/event-queries.js';
import { isUuid } from '../../uuid.js';
import { requireActor } from '../read-models.js';

/**
 * Who may read an event's reports and exports: its organizer, its staff and admins, as the
 * attendance read model has them. Unlike the team check of the registrations list, an event
 * the read model does not have is NOT_FOUND for everyone, admins included: an export of
 * nothing would read as an event without registrations.
 */
export const requireEventTeamOrAdmin = async (pool: pg.Pool, actor: Actor | undefined, eventId: string): Promise<Actor> => {
  const caller = requireActor(actor);
  const onTeam = isUuid(eventId) ? await isOnEventTeam(pool, eventId.toLowerCase(), caller.accountId) : undefined;
  if (onTeam === undefined) throw new DomainError('NOT_FOUND', 'No such event');
  if (!onTeam && !hasRole(caller, 'admin')) throw new DomainError('FORBIDDEN', 'Only the organizer and staff of this event, and admins, can see this');
  return caller;
};
