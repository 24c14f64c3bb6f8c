import { eventStoreContract } from '../event-store.contract.js';
import { MemoryEventStore } from './memory-event-store.js';

eventStoreContract('In-memory', async () => {
  const store = new MemoryEventStore();
  return { store, close: () => store.close() };
});
