import type { Projection } from '../projection.js';
import { auditRows } from './changes.js';
import { AUDIT, TABLES, VERSION, createTables } from './tables.js';
import { writeRows } from './writer.js';

/** Reads every event type, so it declares none. */
export const auditProjection: Projection = {
  name: AUDIT,
  version: VERSION,
  tables: TABLES,
  async setUp(client, schema) {
    await client.query(createTables(schema));
  },
  async apply(client, schema, events, onUnstorable) {
    await writeRows(client, schema, auditRows(events, onUnstorable));
  },
};
