import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords.js';

/** Made by the production cost (N = 2^15) for 'correct horse battery'. */
const PRODUCTION_HASH = 'scrypt$32768$8$1$fqjuaLVqs_KkbcyDyAzaMA$JTAYt6UzHbK_H6_slliw-Dk9ZJo-WrqsaHQLst1iVwU';

describe('password hashes', () => {
  it('are cheap in tests, and say so in the hash', async () => {
    expect(await hashPassword('correct horse battery')).toMatch(/^scrypt\$1024\$8\$1\$/);
  });

  it('verify whatever cost made them', async () => {
    expect(await verifyPassword('correct horse battery', PRODUCTION_HASH)).toBe(true);
    expect(await verifyPassword('wrong horse battery', PRODUCTION_HASH)).toBe(false);
    const cheap = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', cheap)).toBe(true);
    expect(await verifyPassword('wrong horse battery', cheap)).toBe(false);
  });
});
