import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { DomainError } from '../domain/domain-error.js';
import { comparePositions, parsePosition } from '../eventstore/position.js';

/** How long a query may wait for the read side to reach the position it asks for. */
export const READ_YOUR_WRITES_TIMEOUT_MS = 5_000;

/**
 * Read-your-writes: a query that passes the position its mutation returned waits, bounded,
 * until the projections it reads have applied that far.
 */
export class ProjectionPositions {
  constructor(private readonly pool: pg.Pool) {}

  async waitFor(projections: readonly string[], position: string | null | undefined, timeoutMs = READ_YOUR_WRITES_TIMEOUT_MS): Promise<void> {
    if (position == null) return;
    const target = parsePosition(position);
    const deadline = Date.now() + timeoutMs;
    for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
      const { rows } = await this.pool.query<{ name: string; commit_position: string; prepare_position: string }>(
        'SELECT name, commit_position, prepare_position FROM rollcall.projection_checkpoints WHERE name = ANY ($1)',
        [projections],
      );
      const reached = projections.every((name) => {
        const row = rows.find((r) => r.name === name);
        return row && comparePositions({ commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) }, target) >= 0;
      });
      if (reached) return;
      if (Date.now() >= deadline)
        throw new DomainError('NOT_YET_VISIBLE', `The read side has not reached position ${position} within ${timeoutMs} ms; ask again`);
      await sleep(pause);
    }
  }
}
