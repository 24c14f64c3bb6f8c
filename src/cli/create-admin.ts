/**
 * Creates the first admin: `npm run admin:create -- --email a@b.c --password ... --name ...`.
 * Connects like the API does (DATABASE_URL, or the embedded PostgreSQL under DATA_DIR),
 * creates a verified account with the admin role and prints its id.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AccountCommands } from '../commands/accounts/account-commands.js';
import { EmailClaims } from '../commands/accounts/email-claims.js';
import { checkNewPassword } from '../commands/accounts/password-policy.js';
import { Outbox } from '../commands/accounts/outbox.js';
import { postgresSigningKeys } from '../commands/accounts/postgres-signing-keys.js';
import { TokenService } from '../commands/accounts/token-service.js';
import { CommandHandler } from '../commands/command-handler.js';
import { ConfigError, loadConfig } from '../config.js';
import { emailAddress, newPassword, personName } from '../domain/account/credentials.js';
import { DomainError } from '../domain/domain-error.js';
import { personalDataStore } from '../personal-data/personal-data-store.js';
import { openEventStore } from '../eventstore/open-event-store.js';
import { migrateAsOwner } from '../postgres/migrate.js';
import { openDatabase } from '../postgres/open-database.js';
import { createPool } from '../postgres/pool.js';
import { loadMasterKey } from '../security/load-master-key.js';

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
    const input = { email: emailAddress(values.email, '--email'), password: newPassword(values.password, '--password'), name: personName(values.name, '--name') };
    checkNewPassword(input.password, input, '--password');
    return input;
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
};

const main = async () => {
  const input = readArguments();
  const say = (line: string) => process.stderr.write(`${line}\n`);
  let config;
  let masterKey;
  try {
    config = loadConfig();
    masterKey = await loadMasterKey(config);
  } catch (error) {
    if (error instanceof ConfigError) fail(`Configuration error: ${error.message}`);
    throw error;
  }
  const database = await openDatabase(config, say);
  const pool = createPool(database.url, 2, (error) => say(`PostgreSQL connection dropped: ${error.message}`));
  const { store, personalData } = personalDataStore(openEventStore(config, pool, database.url), pool, masterKey);
  try {
    await migrateAsOwner(pool, database.ownerUrl);
    const accounts = new AccountCommands({
      commands: new CommandHandler(store),
      store,
      tokens: new TokenService(postgresSigningKeys(pool, { masterKey, schedule: config.keySchedule })),
      outbox: new Outbox(path.resolve(config.dataDir, 'outbox')),
      personalData,
      claims: new EmailClaims(store, masterKey),
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
