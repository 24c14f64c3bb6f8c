import type pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { DomainError } from '../domain/domain-error.js';
import { positionAt } from '../eventstore/position.js';
import { ProjectionPositions } from './projection-positions.js';

/**
 * A projector that has applied up to `applied`, and commits when the test says so. Waits give up
 * after 10 s, far beyond when these tests commit: a busy machine delays a commit, and must not
 * turn the wait for it into a refusal.
 */
const aReadSide = ({ maxWaits = 10, timeoutMs = 10_000 } = {}) => {
  const wakers = new Set<() => void>();
  const notices = {
    nextNotice: (ms: number) =>
      new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        wakers.add(wake);
      }),
  };
  const positions = new ProjectionPositions({} as pg.Pool, notices, { maxWaits, timeoutMs });
  let applied = 0n;
  return {
    positions,
    /** Database round trips: each reads the checkpoints once. */
    reads: vi.spyOn(positions, 'appliedPositions').mockImplementation(async (names) => new Map(names.map((name) => [name, positionAt(applied)]))),
    /** Where the projector stands before the test starts. */
    at(position: bigint) {
      applied = position;
    },
    commit(to: bigint) {
      applied = to;
      for (const wake of [...wakers]) wake();
    },
  };
};

const ATTENDANCE = ['attendance'];
const notYetVisible = expect.objectContaining({ code: 'NOT_YET_VISIBLE' });

describe('waiting for a position', () => {
  it('waits once per request, however many of its fields ask', async () => {
    const side = aReadSide();
    const request = {};
    const waits = Array.from({ length: 1_000 }, () => side.positions.waitFor(request, ATTENDANCE, '5'));
    expect(new Set(waits).size).toBe(1);
    // The request's own look, then the loop's.
    await vi.waitFor(() => expect(side.reads.mock.calls.length).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
    side.reads.mockClear();
    side.commit(5n);
    await Promise.all(waits);
    expect(side.reads).toHaveBeenCalledTimes(1);
  });

  it('reads the checkpoints once per commit for every request that waits', async () => {
    const side = aReadSide({ maxWaits: 100 });
    const waits = Array.from({ length: 50 }, (_, n) => side.positions.waitFor({}, n % 2 ? ATTENDANCE : ['attendance', 'accounts'], String(n + 1)));
    await vi.waitFor(() => expect(side.reads.mock.calls.length).toBeGreaterThan(50), { timeout: 5_000 });
    side.reads.mockClear();
    side.commit(50n);
    await Promise.all(waits);
    expect(side.reads).toHaveBeenCalledTimes(1);
    expect(side.reads).toHaveBeenCalledWith(['attendance', 'accounts']);
  });

  it('answers at once, taking no place among the waits, when the read side is there already', async () => {
    const side = aReadSide({ maxWaits: 1 });
    side.at(7n);
    const far = side.positions.waitFor({}, ATTENDANCE, '100');
    await expect(side.positions.waitFor({}, ATTENDANCE, '7')).resolves.toBeUndefined();
    await expect(side.positions.waitFor({}, ATTENDANCE, null)).resolves.toBeUndefined();
    side.commit(100n);
    await far;
  });

  it('refuses at once beyond the cap on waits, and takes requests again once they are released', async () => {
    const side = aReadSide({ maxWaits: 2 });
    const waiting = [side.positions.waitFor({}, ATTENDANCE, '9'), side.positions.waitFor({}, ATTENDANCE, '9')];
    await vi.waitFor(() => expect(side.reads.mock.calls.length).toBeGreaterThanOrEqual(3), { timeout: 5_000 });
    const started = Date.now();
    const refused = await side.positions.waitFor({}, ATTENDANCE, '9').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toEqual(notYetVisible);
    expect((refused as Error).message).toMatch(/2 queries wait already/);
    // A wait would last the read side's 10 s: well under it is at once, on a busy machine too.
    expect(Date.now() - started).toBeLessThan(2_000);
    side.commit(9n);
    await Promise.all(waiting);
    const again = side.positions.waitFor({}, ATTENDANCE, '10');
    side.commit(10n);
    await expect(again).resolves.toBeUndefined();
  });

  it('gives up with NOT_YET_VISIBLE after the timeout and frees its place', async () => {
    const side = aReadSide({ maxWaits: 1, timeoutMs: 100 });
    await expect(side.positions.waitFor({}, ATTENDANCE, '99')).rejects.toEqual(notYetVisible);
    const next = side.positions.waitFor({}, ATTENDANCE, '3');
    side.commit(3n);
    await expect(next).resolves.toBeUndefined();
  });
});
