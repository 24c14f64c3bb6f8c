import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
import { postgresSigningKeys } from './postgres-signing-keys.js';
import { TokenService } from './token-service.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe('signing keys in PostgreSQL', () => {
  it('creates one key per purpose when many processes start at once, and all of them use it', async () => {
    const services = Array.from({ length: 8 }, () => new TokenService(postgresSigningKeys(db.pool)));
    const sets = await Promise.all(services.map((service) => service.jwks()));
    const { rows } = await db.pool.query<{ purpose: string; n: number }>(
      'SELECT purpose, count(*)::int AS n FROM rollcall.signing_keys GROUP BY purpose ORDER BY purpose',
    );
    expect(rows).toEqual([
      { purpose: 'access', n: 1 },
      { purpose: 'ticket', n: 1 },
    ]);
    for (const set of sets) expect(set).toEqual(sets[0]);
    const token = await services[0]!.issueAccessToken({ accountId: 'acc-1', roles: ['staff'] });
    expect(await services[7]!.verifyAccessToken(token.token)).toEqual({ accountId: 'acc-1', roles: ['staff'] });
  });
});
