/**
 * Creates the first admin: `npm run admin:create -- --email a@b.c --name …`, the password typed
 * at a prompt or piped in with `--password-stdin`. Connects like `rollcall admin` does (see
 * admin-session.ts): beside a running `npm start` it joins that server's database. Creates a
 * verified account with the admin role and prints its id.
 */
import path from 'node:path';
import { Command, Option } from 'commander';
import { AccountCommands } from '../commands/accounts/account-commands.js';
import { EmailClaims } from '../commands/accounts/email-claims.js';
import { checkNewPassword } from '../commands/accounts/password-policy.js';
import { Outbox } from '../commands/accounts/outbox.js';
import { postgresSigningKeys } from '../commands/accounts/postgres-signing-keys.js';
import { TokenService } from '../commands/accounts/token-service.js';
import { CommandHandler } from '../commands/command-handler.js';
import { emailAddress, newPassword, personName } from '../domain/account/credentials.js';
import { DomainError } from '../domain/domain-error.js';
import { AdminSession } from './admin-session.js';
import { UsageError, exits, failure, runCommandLine } from './command-line.js';
import { PromptCancelled, readPassword } from './password-input.js';

const out = (line: string) => void process.stdout.write(`${line}\n`);
const err = (line: string) => void process.stderr.write(`${line}\n`);

/** The sign-up's own rules, so that an admin made here could have signed up the usual way. */
const validated = <T>(check: () => T): T => {
  try {
    return check();
  } catch (error) {
    if (error instanceof DomainError) throw new UsageError(error.message);
    throw error;
  }
};

const session = new AdminSession(err, () => 2);

const createAdmin = async (options: { email?: string; name?: string; passwordStdin?: boolean; password?: string }): Promise<number> => {
  if (options.password !== undefined)
    throw new UsageError('--password is not taken: arguments show in ps and in shell histories; type the password at the prompt, or pipe it in with --password-stdin');
  const { email, name } = validated(() => ({ email: emailAddress(options.email, '--email'), name: personName(options.name, '--name') }));
  const typed = await readPassword(options.passwordStdin ?? false);
  const password = validated(() => newPassword(typed, 'The password'));
  validated(() => checkNewPassword(password, { email, name }, 'The password'));
  const { config, masterKey, pool, store, personalData } = await session.connect();
  const accounts = new AccountCommands({
    commands: new CommandHandler(store),
    store,
    tokens: new TokenService(postgresSigningKeys(pool, { masterKey, schedule: config.keySchedule })),
    outbox: new Outbox(path.resolve(config.dataDir, 'outbox')),
    personalData,
    claims: new EmailClaims(store, masterKey),
  });
  try {
    out((await accounts.createAdmin({ email, password, name })).accountId);
    return 0;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    err(`Refused: ${error.message}`);
    return 1;
  }
};

const program = new Command('npm run admin:create --')
  .description('Creates an admin account, verified, and prints its id')
  .option('--email <address>', "the admin's email address")
  .option('--name <name>', "the admin's name (1-100 characters)")
  .option('--password-stdin', 'read the password (10-200 characters) from the first line of standard input instead of asking for it')
  .addOption(new Option('--password <password>').hideHelp())
  .action(exits(createAdmin));

const main = async (): Promise<number> => {
  try {
    return await runCommandLine(program, process.argv.slice(2), { out, err });
  } catch (error) {
    if (error instanceof PromptCancelled) {
      err('Cancelled: no admin created');
      return 130;
    }
    err(failure(error));
    return 1;
  } finally {
    await session.close();
  }
};

process.exitCode = await main();
