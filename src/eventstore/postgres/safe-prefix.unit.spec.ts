import { describe, expect, it } from 'vitest';
import { type PendingGap, parseSnapshot, safePrefix } from './safe-prefix.js';

const rows = (...positions: number[]) => positions.map((p) => ({ position: BigInt(p) }));
const snapshot = (...inFlight: number[]) => parseSnapshot(`100:200:${inFlight.join(',')}`);
const positionsOf = (result: { deliver: { position: bigint }[] }) => result.deliver.map((r) => Number(r.position));

describe('safePrefix', () => {
  it('delivers a run without gaps whole', () => {
    expect(positionsOf(safePrefix(rows(4, 5, 6), 3n, snapshot(150), undefined))).toEqual([4, 5, 6]);
  });

  it('stops before a gap while transactions are in flight, and remembers them', () => {
    const result = safePrefix(rows(4, 6, 7), 3n, snapshot(150, 160), undefined);
    expect(positionsOf(result)).toEqual([4]);
    expect(result.pending).toEqual({ upTo: 5n, inFlight: new Set(['150', '160']) });
  });

  it('stops at a gap right after the checkpoint', () => {
    const result = safePrefix(rows(6), 4n, snapshot(150), undefined);
    expect(positionsOf(result)).toEqual([]);
    expect(result.pending?.upTo).toBe(5n);
  });

  it('skips a gap at once when nothing is in flight: its holder rolled back', () => {
    const result = safePrefix(rows(4, 6), 3n, snapshot(), undefined);
    expect(positionsOf(result)).toEqual([4, 6]);
    expect(result.pending).toBeUndefined();
  });

  it('keeps waiting while any transaction in flight at the gap is still running', () => {
    const pending: PendingGap = { upTo: 5n, inFlight: new Set(['150', '160']) };
    const result = safePrefix(rows(6, 7), 4n, snapshot(160, 170), pending);
    expect(positionsOf(result)).toEqual([]);
    expect(result.pending).toBe(pending);
  });

  it('skips the gap once every transaction in flight at the gap has ended, though new ones run', () => {
    const pending: PendingGap = { upTo: 5n, inFlight: new Set(['150', '160']) };
    const result = safePrefix(rows(6, 7), 4n, snapshot(170), pending);
    expect(positionsOf(result)).toEqual([6, 7]);
    expect(result.pending).toBeUndefined();
  });

  it('delivers the gap position itself when its transaction committed', () => {
    const pending: PendingGap = { upTo: 5n, inFlight: new Set(['150']) };
    expect(positionsOf(safePrefix(rows(5, 6), 4n, snapshot(170), pending))).toEqual([5, 6]);
  });

  it('opens a new wait for the part of a wider gap the settled one did not cover', () => {
    const pending: PendingGap = { upTo: 5n, inFlight: new Set(['150']) };
    const result = safePrefix(rows(9), 4n, snapshot(170), pending);
    expect(positionsOf(result)).toEqual([]);
    expect(result.pending).toEqual({ upTo: 8n, inFlight: new Set(['170']) });
  });

  it('reads the in-flight list out of pg_current_snapshot text', () => {
    expect(parseSnapshot('795:799:795,797').inFlight).toEqual(new Set(['795', '797']));
    expect(parseSnapshot('800:800:').inFlight).toEqual(new Set());
  });
});
