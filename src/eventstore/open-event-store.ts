import type pg from 'pg';
import type { EventStore } from './event-store.js';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.js';
import { PostgresEventStore } from './postgres/postgres-event-store.js';

/** EventStoreDB when EVENTSTORE_URL is set, otherwise the PostgreSQL store on `pool`. */
export const openEventStore = (config: { eventStoreUrl: string | undefined }, pool: pg.Pool, databaseUrl: string): EventStore =>
  config.eventStoreUrl
    ? EventStoreDbEventStore.connect(config.eventStoreUrl)
    : new PostgresEventStore({ pool, connectionString: databaseUrl });
