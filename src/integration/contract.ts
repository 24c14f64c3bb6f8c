import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import type { JsonObject, JsonValue, RecordedEvent } from '../eventstore/event-store.js';
import { formatPosition } from '../eventstore/position.js';
import { PUBLISHED_VERSIONS, type PublishedType } from './domain-events.js';

/**
 * Integration events: what Rollcall publishes on Kafka, a public contract. Each published
 * type has a JSON Schema per version in ./schemas (`<Type>.v<N>.json`); a published schema is
 * never edited (its fingerprint is locked in ./schemas/fingerprints.json), a changed shape
 * gets a new version. Data fields a schema does not list are not published (personal data and
 * secrets stay in the event store); PRIVATE_FIELDS names them, so that a field the domain
 * adds is noticed by the contract test rather than dropped unseen.
 */

export const SCHEMAS_DIR = new URL('./schemas/', import.meta.url);

/** Domain fields that are deliberately not published. */
export const PRIVATE_FIELDS: Partial<Record<PublishedType, readonly string[]>> = {
  AccountSignedUp: ['email', 'name', 'passwordHash'],
};

export interface IntegrationEvent {
  id: string;
  type: PublishedType;
  version: number;
  streamId: string;
  revision: string;
  position: string;
  occurredAt: string;
  correlationId: string;
  causationId: string;
  data: JsonObject;
}

export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

export const schemaFile = (type: string, version: number): string => `${type}.v${version}.json`;

export const fingerprint = (text: string): string => createHash('sha256').update(text).digest('hex');

const ajv = new Ajv({ allErrors: true, strict: true });
const validators = new Map<string, { validate: ValidateFunction; properties: string[] }>();
for (const file of readdirSync(SCHEMAS_DIR).filter((f) => /\.v\d+\.json$/.test(f))) {
  const schema = JSON.parse(readFileSync(new URL(file, SCHEMAS_DIR), 'utf8')) as { properties?: Record<string, unknown> };
  validators.set(file, { validate: ajv.compile(schema), properties: Object.keys(schema.properties ?? {}) });
}

const isPublished = (type: string): type is PublishedType => Object.hasOwn(PUBLISHED_VERSIONS, type);

/** The published form of a stored event, or undefined for an internal one. Throws if the event breaks its schema. */
export const toIntegrationEvent = (recorded: RecordedEvent): IntegrationEvent | undefined => {
  if (!isPublished(recorded.type)) return undefined;
  const version = PUBLISHED_VERSIONS[recorded.type];
  const file = schemaFile(recorded.type, version);
  const contract = validators.get(file);
  if (!contract) throw new ContractViolation(`No schema ${file} for a published event type`);
  const data = Object.fromEntries(
    contract.properties.filter((key) => Object.hasOwn(recorded.data, key)).map((key) => [key, recorded.data[key] as JsonValue]),
  );
  if (!contract.validate(data))
    throw new ContractViolation(`${recorded.type} ${recorded.id} does not fit ${file}: ${ajv.errorsText(contract.validate.errors)}`);
  return {
    id: recorded.id,
    type: recorded.type,
    version,
    streamId: recorded.streamId,
    revision: recorded.revision.toString(),
    position: formatPosition(recorded.position),
    occurredAt: recorded.metadata.occurredAt,
    correlationId: recorded.metadata.correlationId,
    causationId: recorded.metadata.causationId,
    data,
  };
};
