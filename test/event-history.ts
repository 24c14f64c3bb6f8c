import { randomUUID } from 'node:crypto';
import type { EventDetails, EventEvent, Session } from '../src/domain/event/event.js';

/**
 * Histories of an event's stream as the deciders write them, for specs that start from
 * existing streams rather than from the commands that would have made them.
 */

const MINUTE = 60_000;
const at = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();

/** Details of an event whose registration is open now. */
export const openDetails = (overrides: Partial<EventDetails> = {}): EventDetails => ({
  title: 'Rust meetup',
  description: '',
  venue: 'Hall A',
  timeZone: 'Europe/Warsaw',
  registrationOpensAt: at(-24 * 60 * MINUTE),
  registrationClosesAt: at(24 * 60 * MINUTE),
  requiresApproval: false,
  faceVerification: 'off',
  ...overrides,
});

/** A session starting in half an hour, whose doors are open now. */
export const openSession = (): Session => ({
  sessionId: randomUUID(),
  startsAt: at(30 * MINUTE),
  endsAt: at(120 * MINUTE),
  checkInOpensAt: at(-30 * MINUTE),
  checkInClosesAt: at(120 * MINUTE),
});

export interface EventHistory {
  eventId: string;
  sessionId: string;
  events: EventEvent[];
}

/** A published event of `organizerId` with one session whose doors are open now and `staffId` assigned to it. */
export const publishedEvent = (options: {
  organizerId: string;
  staffId: string;
  capacity?: number;
  details?: Partial<EventDetails>;
}): EventHistory => {
  const eventId = randomUUID();
  const session = openSession();
  return {
    eventId,
    sessionId: session.sessionId,
    events: [
      { type: 'EventCreated', data: { eventId, organizerId: options.organizerId, details: openDetails(options.details), capacity: options.capacity ?? 10 } },
      { type: 'SessionsScheduled', data: { sessions: [session] } },
      { type: 'StaffAssigned', data: { staffId: options.staffId } },
      { type: 'EventPublished', data: { eventId } },
    ],
  };
};

/** `attendeeId`'s registration, confirmed on registering (its ticket is version 1). */
export const confirmedRegistration = (attendeeId: string, registrationId: string = randomUUID()): EventEvent => ({
  type: 'RegistrationConfirmed',
  data: { registrationId, attendeeId, via: 'registration' },
});
