import { Command, Option } from 'commander';
import type pg from 'pg';
import type { KeySchedule } from '../config.js';
import { type SigningKeyInfo, listSigningKeys, rotateSigningKeys } from '../commands/accounts/postgres-signing-keys.js';
import { KEY_PURPOSES, type KeyPurpose } from '../commands/accounts/signing-keys.js';
import type { MasterKey } from '../security/master-key.js';
import { exits, needsSubcommand } from './command-line.js';
import { table } from './table.js';

export interface KeysCommandDeps {
  /** Opened only once the arguments are known to be good. */
  connect(): Promise<{ pool: pg.Pool }>;
  /** Asked only by `rotate`, which seals the new private halves. */
  signing(): Promise<{ masterKey: MasterKey; schedule: KeySchedule }>;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** `rollcall admin keys list | rotate`. */
export const keysCommand = (deps: KeysCommandDeps): Command => {
  const keys = new Command('keys').description('the token and ticket signing keys');
  keys
    .command('list')
    .description('token and ticket signing keys, newest first: when each was made, signs from, retired and verifies until (never key material)')
    .option('--json', 'as JSON')
    .action(exits((options: { json?: boolean }) => list(options.json ?? false, deps)));
  keys
    .command('rotate')
    .description('a new key for the purpose (both by default), published now and signing after a day')
    .addOption(new Option('--purpose <purpose>', 'only this purpose').choices(KEY_PURPOSES))
    .option('--now', 'sign with the new key at once (after a leak, say)')
    .action(
      exits((options: { purpose?: KeyPurpose; now?: boolean }) =>
        rotate(options.purpose === undefined ? KEY_PURPOSES : [options.purpose], options.now ?? false, deps),
      ),
    );
  return needsSubcommand(keys);
};

const list = async (json: boolean, deps: KeysCommandDeps): Promise<number> => {
  const keys = await listSigningKeys((await deps.connect()).pool);
  const now = new Date();
  if (json) deps.out(JSON.stringify(keys.map((key) => ({ ...key, state: stateOf(key, now) })), null, 2));
  else print(keys, now, deps);
  return 0;
};

const rotate = async (purposes: readonly KeyPurpose[], immediately: boolean, deps: KeysCommandDeps): Promise<number> => {
  const { pool } = await deps.connect();
  const keys = await rotateSigningKeys(pool, await deps.signing(), purposes, immediately);
  print(keys, new Date(), deps);
  return 0;
};

const print = (keys: readonly SigningKeyInfo[], now: Date, deps: KeysCommandDeps): void => {
  const time = (date: Date | undefined) => date?.toISOString() ?? '-';
  for (const line of table([
    ['KID', 'PURPOSE', 'STATE', 'CREATED', 'SIGNS FROM', 'RETIRED', 'VERIFIES UNTIL'],
    ...keys.map((key) => [key.kid, key.purpose, stateOf(key, now), time(key.createdAt), time(key.signsFrom), time(key.retiredAt), time(key.verifyUntil)]),
  ]))
    deps.out(line);
};

/** `published`: in the JWKS, not signing yet. `retired`: verifies what it signed, signs no more. */
const stateOf = (key: SigningKeyInfo, now: Date): string => {
  if (key.retiredAt && key.retiredAt <= now) return 'retired';
  return key.signsFrom <= now ? 'signing' : 'published';
};
