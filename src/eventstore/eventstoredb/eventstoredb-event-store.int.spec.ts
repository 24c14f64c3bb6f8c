import { describe, it } from 'vitest';
import { eventStoreContract } from '../event-store.contract.js';
import { EventStoreDbEventStore } from './eventstoredb-event-store.js';

const url = process.env.EVENTSTORE_URL;

if (url) {
  eventStoreContract('EventStoreDB', async () => {
    const store = EventStoreDbEventStore.connect(url);
    return { store, close: () => store.close() };
  });
} else {
  console.warn('EventStoreDB contract suite SKIPPED: set EVENTSTORE_URL (e.g. esdb://127.0.0.1:2113?tls=false) to run it.');
  describe('EventStoreDB event store contract', () => {
    it.skip('SKIPPED: EVENTSTORE_URL is not set, so no EventStoreDB server to test against', () => undefined);
  });
}
