import { randomUUID } from 'node:crypto';
import type { EventData, JsonObject } from '../src/eventstore/event-store.js';

/** An event with a complete envelope, as the command side will write them. */
export const anEvent = (type = 'SomethingHappened', data: JsonObject = { n: 1 }): EventData => ({
  id: randomUUID(),
  type,
  data,
  metadata: {
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actorId: 'test-actor',
    commandId: randomUUID(),
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  },
});

export const events = (count: number, type?: string): EventData[] =>
  Array.from({ length: count }, (_, i) => anEvent(type, { n: i }));

export const uniqueStream = (prefix = 'test'): string => `${prefix}-${randomUUID()}`;
