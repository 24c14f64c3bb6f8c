import type pg from 'pg';
import type { EventStore } from '../eventstore/event-store.js';
import type { MasterKey } from '../security/master-key.js';
import { PersonalDataEventStore } from './personal-data-event-store.js';
import type { PersonalDataKeys } from './personal-data-keys.js';
import { PostgresPersonalDataKeys } from './postgres-personal-data-keys.js';

/**
 * The event store every process uses (wrapping what openEventStore opens), sealing personal data under keys kept in `pool`'s
 * database, and those keys: one instance of each per process, so that an erasure there is
 * seen at once by its own reads.
 */
export const personalDataStore = (inner: EventStore, pool: pg.Pool, masterKey: MasterKey): { store: EventStore; personalData: PersonalDataKeys } => {
  const personalData = new PostgresPersonalDataKeys(pool, masterKey);
  return { store: new PersonalDataEventStore(inner, personalData), personalData };
};

/** `store` as seen by readers that need no personal data: withheld when it seals any, as it is otherwise. */
export const withoutPersonalData = (store: EventStore): EventStore => (store instanceof PersonalDataEventStore ? store.withheld() : store);
