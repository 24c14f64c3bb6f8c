import { createTestDatabase } from '../../../test/postgres.js';
import { eventStoreContract } from '../event-store.contract.js';
import { PostgresEventStore } from './postgres-event-store.js';

eventStoreContract('PostgreSQL', async () => {
  const db = await createTestDatabase();
  const store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  return {
    store,
    close: async () => {
      await store.close();
      await db.close();
    },
  };
});
