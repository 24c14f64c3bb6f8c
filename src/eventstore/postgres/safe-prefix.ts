/**
 * Positions come from a sequence, but transactions commit in any order: position 7 can
 * become visible while position 6 is still in flight, or 6 may never commit at all.
 * A reader that moved past 6 would lose it, so readers deliver only the gap-free prefix
 * and treat a gap as settled (its holder rolled back) once every transaction that was in
 * flight when the gap was seen has ended. The append function takes its transaction id
 * before drawing positions, so a gap's holder is always among those transactions.
 */

/** How often a reader blocked by a gap looks again; gaps close as fast as a transaction ends. */
export const GAP_RETRY_MS = 5;

/** What `pg_current_snapshot()` says about transactions in flight. */
export interface PgSnapshot {
  /** Ids (xid8, as text) of the transactions in progress when the snapshot was taken. */
  readonly inFlight: ReadonlySet<string>;
}

export interface PendingGap {
  /** The gap spans positions up to this one. */
  readonly upTo: bigint;
  /** Transactions in flight when the gap was seen; one of them may hold it. */
  readonly inFlight: ReadonlySet<string>;
}

export const parseSnapshot = (text: string): PgSnapshot => {
  const [, , xip = ''] = text.split(':');
  return { inFlight: new Set(xip === '' ? [] : xip.split(',')) };
};

const hasSettled = (gap: PendingGap, now: PgSnapshot): boolean => {
  for (const xid of gap.inFlight) if (now.inFlight.has(xid)) return false;
  return true;
};

/**
 * Given rows read after `after` (ordered by position) under `snapshot`, returns the rows
 * that are safe to deliver and the gap that blocks the rest, if any.
 */
export const safePrefix = <Row extends { position: bigint }>(
  rows: readonly Row[],
  after: bigint,
  snapshot: PgSnapshot,
  pending: PendingGap | undefined,
): { deliver: Row[]; pending: PendingGap | undefined } => {
  const deliver: Row[] = [];
  let expected = after + 1n;
  for (const row of rows) {
    while (row.position > expected) {
      const gap = pending && pending.upTo >= expected ? pending : { upTo: row.position - 1n, inFlight: snapshot.inFlight };
      if (!hasSettled(gap, snapshot)) return { deliver, pending: gap };
      // Whatever is still missing up to gap.upTo was drawn by a transaction that rolled back.
      expected = gap.upTo + 1n < row.position ? gap.upTo + 1n : row.position;
      pending = undefined;
    }
    deliver.push(row);
    expected = row.position + 1n;
  }
  return { deliver, pending: pending && pending.upTo >= expected ? pending : undefined };
};
