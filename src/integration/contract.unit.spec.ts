import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { samples } from '../../test/integration-samples.js';
import type { DomainEventType } from '../domain/domain-events.js';
import type { RecordedEvent } from '../eventstore/event-store.js';
import { type Position, positionAt } from '../eventstore/position.js';
import {
  ContractViolation,
  ENVELOPE_FILE,
  type IntegrationEvent,
  PRIVATE_FIELDS,
  SCHEMAS_DIR,
  fingerprint,
  schemaErrors,
  schemaFile,
  schemaFiles,
  toIntegrationEvent,
} from './contract.js';
import { INTERNAL_TYPES, PUBLISHED_VERSIONS, type PublishedType } from './published-types.js';
import { toKafkaMessage } from './forwarder.js';

const CORRELATION_ID = '5d0c6f3e-8a1b-5c2d-9e4f-0a1b2c3d4e5f';

const recorded = (type: string, data: object, position: Position = positionAt(42n)): RecordedEvent => ({
  id: '0b7f1a52-55a4-4b0c-9a52-7b0c9a5255a4',
  type,
  data: data as never,
  metadata: {
    correlationId: CORRELATION_ID,
    causationId: '9f8e7d6c-5b4a-5392-8170-6f5e4d3c2b1a',
    actorId: 'a',
    commandId: 'c',
    occurredAt: '2026-05-01T00:00:00.000Z',
    schemaVersion: 1,
  },
  streamId: 'event-1',
  revision: 3n,
  position,
  recordedAt: new Date(),
});

const published = Object.keys(PUBLISHED_VERSIONS) as PublishedType[];
const currentSchemaFile = (type: PublishedType) => schemaFile(type, PUBLISHED_VERSIONS[type]);
const schemaIn = (file: string) => JSON.parse(readFileSync(new URL(file, SCHEMAS_DIR), 'utf8')) as { properties: Record<string, unknown> };

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
    const schema = schemaIn(currentSchemaFile(type));
    // A field the domain adds, renames or drops must come with a new schema version (or be declared private).
    const expected = Object.keys(data).filter((key) => !(PRIVATE_FIELDS[type] ?? []).includes(key)).sort();
    expect(Object.keys(schema.properties).sort(), `${type}: the domain's fields and the schema's differ; publish a new version`).toEqual(expected);
    const event = toIntegrationEvent(recorded(type, data));
    expect(event).toMatchObject({ type, version: PUBLISHED_VERSIONS[type], position: '42', revision: '3', correlationId: CORRELATION_ID });
    for (const hidden of PRIVATE_FIELDS[type] ?? []) expect(event!.data).not.toHaveProperty(hidden);
  });

  // The value as a consumer reads it, after JSON, not the object before it is serialised.
  it.each(published)('sends %s on Kafka as a value that fits the envelope schema, with data that fits its own', (type) => {
    // One-number positions come from PostgreSQL, two-part ones from EventStoreDB.
    for (const position of [positionAt(42n), { commit: 42n, prepare: 40n }]) {
      const value = JSON.parse(String(toKafkaMessage(recorded(type, samples[type], position))!.value)) as IntegrationEvent;
      expect(schemaErrors(ENVELOPE_FILE, value), `envelope at position ${value.position}`).toBeUndefined();
      expect(schemaErrors(currentSchemaFile(type), value.data)).toBeUndefined();
    }
  });

  it('names in IntegrationEvent exactly the fields the envelope schema lists', () => {
    // The compiler holds this list to the type, no field more or fewer; the schema is locked.
    const fields: Record<keyof IntegrationEvent, true> = {
      id: true,
      type: true,
      version: true,
      streamId: true,
      revision: true,
      position: true,
      occurredAt: true,
      correlationId: true,
      causationId: true,
      data: true,
    };
    expect(Object.keys(fields).sort()).toEqual(Object.keys(schemaIn(ENVELOPE_FILE).properties).sort());
  });

  it('never edits a published schema: every schema file, the envelope included, matches its locked fingerprint', () => {
    const locked = JSON.parse(readFileSync(new URL('fingerprints.json', SCHEMAS_DIR), 'utf8')) as Record<string, string>;
    const files = schemaFiles();
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
    expect(() => toIntegrationEvent(recorded('ScanRefused', { ...samples.ScanRefused, result: 'maybe' }))).toThrow(/does not fit ScanRefused.v2.json/);
  });

  it('refuses to publish an event whose envelope breaks its schema, though the store took it', () => {
    const event = recorded('CapacityChanged', samples.CapacityChanged);
    const withMetadata = (changes: object): RecordedEvent => ({ ...event, metadata: { ...event.metadata, ...changes } });
    expect(() => toIntegrationEvent(withMetadata({ occurredAt: 'May 1, 2026' }))).toThrow(`does not fit ${ENVELOPE_FILE}`);
    expect(() => toIntegrationEvent(withMetadata({ correlationId: '' }))).toThrow(ContractViolation);
    // Correlation and causation ids are opaque: tools (admin:create) and other writers set their own.
    expect(toIntegrationEvent(withMetadata({ correlationId: 'c0ffee:sign-up' }))?.correlationId).toBe('c0ffee:sign-up');
  });
});
