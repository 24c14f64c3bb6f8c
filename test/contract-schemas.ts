/**
 * `npm run contracts:new`: writes the JSON Schema of every published type whose current
 * version has none yet, inferred from its sample in test/integration-samples.ts, then locks
 * the fingerprint of every schema file not locked yet: those drafts, and hand-written ones
 * such as a new envelope version. Never touches an existing schema: a published version is
 * immutable. Review what it writes (enums, nullable fields) before committing; a draft edited
 * in review, never published, is locked again by removing its line from fingerprints.json
 * and running this again.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { PRIVATE_FIELDS, SCHEMAS_DIR, fingerprint, schemaFile, schemaFiles } from '../src/integration/contract.js';
import { PUBLISHED_VERSIONS, type PublishedType } from '../src/integration/published-types.js';
import { samples } from './integration-samples.js';

type Schema = Record<string, unknown>;

const infer = (value: unknown): Schema => {
  if (value === null) return { type: 'null' };
  if (Array.isArray(value)) return { type: 'array', items: value.length > 0 ? infer(value[0]) : {} };
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return {
      type: 'object',
      properties: Object.fromEntries(entries.map(([key, v]) => [key, infer(v)])),
      required: entries.map(([key]) => key),
      additionalProperties: false,
    };
  }
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'integer' : 'number' };
  return { type: typeof value };
};

const fingerprintsFile = new URL('fingerprints.json', SCHEMAS_DIR);
const fingerprints = existsSync(fingerprintsFile) ? (JSON.parse(readFileSync(fingerprintsFile, 'utf8')) as Record<string, string>) : {};
for (const [type, version] of Object.entries(PUBLISHED_VERSIONS) as [PublishedType, number][]) {
  const file = schemaFile(type, version);
  if (existsSync(new URL(file, SCHEMAS_DIR))) continue;
  const hidden = new Set(PRIVATE_FIELDS[type] ?? []);
  const data = Object.fromEntries(Object.entries(samples[type]).filter(([key]) => !hidden.has(key)));
  const schema = { $id: `https://rollcall.dev/schemas/${file}`, title: `${type} v${version}`, ...infer(data) };
  writeFileSync(new URL(file, SCHEMAS_DIR), `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`wrote ${file}\n`);
}
for (const file of schemaFiles().filter((f) => !Object.hasOwn(fingerprints, f))) {
  fingerprints[file] = fingerprint(readFileSync(new URL(file, SCHEMAS_DIR), 'utf8'));
  process.stdout.write(`locked ${file}\n`);
}
writeFileSync(fingerprintsFile, `${JSON.stringify(Object.fromEntries(Object.entries(fingerprints).sort()), null, 2)}\n`);
