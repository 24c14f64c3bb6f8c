import { randomUUID } from 'node:crypto';
import { anEvent } from '../../test/events.js';
import { publishedEvent } from '../../test/event-history.js';
import { foldStored } from '../domain/decode.js';
import { eventDecider } from '../domain/event/business-logic.js';
import type { EventDetails } from '../domain/event/event.js';
import { values } from '../domain/persistent-map.js';
import { eventStream } from '../domain/streams.js';
import type { EventStore } from '../eventstore/event-store.js';

/** What the import specs share: an event to import into, files to import, and what the event's stream ends up holding. */

/** A published event of `organizerId`'s, written straight to its stream; its id. */
export const givenPublishedEvent = async (store: EventStore, organizerId: string, capacity: number, details: Partial<EventDetails> = {}): Promise<string> => {
  const history = publishedEvent({ organizerId, staffId: randomUUID(), capacity, details });
  await store.append(eventStream(history.eventId), history.events.map((event) => anEvent(event.type, event.data)), 'no_stream');
  return history.eventId;
};

export const csvFile = (...lines: string[]): Uint8Array => new TextEncoder().encode(`${lines.join('\r\n')}\r\n`);

/** `count` people at addresses of their own, `<prefix><n>@example.org`, as one file. */
export const peopleFile = (count: number, prefix = 'person'): Uint8Array =>
  csvFile('email,name', ...Array.from({ length: count }, (_, i) => `${prefix}${i}@example.org,Person ${i}`));

/** The event's registrations as its stream has them: attendee → status, and the seats taken. */
export const registrationsIn = async (store: EventStore, eventId: string) => {
  const event = foldStored(eventDecider, await store.readStream(eventStream(eventId)));
  if (event.status === 'none') throw new Error(`No event ${eventId}`);
  const statuses = new Map<string, string>();
  for (const registration of values(event.registrations)) statuses.set(registration.attendeeId, registration.status);
  return { statuses, confirmed: event.confirmed, waitlist: event.waitlist.length };
};
