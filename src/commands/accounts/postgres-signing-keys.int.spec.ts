import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
import { createDatabase } from '../../postgres/database.js';
import { migrate } from '../../postgres/migrate.js';
import { MasterKey } from '../../security/master-key.js';
import { TicketCodes } from '../tickets/ticket-codes.js';
import { PUBLISH_AHEAD_MS } from './key-schedule.js';
import { listSigningKeys, postgresSigningKeys, rotateSigningKeys } from './postgres-signing-keys.js';
import { TokenService } from './token-service.js';

const DAY = 24 * 3_600_000;
const MINUTE = 60_000;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});
beforeEach(async () => {
  await db.pool.query('DELETE FROM rollcall.signing_keys');
});

/** A clock the test moves, and token services and key sources that all read it. */
const timeline = (start = new Date('2030-01-01T00:00:00Z')) => {
  let now = start;
  const clock = () => now;
  const keys = postgresSigningKeys(db.pool, { masterKey: db.masterKey, clock });
  return {
    clock,
    advance: (ms: number) => void (now = new Date(now.getTime() + ms)),
    /** A process started now: a TokenService of its own. */
    process: () => new TokenService(keys, { clock }),
    rotate: (purposes: ('access' | 'ticket')[], immediately = false) =>
      rotateSigningKeys(db.pool, { masterKey: db.masterKey, clock }, purposes, immediately),
  };
};

const kids = async (service: TokenService, purpose: 'access' | 'ticket') =>
  (await service.jwks()).keys.filter((key) => key.kid!.startsWith(`${purpose}-`)).map((key) => key.kid);

describe('signing keys in PostgreSQL', () => {
  it('creates one key per purpose when many processes start at once, and all of them use it', async () => {
    const services = Array.from({ length: 8 }, () => new TokenService(postgresSigningKeys(db.pool, { masterKey: db.masterKey })));
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

describe('private keys at rest', () => {
  it('keeps them sealed: no row holds a private parameter `d` in any column', async () => {
    await timeline().process().jwks();
    const { rows } = await db.pool.query<{ row: string; sealed: Buffer }>(
      'SELECT to_jsonb(k)::text AS row, sealed_private_key AS sealed FROM rollcall.signing_keys k',
    );
    expect(rows).toHaveLength(2);
    for (const { row, sealed } of rows) {
      expect(JSON.parse(row)).toMatchObject({ private_jwk: null });
      expect(row).not.toMatch(/"d"/);
      expect(sealed.toString('latin1')).not.toMatch(/"d"|"kty"/);
    }
  });

  it('seals a key an older version stored in plaintext on the first load, and signs with that same key', async () => {
    const { privateKey, publicKey } = await generateKeyPair('Ed25519', { extractable: true });
    const kid = `access-${randomUUID()}`;
    await db.pool.query(
      `INSERT INTO rollcall.signing_keys (kid, purpose, private_jwk, public_jwk, created_at, signs_from) VALUES ($1, 'access', $2, $3, now(), now())`,
      [kid, await exportJWK(privateKey), await exportJWK(publicKey)],
    );
    const service = new TokenService(postgresSigningKeys(db.pool, { masterKey: db.masterKey }));
    const { token } = await service.issueAccessToken({ accountId: 'acc-1', roles: [] });
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({ kid });
    const { rows } = await db.pool.query('SELECT private_jwk, sealed_private_key IS NOT NULL AS sealed FROM rollcall.signing_keys WHERE kid = $1', [kid]);
    expect(rows).toEqual([{ private_jwk: null, sealed: true }]);
  });

  it('refuses to open them under another master key, naming the likely cause', async () => {
    await timeline().process().jwks();
    const stranger = new TokenService(postgresSigningKeys(db.pool, { masterKey: MasterKey.generate() }));
    await expect(stranger.jwks()).rejects.toThrow(/does not open under this master key: is ROLLCALL_MASTER_KEY the one/);
  });

  it('binds a sealed half to its kid: one copied onto another key does not open', async () => {
    await timeline().process().jwks();
    await db.pool.query(
      `UPDATE rollcall.signing_keys SET sealed_private_key = (SELECT sealed_private_key FROM rollcall.signing_keys WHERE purpose = 'ticket') WHERE purpose = 'access'`,
    );
    await expect(timeline().process().jwks()).rejects.toThrow(/Signing key access-\S+ does not open/);
  });
});

describe('keys from before rotation', () => {
  it('become rows the rotation reads: the newest of a purpose signing, the older ones retired, all still plaintext until a load seals them', async () => {
    const pool = new pg.Pool({ connectionString: await createDatabase(inject('postgresUrl'), `test_${randomUUID().slice(0, 8)}`) });
    try {
      await migrate(pool, { through: '010_checkpoints.sql' });
      const insert = async (kid: string, purpose: string, createdAt: string) => {
        const { privateKey, publicKey } = await generateKeyPair('Ed25519', { extractable: true });
        await pool.query('INSERT INTO rollcall.signing_keys (kid, purpose, private_jwk, public_jwk, created_at) VALUES ($1, $2, $3, $4, $5)', [
          kid,
          purpose,
          await exportJWK(privateKey),
          await exportJWK(publicKey),
          createdAt,
        ]);
      };
      await insert('access-old', 'access', '2025-01-01T00:00:00Z');
      await insert('access-new', 'access', '2025-02-01T00:00:00Z');
      await insert('ticket-only', 'ticket', '2025-01-01T00:00:00Z');
      await migrate(pool);
      const { rows } = await pool.query(
        `SELECT kid, signs_from = created_at AS from_creation, retired_at IS NOT NULL AS retired,
                verify_until - retired_at AS verifies, private_jwk IS NOT NULL AS plaintext
           FROM rollcall.signing_keys ORDER BY kid`,
      );
      expect(rows).toEqual([
        { kid: 'access-new', from_creation: true, retired: false, verifies: null, plaintext: true },
        { kid: 'access-old', from_creation: true, retired: true, verifies: { minutes: 25 }, plaintext: true },
        { kid: 'ticket-only', from_creation: true, retired: false, verifies: null, plaintext: true },
      ]);
      await postgresSigningKeys(pool, { masterKey: db.masterKey }).load();
      expect((await pool.query('SELECT count(*)::int AS n FROM rollcall.signing_keys WHERE private_jwk IS NOT NULL')).rows).toEqual([{ n: 0 }]);
    } finally {
      await pool.end();
    }
  });
});

describe('rotation', () => {
  it('publishes the next access key a day before it signs, once the current one is 30 days old', async () => {
    const time = timeline();
    const api = time.process();
    const [first] = await kids(api, 'access');
    time.advance(30 * DAY);
    const [next, previous] = await kids(time.process(), 'access');
    expect(previous).toBe(first);
    time.advance(PUBLISH_AHEAD_MS - MINUTE);
    const before = await api.issueAccessToken({ accountId: 'acc-1', roles: [] });
    expect(headerOf(before.token).kid).toBe(first);
    time.advance(MINUTE);
    // The API process switches on its own, from the times of the keys it reloaded.
    const after = await api.issueAccessToken({ accountId: 'acc-1', roles: [] });
    expect(headerOf(after.token).kid).toBe(next);
    expect(await kids(api, 'access')).toEqual([next, first]);
    expect(await api.verifyAccessToken(before.token)).toEqual({ accountId: 'acc-1', roles: [] });
  });

  it('keeps a retired access key in the JWKS only for as long as a token it signed can live, then deletes it', async () => {
    const time = timeline();
    const [first] = await kids(time.process(), 'access');
    time.advance(30 * DAY);
    await time.process().jwks();
    time.advance(PUBLISH_AHEAD_MS - MINUTE);
    const lastToken = await time.process().issueAccessToken({ accountId: 'acc-1', roles: [] });
    expect(headerOf(lastToken.token).kid).toBe(first);
    time.advance(MINUTE + 15 * MINUTE);
    expect(await kids(time.process(), 'access')).toContain(first);
    time.advance(10 * MINUTE);
    const later = time.process();
    expect(await kids(later, 'access')).not.toContain(first);
    await expect(later.verifyAccessToken(lastToken.token)).rejects.toThrow(/not signed by a Rollcall key|expired/);
    expect((await listSigningKeys(db.pool)).map((key) => key.kid)).not.toContain(first);
  });

  it('destroys a retired key’s private half once its successor signs', async () => {
    const time = timeline();
    const [first] = await kids(time.process(), 'ticket');
    time.advance(90 * DAY);
    await time.process().jwks();
    const sealed = async () =>
      (await db.pool.query('SELECT sealed_private_key IS NOT NULL AS sealed FROM rollcall.signing_keys WHERE kid = $1', [first])).rows[0];
    expect(await sealed()).toEqual({ sealed: true });
    time.advance(PUBLISH_AHEAD_MS);
    await time.process().jwks();
    expect(await sealed()).toEqual({ sealed: false });
  });

  it('still admits a ticket signed before its key retired, until the retention is over', async () => {
    const time = timeline();
    const door = time.process();
    const codes = new TicketCodes(() => door.ticketKeys());
    const claims = { eventId: randomUUID(), registrationId: randomUUID(), attendeeId: 'ann', version: 1 };
    const mailed = await codes.sign(claims);
    time.advance(90 * DAY);
    expect(headerOf(await codes.sign(claims)).kid).toBe(headerOf(mailed).kid);
    time.advance(PUBLISH_AHEAD_MS);
    expect(headerOf(await codes.sign(claims)).kid).not.toBe(headerOf(mailed).kid);
    expect(await codes.read(mailed)).toEqual(claims);
    time.advance(364 * DAY);
    expect(await new TicketCodes(() => time.process().ticketKeys()).read(mailed)).toEqual(claims);
    time.advance(2 * DAY);
    expect(await new TicketCodes(() => time.process().ticketKeys()).read(mailed)).toBeUndefined();
  });

  it('rotates on an admin’s word: publish-ahead by default, at once with `immediately`', async () => {
    const time = timeline();
    const api = time.process();
    const [first] = await kids(api, 'access');
    const [ticket] = await kids(api, 'ticket');
    const scheduled = await time.rotate(['access']);
    const next = scheduled.find((key) => key.purpose === 'access' && key.kid !== first)!;
    expect(next.signsFrom).toEqual(new Date(time.clock().getTime() + PUBLISH_AHEAD_MS));
    expect(scheduled.find((key) => key.kid === first)!.retiredAt).toEqual(next.signsFrom);
    expect(scheduled.filter((key) => key.purpose === 'ticket').map((key) => key.kid)).toEqual([ticket]);

    const urgent = await time.rotate(['access'], true);
    const newest = urgent.find((key) => key.purpose === 'access' && ![first, next.kid].includes(key.kid))!;
    expect(newest.signsFrom).toEqual(time.clock());
    const fresh = await time.process().issueAccessToken({ accountId: 'acc-1', roles: [] });
    expect(headerOf(fresh.token).kid).toBe(newest.kid);
    // A process that loaded the keys before learns of the new one when it meets its kid, at most every 10 s.
    await expect(api.verifyAccessToken(fresh.token)).rejects.toThrow('The access token is not signed by a Rollcall key');
    time.advance(10_000);
    expect(await api.verifyAccessToken(fresh.token)).toEqual({ accountId: 'acc-1', roles: [] });
  });

  it('makes one successor when many processes find a rotation due at once', async () => {
    const time = timeline();
    await time.process().jwks();
    time.advance(31 * DAY);
    await Promise.all(Array.from({ length: 6 }, () => time.process().jwks()));
    const { rows } = await db.pool.query<{ purpose: string; n: number }>(
      'SELECT purpose, count(*)::int AS n FROM rollcall.signing_keys GROUP BY purpose ORDER BY purpose',
    );
    expect(rows).toEqual([
      { purpose: 'access', n: 2 },
      { purpose: 'ticket', n: 1 },
    ]);
  });
});

const headerOf = (token: string): { kid: string } => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string };
