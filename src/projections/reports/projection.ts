import type { Projection } from '../projection.js';
import { REPORT_EVENT_TYPES, reportChanges, touchedBy } from './changes.js';
import { REPORTS, TABLES, VERSION, createTables } from './tables.js';
import { readKnown, writeChanges } from './writer.js';

/** The reports read model as the runner keeps it: read what a batch touches, work out its changes, write them. */
export const reportsProjection: Projection = {
  name: REPORTS,
  version: VERSION,
  eventTypes: REPORT_EVENT_TYPES,
  tables: TABLES,
  async setUp(client, schema) {
    await client.query(createTables(schema));
  },
  async apply(client, schema, events, onUnstorable) {
    await writeChanges(client, schema, reportChanges(events, await readKnown(client, schema, touchedBy(events)), onUnstorable));
  },
};
