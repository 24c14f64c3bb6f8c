import fp from 'fastify-plugin';
import type pg from 'pg';
import type { CommandHandler } from '../commands/command-handler.js';
import type { Actor } from '../domain/actor.js';
import type { EventStore } from '../eventstore/event-store.js';
import type { Jobs } from '../jobs/jobs.js';
import type { PersonalDataKeys } from '../personal-data/personal-data-keys.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: EventStore;
    pool: pg.Pool;
    commands: CommandHandler;
    jobs: Jobs;
    personalData: PersonalDataKeys;
  }
  interface FastifyRequest {
    /** Set by the auth plugin from a valid bearer token; undefined for anonymous requests. */
    actor: Actor | undefined;
  }
}

export interface Infrastructure {
  store: EventStore;
  /** The read models' database (and the event store's, on the embedded default). */
  pool: pg.Pool;
  commands: CommandHandler;
  /** Background jobs (pg-boss): admins queue projection rebuilds through it. */
  jobs: Jobs;
  /** The per-person keys `store` seals personal data with; erasure destroys them. */
  personalData: PersonalDataKeys;
}

/** Shares the event store and the database pool with every other plugin. */
export const infrastructure = fp<Infrastructure>(
  async (app, { store, pool, commands, jobs, personalData }) => {
    app.decorate('store', store);
    app.decorate('pool', pool);
    app.decorate('commands', commands);
    app.decorate('jobs', jobs);
    app.decorate('personalData', personalData);
    app.decorateRequest('actor', undefined);
  },
  { name: 'rollcall-infrastructure' },
);
