import type { MercuriusContext } from 'mercurius';
import { hasRole } from '../../domain/actor.js';
import { DomainError } from '../../domain/domain-error.js';
import { organizerOf } from '../../projections/attendance/event-queries.js';
import { isUuid } from '../../uuid.js';
import { requireActor } from '../read-models.js';

/**
 * Who may see an event's forecasts, the current one and their history alike: per-attendee
 * probabilities are personal data, and the organizer plans the room with them; staff at the
 * door do not need them.
 */
export const requireOrganizerOrAdmin = async (ctx: MercuriusContext, eventId: string): Promise<void> => {
  const actor = requireActor(ctx.actor);
  const organizer = isUuid(eventId) ? await organizerOf(ctx.app.pool, eventId) : undefined;
  if (organizer === undefined) throw new DomainError('NOT_FOUND', 'No such event');
  if (!hasRole(actor, 'admin') && organizer !== actor.accountId)
    throw new DomainError('FORBIDDEN', 'Only the organizer of this event and admins can see its forecast');
};
