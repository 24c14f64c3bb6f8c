import type pg from 'pg';
import { type Config, loadConfig } from '../config.js';
import type { EventStore } from '../eventstore/event-store.js';
import { openEventStore } from '../eventstore/open-event-store.js';
import type { PersonalDataKeys } from '../personal-data/personal-data-keys.js';
import { personalDataStore } from '../personal-data/personal-data-store.js';
import { migrateAsOwner } from '../postgres/migrate.js';
import { type OpenDatabase, openDatabase } from '../postgres/open-database.js';
import { createPool } from '../postgres/pool.js';
import { loadMasterKey } from '../security/load-master-key.js';
import type { MasterKey } from '../security/master-key.js';

/** What an admin command works on, connected as src/main.ts connects. */
export interface AdminConnection {
  config: Config;
  masterKey: MasterKey;
  /** The app role's connection string (pg-boss opens its own connections with it). */
  url: string;
  pool: pg.Pool;
  store: EventStore;
  personalData: PersonalDataKeys;
}

/**
 * The CLI's connection, opened on first use, so that `--help` and a mistake in the arguments
 * read no configuration and touch no database: DATABASE_URL (migrating as DATABASE_OWNER_URL),
 * or the embedded PostgreSQL under DATA_DIR, joined while `npm start` runs it, else started
 * for the command and stopped after; events in EventStoreDB when EVENTSTORE_URL is set.
 */
export class AdminSession {
  private opening: Promise<AdminConnection> | undefined;
  private readonly closing: Array<() => Promise<unknown>> = [];

  constructor(
    private readonly say: (line: string) => void,
    private readonly poolSize: (config: Config) => number = (config) => Math.max(config.pgPoolSize, 4),
  ) {}

  readonly connect = (): Promise<AdminConnection> => (this.opening ??= this.open());

  /** Stops what was opened, newest first; never throws, since it runs on the way out of a command that may have failed already. */
  async close(): Promise<void> {
    for (const close of this.closing.reverse()) await close().catch((error: unknown) => this.say(`Closing: ${(error as Error)?.message}`));
  }

  /** Something to stop with the session (pg-boss, say), after the commands that used it. */
  onClose(close: () => Promise<unknown>): void {
    this.closing.push(close);
  }

  private async open(): Promise<AdminConnection> {
    const config = loadConfig();
    const masterKey = await loadMasterKey(config);
    const database: OpenDatabase = await openDatabase(config, this.say, 'tool');
    this.onClose(() => database.stop());
    // pool.end() resolves before its clients have gone, and the database stops right after:
    // what those clients then hear is the stop the command asked for, not news.
    let ending = false;
    const pool = createPool(database.url, this.poolSize(config), (error) => {
      if (!ending) this.say(`PostgreSQL connection dropped: ${error.message}`);
    });
    this.onClose(() => {
      ending = true;
      return pool.end();
    });
    await migrateAsOwner(pool, database.ownerUrl);
    const { store, personalData } = personalDataStore(openEventStore(config, pool, database.url), pool, masterKey);
    this.onClose(() => store.close());
    return { config, masterKey, url: database.url, pool, store, personalData };
  }
}
