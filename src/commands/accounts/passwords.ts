import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import argon2 from 'argon2';

/**
 * Argon2id at OWASP's first recommended setting, m = 19 MiB, t = 2, p = 1 (some tens of
 * milliseconds here), kept as a PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) so its
 * parameters travel with it and can be raised later. Hashes from before Argon2id
 * (`scrypt$N$r$p$salt$key`) still verify, and a log-in replaces them (`needsRehash`).
 *
 * Test runs hash with m = 256 KiB and t = 1 instead (well under a millisecond), as their specs
 * sign up and log in hundreds of times. That takes two variables: `VITEST`, which vitest sets
 * in every test process (and the servers the specs spawn inherit), and the one
 * vitest.config.ts sets on purpose; no production process has either, so none can hash
 * cheaply by accident. A hash names its own cost, so every hash verifies whatever cost made it.
 */
const cheapForTests = process.env.VITEST === 'true' && process.env.ROLLCALL_TEST_PASSWORD_COST === 'cheap';
const ARGON2 = { type: argon2.argon2id, parallelism: 1, ...(cheapForTests ? { memoryCost: 256, timeCost: 1 } : { memoryCost: 19_456, timeCost: 2 }) } as const;
const ARGON2_VERSION = 0x13;
const PHC = /^\$argon2id\$v=(\d+)\$((?:[mtp]=\d+,?){3})\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

const SCRYPT_KEY_LENGTH = 32;
// scrypt's upper bound on memory (its default, 32 MiB, is less than N = 2^15 and r = 8 take).
const SCRYPT_MAX_MEMORY = 64 * 1024 * 1024;

// NFC, so that one password typed on two keyboards (a precomposed é or e + ◌́) is one password.
const normalised = (password: string): string => password.normalize('NFC');

const verifyScrypt = async (password: string, stored: string): Promise<boolean> => {
  const [, n, r, p, salt, key] = stored.split('$');
  if (!n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await new Promise<Buffer>((resolve, reject) =>
    scrypt(normalised(password), Buffer.from(salt, 'base64url'), SCRYPT_KEY_LENGTH, { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT_MAX_MEMORY }, (error, derived) =>
      error ? reject(error) : resolve(derived),
    ),
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
};

export const hashPassword = (password: string): Promise<string> => argon2.hash(normalised(password), ARGON2);

/** Whether `password` is the one `stored` was made from; false for a hash of no scheme we know. */
export const verifyPassword = async (password: string, stored: string): Promise<boolean> => {
  if (PHC.test(stored)) return argon2.verify(stored, normalised(password));
  if (stored.startsWith('scrypt$')) return verifyScrypt(password, stored);
  return false;
};

/**
 * Whether a hash that a correct password just matched should be replaced: it is not Argon2id,
 * or weaker than the current parameters. A stronger one is kept, so that lowering the cost
 * (as test runs do) never weakens a stored hash.
 */
export const needsRehash = (stored: string): boolean => {
  const match = PHC.exec(stored);
  if (!match) return true;
  const parameters: Record<string, string | undefined> = Object.fromEntries(match[2]!.split(',').map((pair) => pair.split('=')));
  // Written as "not at least", so that a parameter missing from the string counts as weaker.
  const weaker = (value: string | undefined, current: number) => !(Number(value) >= current);
  return (
    weaker(match[1], ARGON2_VERSION) ||
    weaker(parameters.m, ARGON2.memoryCost) ||
    weaker(parameters.t, ARGON2.timeCost) ||
    weaker(parameters.p, ARGON2.parallelism)
  );
};

// A fixed hash to check unknown emails against, so that "no such email" takes as long as "wrong password".
let decoy: Promise<string> | undefined;
export const decoyHash = (): Promise<string> => (decoy ??= hashPassword(randomBytes(16).toString('hex')));
