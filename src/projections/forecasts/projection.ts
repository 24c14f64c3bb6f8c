import type { Projection } from '../projection.js';
import { FORECAST_EVENT_TYPES, forecastChanges } from './changes.js';
import { FORECASTS, TABLES, VERSION, createTables } from './tables.js';
import { writeChanges } from './writer.js';

export const forecastsProjection: Projection = {
  name: FORECASTS,
  version: VERSION,
  eventTypes: FORECAST_EVENT_TYPES,
  tables: TABLES,
  async setUp(client, schema) {
    await client.query(createTables(schema));
  },
  async apply(client, schema, events, onUnstorable) {
    await writeChanges(client, schema, forecastChanges(events, onUnstorable));
  },
};
