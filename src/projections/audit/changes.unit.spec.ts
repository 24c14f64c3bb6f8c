import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../eventstore/event-store.js';
import { recordedEvent } from '../recorded-event.fixture.js';
import type { UnstorableValue } from '../stored-values.js';
import { auditRows } from './changes.js';

const recorded = (metadata: object): RecordedEvent =>
  recordedEvent('event-x', 'EventPublished', {}, { metadata: { actorId: 'ann', commandId: 'k', ...metadata }, position: { commit: 90n, prepare: 85n }, recordedAt: new Date(0) });

describe('the audit log', () => {
  it('keeps every event’s stream, type, envelope and whole position', () => {
    const event = recorded({});
    expect(auditRows([event], () => undefined)).toEqual([
      {
        commitPosition: '90',
        preparePosition: '85',
        eventId: event.id,
        streamId: 'event-x',
        type: 'EventPublished',
        actorId: 'ann',
        correlationId: 'c',
        commandId: 'k',
        occurredAt: '2026-06-01T00:00:00.000Z',
        recordedAt: new Date(0),
      },
    ]);
  });

  it('stores an envelope field it cannot store as null, and reports it', () => {
    const warnings: UnstorableValue[] = [];
    const [row] = auditRows([recorded({ occurredAt: '2026-02-30T00:00:00Z', actorId: 12 })], (w) => warnings.push(w));
    expect(row).toMatchObject({ actorId: null, occurredAt: null });
    expect(warnings.map((w) => w.field)).toEqual(['metadata.actorId', 'metadata.occurredAt']);
  });
});
