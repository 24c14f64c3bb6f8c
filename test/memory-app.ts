import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { type AppDependencies, buildApp } from '../src/app.js';
import { MemoryEventStore } from '../src/eventstore/memory/memory-event-store.js';
import { MemoryPersonalDataKeys } from '../src/personal-data/memory-personal-data-keys.js';
import { PersonalDataEventStore } from '../src/personal-data/personal-data-event-store.js';
import { MasterKey } from '../src/security/master-key.js';
import { memoryCounters } from './memory-counters.js';
import { memorySigningKeys } from './memory-signing-keys.js';
import { NO_LIMITS } from '../src/rate-limits/limits.js';

/**
 * Nothing listens on port 1. The command side needs no database; the read side, the job
 * queues and the live feed do, and on this address they fail at once, so a spec that
 * reaches them by mistake says so rather than waiting.
 */
const NO_DATABASE = 'postgres://rollcall@127.0.0.1:1/none';

export interface MemoryApp {
  /** The log as stored: personal data in it is sealed. */
  store: MemoryEventStore;
  /** The API on `store`, with signing keys kept in memory. */
  app: FastifyInstance;
  close(): Promise<void>;
}

/** The API process on the in-memory event store, for specs of the command side through HTTP. */
export const startMemoryApp = async (options: Pick<AppDependencies, 'graphiql'> = {}): Promise<MemoryApp> => {
  const store = new MemoryEventStore();
  const personalData = new MemoryPersonalDataKeys();
  const pool = new pg.Pool({ connectionString: NO_DATABASE });
  const outboxDir = await mkdtemp(path.join(tmpdir(), 'rollcall-outbox-'));
  const app = await buildApp({
    // Personal data sealed as in every process, its keys in memory.
    store: new PersonalDataEventStore(store, personalData),
    personalData,
    pool,
    outboxDir,
    signingKeys: memorySigningKeys(),
    masterKey: MasterKey.generate(),
    rateLimitCounters: memoryCounters(),
    rateLimits: NO_LIMITS,
    ...options,
  });
  return {
    store,
    app,
    close: async () => {
      await app.close();
      await Promise.all([store.close(), pool.end(), rm(outboxDir, { recursive: true, force: true })]);
    },
  };
};
