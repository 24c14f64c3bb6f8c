import type { Projection } from '../projection.js';
import { attendanceChanges, touchedBy } from './changes.js';
import { compareAttendanceWithDomain } from './domain-check.js';
import { CHECK_IN_TYPES, ERASURE_TYPE, EVENT_TYPES, SCANNER_DEVICE_TYPES } from './event-types.js';
import { ATTENDANCE, TABLES, VERSION, createTables } from './tables.js';
import { readKnown, writeChanges } from './writer.js';

/** The attendance read model as the runner keeps it: read what a batch touches, work out its changes, write them. */
export const attendanceProjection: Projection = {
  name: ATTENDANCE,
  version: VERSION,
  eventTypes: [...Object.keys(EVENT_TYPES), ...Object.keys(CHECK_IN_TYPES), ...Object.keys(SCANNER_DEVICE_TYPES), ERASURE_TYPE],
  tables: TABLES,
  async setUp(client, schema) {
    await client.query(createTables(schema));
  },
  async apply(client, schema, events, onUnstorable) {
    const touched = touchedBy(events);
    const changes = attendanceChanges(events, await readKnown(client, schema, touched), onUnstorable);
    await writeChanges(client, schema, changes);
  },
  compareWithDomain: (options) => compareAttendanceWithDomain(options),
};
