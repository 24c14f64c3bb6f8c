import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { anEvent } from '../../../test/events.js';
import { emailClaimStream } from '../../domain/streams.js';
import { MemoryEventStore } from '../../eventstore/memory/memory-event-store.js';
import { MasterKey } from '../../security/master-key.js';
import { EmailClaims } from './email-claims.js';

const given = () => {
  const store = new MemoryEventStore();
  return { store, claims: new EmailClaims(store, MasterKey.generate()) };
};

describe("An address's claim stream", () => {
  it('is named by a keyed hash of the normalised address: no address, and no hash anyone can compute without the key', () => {
    const { claims } = given();
    expect(claims.streamOf(' Ann@Example.org ')).toBe(claims.streamOf('ann@example.org'));
    expect(claims.streamOf('ann@example.org')).toMatch(/^account-email-[0-9a-f]{64}$/);
    expect(claims.streamOf('ann@example.org')).not.toContain(createHash('sha256').update('ann@example.org').digest('hex'));
    expect(given().claims.streamOf('ann@example.org')).not.toBe(claims.streamOf('ann@example.org'));
  });

  it('adopts a claim written under the bare SHA-256 name once, and reads only the keyed stream after', async () => {
    const { store, claims } = given();
    const accountId = randomUUID();
    const legacy = emailClaimStream(createHash('sha256').update('old@example.org').digest('hex'));
    await store.append(legacy, [anEvent('EmailClaimed', { accountId, claimedAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-08T00:00:00.000Z' })], 'no_stream');
    await store.append(legacy, [anEvent('EmailClaimConfirmed', { accountId, confirmedAt: '2026-01-02T00:00:00.000Z' })], 'any');
    const [first, again] = await Promise.all([claims.holderOf('old@example.org'), claims.holderOf('Old@example.org')]);
    expect([first, again]).toEqual([accountId, accountId]);
    expect(await claims.claimOf('old@example.org')).toMatchObject({ status: 'claimed', accountId, confirmed: true });
    expect(await store.readStream(claims.streamOf('old@example.org'))).toHaveLength(2);
  });

  it('is free for an address nobody claimed', async () => expect(await given().claims.holderOf('new@example.org')).toBeUndefined());
});
