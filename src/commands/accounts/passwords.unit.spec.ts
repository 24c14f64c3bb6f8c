import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from './passwords.js';

/** Made by the production cost (m = 19 MiB, t = 2, p = 1) for 'correct horse battery'. */
const PRODUCTION_HASH = '$argon2id$v=19$m=19456,p=1,t=2$HKd3F2bGrob87hXr/vHSgQ$fCTRKQzepI36BlRVevCCywjlth89apYvo2Vzp4RXc7o';
/** Made before Argon2id, by scrypt at N = 2^15, for 'correct horse battery'. */
const SCRYPT_HASH = 'scrypt$32768$8$1$fqjuaLVqs_KkbcyDyAzaMA$JTAYt6UzHbK_H6_slliw-Dk9ZJo-WrqsaHQLst1iVwU';
/** Argon2i, the variant OWASP does not recommend, at the production cost. */
const ARGON2I_HASH = '$argon2i$v=19$m=19456,p=1,t=2$0FRR5XrfIQ5KzfkqT4IrMA$ZT21B4e+vY+w2YgF6sJDn6wwlFMP3zE05yG5w/Z7ci0';
/** Argon2id below the tests' own cost (m = 128 KiB). */
const WEAK_HASH = '$argon2id$v=19$m=128,p=1,t=1$krGNFYov7jhERRdk6Za51Q$Nqr1+LgtVMdHfWsoQiF8tJe0PUvYZJMNzG6IcTbqscA';

describe('password hashes', () => {
  it('are Argon2id, cheap in tests, and say so in the hash', async () => {
    expect(await hashPassword('correct horse battery')).toMatch(/^\$argon2id\$v=19\$m=256,p=1,t=1\$/);
  });

  it('verify whatever cost made them', async () => {
    expect(await verifyPassword('correct horse battery', PRODUCTION_HASH)).toBe(true);
    expect(await verifyPassword('wrong horse battery', PRODUCTION_HASH)).toBe(false);
    const cheap = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', cheap)).toBe(true);
    expect(await verifyPassword('wrong horse battery', cheap)).toBe(false);
  });

  it('made by scrypt before Argon2id still verify', async () => {
    expect(await verifyPassword('correct horse battery', SCRYPT_HASH)).toBe(true);
    expect(await verifyPassword('wrong horse battery', SCRYPT_HASH)).toBe(false);
  });

  it('verify one password however its accents were composed', async () => {
    const hash = await hashPassword('café au lait, s’il vous plaît');
    expect(await verifyPassword('cafe\u0301 au lait, s’il vous plaît', hash)).toBe(true);
  });

  it('of no scheme we know match no password', async () => {
    expect(await verifyPassword('none', 'none')).toBe(false);
    expect(await verifyPassword('correct horse battery', ARGON2I_HASH)).toBe(false);
  });
});

describe('a hash a correct password matched', () => {
  it('is kept when it is Argon2id at the current cost', async () => {
    expect(needsRehash(await hashPassword('correct horse battery'))).toBe(false);
  });

  it('is kept when it is stronger than the current cost', () => {
    expect(needsRehash(PRODUCTION_HASH)).toBe(false);
  });

  it.each([
    ['scrypt', SCRYPT_HASH],
    ['Argon2i', ARGON2I_HASH],
    ['Argon2id below the current cost', WEAK_HASH],
    ['Argon2id without its time cost', '$argon2id$v=19$m=19456,p=1,m=1$HKd3F2bGrob87hXr/vHSgQ$fCTRKQzepI36BlRVevCCywjlth89apYvo2Vzp4RXc7o'],
  ])('is replaced when it is %s', (_case, hash) => {
    expect(needsRehash(hash)).toBe(true);
  });
});
