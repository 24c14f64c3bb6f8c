import fp from 'fastify-plugin';
import type pg from 'pg';
import type { EventStore } from '../eventstore/event-store.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: EventStore;
    pool: pg.Pool;
  }
}

export interface Infrastructure {
  store: EventStore;
  /** The read models' database (and the event store's, on the embedded default). */
  pool: pg.Pool;
}

/** Shares the event store and the database pool with every other plugin. */
export const infrastructure = fp<Infrastructure>(
  async (app, { store, pool }) => {
    app.decorate('store', store);
    app.decorate('pool', pool);
  },
  { name: 'rollcall-infrastructure' },
);
