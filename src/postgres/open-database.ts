import path from 'node:path';
import type { Config } from '../config.js';
import { createDatabase } from './database.js';
import { startEmbeddedPostgres } from './embedded.js';

/** The database URL to use, starting the embedded server when none is configured. */
export const openDatabase = async (config: Config, say: (line: string) => void): Promise<{ url: string; stop(): Promise<void> }> => {
  if (config.databaseUrl) return { url: config.databaseUrl, stop: async () => undefined };
  const dataDir = path.resolve(config.dataDir, 'postgres');
  const server = await startEmbeddedPostgres({ dataDir });
  say(`Embedded PostgreSQL started, data in ${dataDir}`);
  return { url: await createDatabase(server.url, 'rollcall', true), stop: () => server.stop() };
};
