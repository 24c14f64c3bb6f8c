import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { samples } from '../../test/integration-samples.js';
import { checkInStream, eventStream, parseStream } from '../domain/streams.js';
import type { JsonObject } from '../eventstore/event-store.js';
import type { IntegrationEvent } from '../integration/contract.js';
import type { PublishedType } from '../integration/published-types.js';
import { staleForecastOf } from './forecast-trigger.js';

const eventId = randomUUID();
const published = (type: PublishedType, streamId: string): IntegrationEvent => ({
  id: randomUUID(),
  type,
  version: 1,
  streamId,
  revision: '0',
  position: '1',
  occurredAt: '2026-07-01T00:00:00.000Z',
  correlationId: 'c',
  causationId: 'c',
  data: { ...(samples[type] as JsonObject), ...(parseStream(streamId).kind === 'checkin' ? { eventId } : {}) },
});
const onEvent = (type: PublishedType) => published(type, eventStream(eventId));
const atTheDoor = (type: PublishedType) => published(type, checkInStream(randomUUID(), randomUUID()));

describe('which changes make an event’s forecast stale', () => {
  it.each(['RegistrationConfirmed', 'RegistrationCancelled', 'CapacityChanged', 'SessionsScheduled', 'EventCancelled'] as const)(
    '%s on the event’s stream does',
    (type) => expect(staleForecastOf(onEvent(type))).toBe(eventId),
  );

  it.each(['CheckedIn', 'FaceMatched', 'CheckInUndone'] as const)('%s at the door does, for the event in its data', (type) =>
    expect(staleForecastOf(atTheDoor(type))).toBe(eventId),
  );

  it.each(['EventCreated', 'EventPublished', 'EventDetailsUpdated', 'StaffAssigned', 'RegistrationSubmitted', 'RegistrationWaitlisted', 'RegistrationRejected', 'TicketReissued'] as const)(
    '%s does not: nobody more or less is confirmed',
    (type) => expect(staleForecastOf(onEvent(type))).toBeUndefined(),
  );

  it.each(['CheckInAwaitingFace', 'ScanRefused', 'UnreadableTicketScanned'] as const)('%s does not: nobody was let in', (type) =>
    expect(staleForecastOf(atTheDoor(type))).toBeUndefined(),
  );
});
