import { parseArgs } from 'node:util';
import type pg from 'pg';
import type { KeySchedule } from '../config.js';
import { type SigningKeyInfo, listSigningKeys, rotateSigningKeys } from '../commands/accounts/postgres-signing-keys.js';
import { KEY_PURPOSES, type KeyPurpose } from '../commands/accounts/signing-keys.js';
import type { MasterKey } from '../security/master-key.js';
import { table } from './table.js';

export const KEYS_USAGE = `Usage: rollcall admin keys <command>
  list [--json]                              token and ticket signing keys, newest first: when each was made,
                                             signs from, retired and verifies until (never key material)
  rotate [--purpose access|ticket] [--now]   a new key for the purpose (both by default), published now and
                                             signing after a day; --now signs at once (after a leak, say)`;

export interface KeysCommandDeps {
  /** Opened only once the arguments are known to be good. */
  connect(): Promise<{ pool: pg.Pool }>;
  /** Asked only by `rotate`, which seals the new private halves. */
  signing(): Promise<{ masterKey: MasterKey; schedule: KeySchedule }>;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Runs `admin keys <args>`; resolves to the process's exit code. */
export const runKeysCommand = async (args: string[], deps: KeysCommandDeps): Promise<number> => {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { purpose: { type: 'string' }, now: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    deps.err(`${(error as Error).message}\n${KEYS_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help) {
    deps.out(KEYS_USAGE);
    return 0;
  }
  if (rest.length === 0 && command === 'list' && values.purpose === undefined && !values.now) return list(values.json ?? false, deps);
  if (rest.length === 0 && command === 'rotate' && !values.json) {
    const purposes = values.purpose === undefined ? KEY_PURPOSES : KEY_PURPOSES.filter((purpose) => purpose === values.purpose);
    if (purposes.length > 0) return rotate(purposes, values.now ?? false, deps);
    deps.err(`--purpose must be ${KEY_PURPOSES.join(' or ')}, got "${values.purpose}"\n${KEYS_USAGE}`);
    return 2;
  }
  deps.err(KEYS_USAGE);
  return 2;
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
