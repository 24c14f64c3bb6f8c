import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type AppDependencies, buildApp } from '../src/app.js';
import { PostgresEventStore } from '../src/eventstore/postgres/postgres-event-store.js';
import type { EventStore } from '../src/eventstore/event-store.js';
import { Jobs } from '../src/jobs/jobs.js';
import { personalDataStore } from '../src/personal-data/personal-data-store.js';
import { type TestDatabase, createTestDatabase } from './postgres.js';
import { NO_LIMITS } from '../src/rate-limits/limits.js';

export interface TestApp {
  db: TestDatabase;
  /** Seals personal data, as every process's store does. */
  store: EventStore;
  /** The API, with its own job queues (`app.jobs`), stopped when it closes. */
  app: FastifyInstance;
  /** Where mail lands, as there is no SMTP in tests. */
  outboxDir: string;
  close(): Promise<void>;
}

/** The API process on a fresh database, for e2e specs to drive with `app.inject`. */
export const startTestApp = async (options: Pick<AppDependencies, 'sessionCheckCacheMs' | 'logInClock' | 'rateLimits' | 'faceModels'> = {}): Promise<TestApp> => {
  const db = await createTestDatabase();
  const { store, personalData } = personalDataStore(new PostgresEventStore({ pool: db.pool, connectionString: db.url }), db.pool, db.masterKey);
  const outboxDir = await mkdtemp(path.join(tmpdir(), 'rollcall-outbox-'));
  // Workers look for new jobs every half second (pg-boss' shortest; 2 s by default): specs wait on the mail they send.
  const jobs = new Jobs(db.url, { pollingIntervalSeconds: 0.5 });
  const release = async () => {
    await jobs.stop();
    await store.close();
    await db.close();
    await rm(outboxDir, { recursive: true, force: true });
  };
  const rateLimits = { ...NO_LIMITS, ...options.rateLimits };
  const app = await buildApp({ store, personalData, pool: db.pool, outboxDir, jobs, masterKey: db.masterKey, ...options, rateLimits }).catch(async (error: unknown) => {
    await release();
    throw error;
  });
  return {
    db,
    store,
    app,
    outboxDir,
    close: async () => {
      await app.close();
      await release();
    },
  };
};
