import { randomUUID } from 'node:crypto';
import type { EventData } from '../src/eventstore/event-store.js';
import { anEvent } from '../test/events.js';

/** A published type (internal ones never leave), about the size of a registration; occurredAt is now. */
export const aRegistration = (n: number): EventData =>
  anEvent('RegistrationConfirmed', { registrationId: randomUUID(), attendeeId: `attendee-${n}`, via: 'registration' });
