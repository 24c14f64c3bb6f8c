/**
 * Creates the first admin: `npm run admin:create -- --email a@b.c --password ... --name ...`.
 * Connects like the API does (DATABASE_URL, or the embedded PostgreSQL under DATA_DIR),
 * creates a verified account with the admin role and prints its id.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AccountCommands } from '../commands/accounts/account-commands.js';
import { Outbox } from '../commands/accounts/outbox.js';
import { postgresSigningKeys } from '../commands/accounts/postgres-signing-keys.js';
import { TokenService } from '../commands/accounts/token-service.js';
import { CommandHandler } from '../commands/command-handler.js';
import { ConfigError, loadConfig } from '../config.js';
import { emailAddress, newPassword, personName } from '../domain/account/credentials.js';
import { DomainError } from '../domain/domain-error.js';
import { openEventStore } from '../eventstore/open-event-store.js';
import { migrate } from '../postgres/migrate.js';
import { openDatabase } from '../postgres/open-database.js';
import { createPool } from '../postgres/pool.js';

const USAGE = 'Usage: npm run admin:create -- --email <address> --password <10-200 characters> --name <1-100 characters>';

const fail = (message: string, code = 1): never => {
  process.stderr.write(`${message}\n`);
  process.exit(code);
};

const readArguments = (): { email: string; password: string; name: string } => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } } }));
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
  // The sign-up's own rules, so an admin made here could have signed up the usual way.
  try {
    return { email: emailAddress(values.email, '--email'), password: newPassword(values.password, '--password'), name: personName(values.name, '--name') };
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
};

const main = async () => {
  const input = readArguments();
  const say = (line: string) => process.stderr.write(`${line}\n`);
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(`Configuration error: ${error.message}`);
    throw error;
  }
  const database = await openDatabase(config, say);
  const pool = createPool(database.url, 2, (error) => say(`PostgreSQL connection dropped: ${error.message}`));
  const store = openEventStore(config, pool, database.url);
  try {
    await migrate(pool);
    const accounts = new AccountCommands({
      commands: new CommandHandler(store),
      store,
      tokens: new TokenService(postgresSigningKeys(pool)),
      outbox: new Outbox(path.resolve(config.dataDir, 'outbox')),
    });
    const { accountId } = await accounts.createAdmin(input);
    process.stdout.write(`${accountId}\n`);
  } catch (error) {
    process.exitCode = 1;
    say(error instanceof DomainError ? `Refused: ${error.message}` : `Failed: ${(error as Error).message}`);
  } finally {
    await store.close();
    await pool.end();
    await database.stop();
  }
};

await main();
