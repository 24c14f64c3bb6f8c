import { randomUUID } from 'node:crypto';
import type { EventData, JsonObject } from '../src/eventstore/event-store.js';

/** An event as the command handler would store it, stamped now: occurredAt is when it was made. */
export const benchEvent = (type: string, data: JsonObject): EventData => ({
  id: randomUUID(),
  type,
  data,
  metadata: {
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actorId: 'bench',
    commandId: randomUUID(),
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  },
});

/** A published type (internal ones never leave), about the size of a registration. */
export const aRegistration = (n: number): EventData =>
  benchEvent('RegistrationConfirmed', { registrationId: randomUUID(), attendeeId: `attendee-${n}`, via: 'registration' });
