import { randomUUID } from 'node:crypto';
import type { EventData } from '../src/eventstore/event-store.js';

/** A published type (internal ones never leave), about the size of a registration; occurredAt is now. */
export const anEvent = (n: number): EventData => ({
  id: randomUUID(),
  type: 'RegistrationConfirmed',
  data: { registrationId: randomUUID(), attendeeId: `attendee-${n}`, via: 'registration' },
  metadata: {
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actorId: 'bench',
    commandId: randomUUID(),
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  },
});
