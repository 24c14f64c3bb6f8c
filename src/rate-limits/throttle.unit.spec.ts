import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryCounters } from '../../test/memory-counters.js';
import { NO_LIMITS, RATE_LIMITS, type RateLimits } from './limits.js';
import { type Counters, Throttle } from './throttle.js';

const MINUTE = 60_000;
const t0 = new Date('2030-01-01T10:00:00.000Z');

const limits: RateLimits = {
  ...RATE_LIMITS,
  signUpsPerNetwork: { per: 'network', max: 2, windowMs: MINUTE, refusal: 'Too many sign-ups from your network' },
  passwordResetsPerNetwork: { per: 'network', max: 2, windowMs: MINUTE, refusal: 'Too many resets from your network' },
  passwordResetsPerAddress: { per: 'address', max: 1, windowMs: 10 * MINUTE, refusal: 'Too many resets for this address' },
};

/** A throttle on counters that remember every key they were given, at a clock the spec moves. */
const given = () => {
  let now = t0;
  const keys: string[] = [];
  const inner = memoryCounters();
  const counters: Counters = { hit: (key, windowMs, at) => (keys.push(key), inner.hit(key, windowMs, at)) };
  const hash = (subject: string) => createHash('sha256').update(subject).digest('hex');
  const throttle = new Throttle({ counters, hash, limits, clock: () => now });
  return { throttle, keys, hash, at: (ms: number) => (now = new Date(t0.getTime() + ms)) };
};

const refusalOf = (attempt: Promise<void>) =>
  attempt.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('A throttle', () => {
  it('lets a limit\'s max attempts through in its window and refuses the next, saying how long to wait', async () => {
    const { throttle, at } = given();
    await throttle.attempt({ signUpsPerNetwork: '192.0.2.1' });
    await throttle.attempt({ signUpsPerNetwork: '192.0.2.1' });
    at(15_000);
    expect(await refusalOf(throttle.attempt({ signUpsPerNetwork: '192.0.2.1' }))).toMatchObject({
      code: 'RATE_LIMITED',
      message: 'Too many sign-ups from your network: try again in 45 seconds',
      details: { retryAfterSeconds: 45 },
    });
  });

  it('starts over when the window has ended', async () => {
    const { throttle, at } = given();
    for (let i = 0; i < 3; i++) await refusalOf(throttle.attempt({ signUpsPerNetwork: '192.0.2.1' }));
    at(MINUTE);
    await expect(throttle.attempt({ signUpsPerNetwork: '192.0.2.1' })).resolves.toBeUndefined();
  });

  it('counts each network apart', async () => {
    const { throttle } = given();
    await throttle.attempt({ signUpsPerNetwork: '192.0.2.1' });
    await throttle.attempt({ signUpsPerNetwork: '192.0.2.1' });
    await expect(throttle.attempt({ signUpsPerNetwork: '192.0.2.2' })).resolves.toBeUndefined();
  });

  it('counts every limit an attempt names, and answers with the longest wait of those it is over', async () => {
    const { throttle, at } = given();
    await throttle.attempt({ passwordResetsPerNetwork: '192.0.2.1', passwordResetsPerAddress: 'ada@example.org' });
    at(30_000);
    const refusal = await refusalOf(throttle.attempt({ passwordResetsPerNetwork: '192.0.2.1', passwordResetsPerAddress: 'ada@example.org' }));
    expect(refusal).toMatchObject({ message: 'Too many resets for this address: try again in 10 minutes', details: { retryAfterSeconds: 570 } });
    // The refused attempt was counted against the network too: its third is over.
    const next = await refusalOf(throttle.attempt({ passwordResetsPerNetwork: '192.0.2.1', passwordResetsPerAddress: 'bob@example.org' }));
    expect(next).toMatchObject({ message: expect.stringMatching(/^Too many resets from your network/), details: { retryAfterSeconds: 30 } });
  });

  it('counts an IPv6 network by its /64 and an address however it is spelled', async () => {
    const { throttle } = given();
    await throttle.attempt({ signUpsPerNetwork: '2001:db8:1:2::1' });
    await throttle.attempt({ signUpsPerNetwork: '2001:db8:1:2:ffff::9' });
    expect(await refusalOf(throttle.attempt({ signUpsPerNetwork: '2001:db8:1:2:aaaa::3' }))).toMatchObject({ code: 'RATE_LIMITED' });
    await throttle.attempt({ passwordResetsPerAddress: 'Ada@Example.org' });
    expect(await refusalOf(throttle.attempt({ passwordResetsPerAddress: ' ada@example.org' }))).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('counts nothing against a limit that is off, and refuses nothing', async () => {
    const { keys } = given();
    const off = new Throttle({ counters: { hit: (key) => (keys.push(key), Promise.resolve({ hits: 1, windowEnds: t0 })) }, hash: (s) => s, limits: NO_LIMITS });
    for (let i = 0; i < 500; i++) await off.attempt({ scansPerSession: 'door-1', scansPerAccount: 'staff-1' });
    expect(keys).toEqual([]);
  });

  it('counts nothing for a subject that is absent', async () => {
    const { throttle, keys } = given();
    await throttle.attempt({ scansPerSession: undefined, scansPerAccount: 'account-1' });
    expect(keys).toHaveLength(1);
  });

  it('hands the counters only keyed hashes of what it counts', async () => {
    const { throttle, keys, hash } = given();
    await throttle.attempt({ passwordResetsPerNetwork: '192.0.2.1', passwordResetsPerAddress: 'ada@example.org' });
    expect(keys.sort()).toEqual([`passwordResetsPerAddress:${hash('ada@example.org')}`, `passwordResetsPerNetwork:${hash('192.0.2.1')}`]);
  });
});
