import type pg from 'pg';
import { DomainError } from '../domain/domain-error.js';
import { comparePositions, parsePosition } from '../eventstore/position.js';
import { listCheckpoints } from '../log-follower/checkpoints.js';

/** How long a query may wait for the read side to reach the position it asks for. */
export const READ_YOUR_WRITES_TIMEOUT_MS = 5_000;

/**
 * Read-your-writes: a query that passes the position its mutation returned waits, bounded,
 * until the projections it reads have applied that far.
 */
/** Time to look again without a notice, in case one was missed. */
const FALLBACK_POLL_MS = 50;

export class ProjectionPositions {
  constructor(
    private readonly pool: pg.Pool,
    /** Wakes a wait when a projector commits (LISTEN rollcall_projections). */
    private readonly notices: { nextNotice(timeoutMs: number): Promise<void> },
  ) {}

  async waitFor(projections: readonly string[], position: string | null | undefined, timeoutMs = READ_YOUR_WRITES_TIMEOUT_MS): Promise<void> {
    if (position == null) return;
    const target = parsePosition(position);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // Subscribed before reading, so a commit between the read and the wait still wakes it.
      const notice = this.notices.nextNotice(FALLBACK_POLL_MS);
      const checkpoints = await listCheckpoints(this.pool, 'projection', projections);
      const reached = projections.every((name) => {
        const applied = checkpoints.find((c) => c.name === name)?.position;
        return applied && comparePositions(applied, target) >= 0;
      });
      if (reached) return;
      if (Date.now() >= deadline)
        throw new DomainError('NOT_YET_VISIBLE', `The read side has not reached position ${position} within ${timeoutMs} ms; ask again`);
      await notice;
    }
  }
}
