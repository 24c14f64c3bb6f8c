import { type Actor, hasRole } from '../domain/actor.js';
import { DomainError } from '../domain/domain-error.js';

/**
 * Who may do what with webhooks (pure): organizers hook their own events, admins any event
 * or every event at once; a webhook is managed by its owner and by admins; redelivering is
 * for admins, who operate the system.
 */

export const mayKeepWebhooks = (actor: Actor): void => {
  if (!hasRole(actor, 'organizer') && !hasRole(actor, 'admin')) throw new DomainError('FORBIDDEN', 'Only organizers and admins keep webhooks');
};

/** `organizerId`: the organizer of `eventId`, when one is named. */
export const mayHook = (actor: Actor, eventId: string | null, organizerId: string | undefined): void => {
  mayKeepWebhooks(actor);
  if (hasRole(actor, 'admin')) return;
  if (eventId === null) throw new DomainError('FORBIDDEN', 'Only admins can hook every event; name your event');
  if (organizerId !== actor.accountId) throw new DomainError('FORBIDDEN', "Only the event's organizer and admins can hook its events");
};

export const mayManage = (actor: Actor, ownerId: string): void => {
  mayKeepWebhooks(actor);
  if (!hasRole(actor, 'admin') && ownerId !== actor.accountId) throw new DomainError('FORBIDDEN', 'Only its owner and admins can see or change a webhook');
};

export const mayRedeliver = (actor: Actor): void => {
  if (!hasRole(actor, 'admin')) throw new DomainError('FORBIDDEN', 'Only admins redeliver');
};

/**
 * Whether a webhook still speaks for its owner: one who was disabled, erased or lost the role
 * that let them make it (admin for every event, organizer or admin for their event) is heard
 * no more. An owner the accounts read model does not know yet (just signed up) is.
 */
export const ownerStillHooks = (owner: { roles: readonly string[]; status: string } | undefined, eventId: string | null): boolean =>
  owner === undefined || (owner.status === 'active' && (owner.roles.includes('admin') || (eventId !== null && owner.roles.includes('organizer'))));
