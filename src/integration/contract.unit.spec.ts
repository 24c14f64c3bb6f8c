import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { samples } from '../../test/integration-samples.js';
import type { RecordedEvent } from '../eventstore/event-store.js';
import { positionAt } from '../eventstore/position.js';
import { ContractViolation, PRIVATE_FIELDS, SCHEMAS_DIR, fingerprint, schemaFile, toIntegrationEvent } from './contract.js';
import { type DomainEventType, INTERNAL_TYPES, PUBLISHED_VERSIONS, type PublishedType } from './domain-events.js';

const recorded = (type: string, data: object): RecordedEvent => ({
  id: '0b7f1a52-55a4-4b0c-9a52-7b0c9a5255a4',
  type,
  data: data as never,
  metadata: { correlationId: 'corr', causationId: 'cause', actorId: 'a', commandId: 'c', occurredAt: '2026-05-01T00:00:00.000Z', schemaVersion: 1 },
  streamId: 'event-1',
  revision: 3n,
  position: positionAt(42n),
  recordedAt: new Date(),
});

const published = Object.keys(PUBLISHED_VERSIONS) as PublishedType[];
const schemaOf = (type: PublishedType) =>
  JSON.parse(readFileSync(new URL(schemaFile(type, PUBLISHED_VERSIONS[type]), SCHEMAS_DIR), 'utf8')) as { properties: Record<string, unknown> };

describe('the integration event contract', () => {
  it('decides for every domain event type whether it is published or internal', () => {
    for (const type of Object.keys(samples) as DomainEventType[]) {
      const isPublished = published.includes(type as PublishedType);
      const isInternal = (INTERNAL_TYPES as readonly string[]).includes(type);
      expect(isPublished !== isInternal, `${type} must be published or internal, not both or neither`).toBe(true);
    }
  });

  it.each(published)('publishes %s in the shape its current schema version describes', (type) => {
    const data = samples[type] as Record<string, unknown>;
    const schema = schemaOf(type);
    // A field the domain adds, renames or drops must come with a new schema version (or be declared private).
    const expected = Object.keys(data).filter((key) => !(PRIVATE_FIELDS[type] ?? []).includes(key)).sort();
    expect(Object.keys(schema.properties).sort(), `${type}: the domain's fields and the schema's differ; publish a new version`).toEqual(expected);
    const event = toIntegrationEvent(recorded(type, data));
    expect(event).toMatchObject({ type, version: PUBLISHED_VERSIONS[type], position: '42', revision: '3', correlationId: 'corr' });
    for (const hidden of PRIVATE_FIELDS[type] ?? []) expect(event!.data).not.toHaveProperty(hidden);
  });

  it('never edits a published schema: every schema file matches its locked fingerprint', () => {
    const locked = JSON.parse(readFileSync(new URL('fingerprints.json', SCHEMAS_DIR), 'utf8')) as Record<string, string>;
    const files = readdirSync(SCHEMAS_DIR).filter((f) => /\.v\d+\.json$/.test(f)).sort();
    expect(Object.keys(locked).sort()).toEqual(files);
    for (const file of files) expect(fingerprint(readFileSync(new URL(file, SCHEMAS_DIR), 'utf8')), `${file} was edited after publication`).toBe(locked[file]);
  });

  it('keeps internal events and private fields off the wire', () => {
    expect(toIntegrationEvent(recorded('LoggedIn', samples.LoggedIn))).toBeUndefined();
    expect(toIntegrationEvent(recorded('AccountSignedUp', samples.AccountSignedUp))!.data).toEqual({
      accountId: 'a-1',
      roles: ['attendee'],
      signedUpAt: '2026-05-01T00:00:00.000Z',
    });
  });

  it('refuses to publish an event that breaks its schema', () => {
    expect(() => toIntegrationEvent(recorded('CapacityChanged', { capacity: 'lots' }))).toThrow(ContractViolation);
    expect(() => toIntegrationEvent(recorded('ScanRefused', { ...samples.ScanRefused, result: 'maybe' }))).toThrow(/does not fit ScanRefused.v1.json/);
  });
});
