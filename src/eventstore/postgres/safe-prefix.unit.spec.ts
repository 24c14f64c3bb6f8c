import { describe, expect, it } from 'vitest';
import { type PendingGap, safePrefix } from './safe-prefix.js';

const rows = (...positions: number[]) => positions.map((p) => ({ position: BigInt(p) }));
const positionsOf = (result: { deliver: { position: bigint }[] }) => result.deliver.map((r) => Number(r.position));
const gap = (upTo: number, ...running: number[]): PendingGap => ({ upTo: BigInt(upTo), running: new Set(running.map(String)) });

describe('safePrefix', () => {
  it('delivers a run without gaps whole', () => {
    expect(safePrefix(rows(4, 5, 6), 3n, undefined, false)).toEqual({ deliver: rows(4, 5, 6) });
  });

  it('stops before a gap seen for the first time and asks who is running', () => {
    const result = safePrefix(rows(4, 6, 7), 3n, undefined, false);
    expect(positionsOf(result)).toEqual([4]);
    expect(result.newGapUpTo).toBe(5n);
  });

  it('stops at a gap right after the checkpoint', () => {
    const result = safePrefix(rows(6), 4n, undefined, false);
    expect(positionsOf(result)).toEqual([]);
    expect(result.newGapUpTo).toBe(5n);
  });

  it('never settles a gap in the read that first saw it, even with nothing running', () => {
    // The holder may have committed between the read's snapshot and the look at who runs.
    expect(safePrefix(rows(4, 6), 3n, undefined, true).newGapUpTo).toBe(5n);
  });

  it('keeps waiting while a transaction running after the gap was seen still runs', () => {
    const pending = gap(5, 150, 160);
    const result = safePrefix(rows(6, 7), 4n, pending, false);
    expect(positionsOf(result)).toEqual([]);
    expect(result.pending).toBe(pending);
  });

  it('skips the gap once they have all ended before the read began', () => {
    const result = safePrefix(rows(6, 7), 4n, gap(5, 150, 160), true);
    expect(result).toEqual({ deliver: rows(6, 7) });
  });

  it('delivers the gap position itself when its transaction committed', () => {
    expect(safePrefix(rows(5, 6), 4n, gap(5, 150), true)).toEqual({ deliver: rows(5, 6) });
  });

  it('opens a new gap for the part of a wider gap the settled one did not cover', () => {
    const result = safePrefix(rows(9), 4n, gap(5, 150), true);
    expect(positionsOf(result)).toEqual([]);
    expect(result.newGapUpTo).toBe(8n);
  });

  it('drops a pending gap the reader has moved past', () => {
    expect(safePrefix(rows(8, 9), 7n, gap(5, 150), false)).toEqual({ deliver: rows(8, 9) });
  });
});
