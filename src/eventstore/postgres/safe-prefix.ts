/**
 * Positions come from a sequence, but transactions commit in any order: position 7 can
 * become visible while position 6 is still in flight, or 6 may never commit at all.
 * A reader that moved past 6 would lose it, so readers deliver only the gap-free prefix.
 *
 * A gap is settled (its holder rolled back) once every transaction that was running
 * after the gap was seen has ended and a read begun after that still lacks it. The
 * append function takes its transaction id before drawing positions, so a holder that
 * is still running is always among the running transactions. Those are read from
 * pg_stat_activity, not from a snapshot's in-flight list: a snapshot leaves out running
 * transactions whose id is above every finished one, and a holder can be one of those.
 */

/** How often a reader blocked by a gap looks again; gaps close as fast as a transaction ends. */
export const GAP_RETRY_MS = 5;

export interface PendingGap {
  /** The gap spans positions up to this one. */
  readonly upTo: bigint;
  /** Transactions running after the gap was seen; one of them may hold it. */
  readonly running: ReadonlySet<string>;
}

export interface Prefix<Row> {
  deliver: Row[];
  /** A gap seen for the first time: the caller records who is running now. */
  newGapUpTo?: bigint;
  /** The gap still waited on. */
  pending?: PendingGap;
}

/**
 * Given rows read after `after` (ordered by position), returns those safe to deliver.
 * `pendingEnded` says whether every transaction of `pending` had ended before the read began.
 */
export const safePrefix = <Row extends { position: bigint }>(
  rows: readonly Row[],
  after: bigint,
  pending: PendingGap | undefined,
  pendingEnded: boolean,
): Prefix<Row> => {
  const deliver: Row[] = [];
  let expected = after + 1n;
  for (const row of rows) {
    while (row.position > expected) {
      const covering = pending && pending.upTo >= expected ? pending : undefined;
      if (!covering) return { deliver, newGapUpTo: row.position - 1n };
      if (!pendingEnded) return { deliver, pending: covering };
      // Whatever is still missing up to covering.upTo was drawn by a transaction that rolled back.
      expected = covering.upTo + 1n < row.position ? covering.upTo + 1n : row.position;
      pending = undefined;
    }
    deliver.push(row);
    expected = row.position + 1n;
  }
  return pending && pending.upTo >= expected ? { deliver, pending } : { deliver };
};
