import { describe, expect, it } from 'vitest';
import { type FailureCount, LOCKOUT, afterFailure, secondsUntil } from './login-backoff.js';

const start = new Date('2030-01-01T12:00:00.000Z');
const at = (ms: number) => new Date(start.getTime() + ms);
const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/** The count after failures at these offsets from `start` (ms), each from the count before. */
const givenFailuresAt = (...offsets: number[]): FailureCount | undefined =>
  offsets.reduce<FailureCount | undefined>((count, offset) => afterFailure(count, at(offset)), undefined);

/** Failures a minute apart: never quick, never reset. */
const everyMinute = (count: number) => Array.from({ length: count }, (_, i) => i * MINUTE);

describe('A first failure', () => {
  it('counts one and imposes no wait', () =>
    expect(afterFailure(undefined, start)).toEqual({ failures: 1, lastFailureAt: start, notBefore: null }));
});

describe('Failures a person makes, a while apart', () => {
  it('impose no wait below the failure factor', () => {
    const count = givenFailuresAt(...everyMinute(LOCKOUT.failureFactor - 1));
    expect(count).toMatchObject({ failures: 4, notBefore: null });
  });

  it('wait one increment at the failure factor', () => {
    const count = givenFailuresAt(...everyMinute(5));
    expect(count).toEqual({ failures: 5, lastFailureAt: at(4 * MINUTE), notBefore: at(5 * MINUTE) });
  });

  it('wait one increment after each failure until the next multiple of the factor', () => {
    const count = givenFailuresAt(...everyMinute(9));
    expect(count?.notBefore).toEqual(at(8 * MINUTE + MINUTE));
  });

  it('wait one more increment at each multiple of the factor', () => {
    const count = givenFailuresAt(...everyMinute(10));
    expect(count?.notBefore).toEqual(at(9 * MINUTE + 2 * MINUTE));
  });

  it('wait no longer than the longest wait', () => {
    const count = givenFailuresAt(...Array.from({ length: 200 }, (_, i) => i * 20 * MINUTE));
    expect(count?.failures).toBe(200);
    expect(count?.notBefore).toEqual(at(199 * 20 * MINUTE + LOCKOUT.maxFailureWaitMs));
  });
});

describe('Failures in quick succession', () => {
  it('wait the minimum quick log-in wait when under a second apart', () => {
    const count = givenFailuresAt(0, 999);
    expect(count).toEqual({ failures: 2, lastFailureAt: at(999), notBefore: at(999 + LOCKOUT.minimumQuickLoginWaitMs) });
  });

  it('impose no wait a second or more apart', () => expect(givenFailuresAt(0, SECOND)?.notBefore).toBeNull());

  it('wait the increments, not the quick wait, once past the factor', () => {
    const count = givenFailuresAt(...everyMinute(14), 14 * MINUTE + 500);
    expect(count?.notBefore).toEqual(at(14 * MINUTE + 500 + 3 * MINUTE));
  });
});

describe('Failures after a long quiet', () => {
  it('start counting afresh once the failure reset time has passed', () => {
    const count = givenFailuresAt(...everyMinute(4), 3 * MINUTE + LOCKOUT.failureResetMs + 1);
    expect(count).toMatchObject({ failures: 1, notBefore: null });
  });

  it('keep counting until then', () => {
    const count = givenFailuresAt(...everyMinute(4), 3 * MINUTE + LOCKOUT.failureResetMs);
    expect(count).toMatchObject({ failures: 5, notBefore: at(3 * MINUTE + LOCKOUT.failureResetMs + MINUTE) });
  });
});

describe('The wait a client is told', () => {
  it('is rounded up to whole seconds', () => expect(secondsUntil(at(59_001), start)).toBe(60));

  it('is at least a second', () => expect(secondsUntil(at(10), start)).toBe(1));
});

