import { existingStream } from '../../test/api-specification.js';
import { publishedEvent } from '../../test/event-history.js';
import type { Actor } from '../domain/actor.js';
import { eventStream } from '../domain/streams.js';

/** Who and what the specs of the events, registrations and check-in areas share, on the in-memory store. */

export const organizer: Actor = { accountId: 'org-1', roles: ['organizer'] };
export const staff: Actor = { accountId: '5a7f0000-0000-4000-8000-000000000001', roles: ['staff'] };
export const ann: Actor = { accountId: 'ann', roles: ['attendee'] };
export const bob: Actor = { accountId: 'bob', roles: ['attendee'] };

export const REGISTER = `mutation ($eventId: ID!, $commandId: ID) {
  register(eventId: $eventId, commandId: $commandId) { registrationId status position ticket { ticketId version code qrPngUrl qrSvgUrl } } }`;

/** A published event of the organizer's with one session open now, staffed, and whatever `more` adds to its stream. */
export const anOpenEvent = (options: { capacity?: number; requiresApproval?: boolean } = {}, ...more: Parameters<typeof existingStream>[1]) => {
  const history = publishedEvent({
    organizerId: organizer.accountId,
    staffId: staff.accountId,
    capacity: options.capacity ?? 10,
    details: { requiresApproval: options.requiresApproval ?? false },
  });
  return { ...history, stream: existingStream(eventStream(history.eventId), [...history.events, ...more]) };
};

export const dataOf = (body: string) => JSON.parse(body).data;
