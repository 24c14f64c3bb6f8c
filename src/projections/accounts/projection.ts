import type { Projection } from '../projection.js';
import { ACCOUNT_EVENT_TYPES, accountChanges } from './changes.js';
import { ACCOUNTS, TABLES, VERSION, createTables } from './tables.js';
import { writeChanges } from './writer.js';

export const accountsProjection: Projection = {
  name: ACCOUNTS,
  version: VERSION,
  eventTypes: ACCOUNT_EVENT_TYPES,
  tables: TABLES,
  async setUp(client, schema) {
    await client.query(createTables(schema));
  },
  async apply(client, schema, events, onUnstorable) {
    await writeChanges(client, schema, accountChanges(events, onUnstorable));
  },
};
