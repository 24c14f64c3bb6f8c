import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt with N = 2^15, r = 8, p = 1 (about 32 MiB and some tens of milliseconds per hash):
 * OWASP's recommended floor. Parameters travel inside the hash so they can be raised later
 * without breaking stored hashes.
 *
 * Test runs hash with N = 2^10 instead (1 MiB, well under a millisecond), as their specs sign
 * up and log in hundreds of times. That takes two variables: `VITEST`, which vitest sets in
 * every test process (and the servers the specs spawn inherit), and the one vitest.config.ts
 * sets on purpose; no production process has either, so none can hash cheaply by accident.
 * A hash names its own cost, so every hash verifies whatever cost made it.
 */
const cheapForTests = process.env.VITEST === 'true' && process.env.ROLLCALL_TEST_PASSWORD_COST === 'cheap';
const N = cheapForTests ? 1_024 : 32_768;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_MEMORY = 64 * 1024 * 1024;

const derive = (password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { N: n, r, p, maxmem: MAX_MEMORY }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );

/** `scrypt$N$r$p$<salt>$<key>`, base64url. */
export const hashPassword = async (password: string): Promise<string> => {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
};

export const verifyPassword = async (password: string, stored: string): Promise<boolean> => {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
};

// A fixed hash to check unknown emails against, so that "no such email" takes as long as "wrong password".
let decoy: Promise<string> | undefined;
export const decoyHash = (): Promise<string> => (decoy ??= hashPassword(randomBytes(16).toString('hex')));
