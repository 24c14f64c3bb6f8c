import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../eventstore/event-store.js';
import { type Position, positionAt } from '../eventstore/position.js';

/** An event as a store hands it to a projection, its data and metadata as given (the log may hold anything). */
export const recordedEvent = (
  streamId: string,
  type: string,
  data: object,
  { position = positionAt(1n), metadata = {}, recordedAt = new Date() }: { position?: Position; metadata?: object; recordedAt?: Date } = {},
): RecordedEvent => ({
  id: randomUUID(),
  type,
  data: data as RecordedEvent['data'],
  metadata: { correlationId: 'c', causationId: 'c', actorId: 'a', commandId: 'c', occurredAt: '2026-06-01T00:00:00Z', schemaVersion: 1, ...metadata } as RecordedEvent['metadata'],
  streamId,
  revision: 0n,
  position,
  recordedAt,
});
