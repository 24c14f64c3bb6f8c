import type pg from 'pg';
import { DomainError } from '../domain/domain-error.js';
import { type Position, comparePositions, parsePosition } from '../eventstore/position.js';
import { listCheckpoints } from '../log-follower/checkpoints.js';

/** How long a query may wait for the read side to reach the position it asks for. */
export const READ_YOUR_WRITES_TIMEOUT_MS = 5_000;

/**
 * How many waits one process keeps at once (a request has one for each set of projections its
 * fields read, mostly one). A wait holds its request open for up to
 * READ_YOUR_WRITES_TIMEOUT_MS, so without a bound a flood of far-off positions (or
 * projections stuck behind) piles requests up; beyond it a request that would wait is
 * answered NOT_YET_VISIBLE at once. At the usual lag of some tens of milliseconds this is
 * room for thousands of reads-after-writes a second.
 */
const MAX_CONCURRENT_WAITS = 256;

/** Time to look again without a notice, in case one was missed. */
const FALLBACK_POLL_MS = 50;

interface Waiter {
  projections: readonly string[];
  target: Position;
  /** Releases the request: resolves without an error, rejects with one. */
  done(error?: unknown): void;
}

const reached = (applied: ReadonlyMap<string, Position | undefined>, projections: readonly string[], target: Position): boolean =>
  projections.every((name) => {
    const position = applied.get(name);
    return position !== undefined && comparePositions(position, target) >= 0;
  });

/**
 * Read-your-writes: a query that passes the position its mutation returned waits, bounded,
 * until the projections it reads have applied that far. A request waits once for each set
 * of projections however many of its fields ask (aliases once made one request thousands of
 * waits), and every waiting request of the process shares one loop that reads the
 * checkpoints once per projector notice, so the database sees one query per notice however
 * many wait.
 */
export class ProjectionPositions {
  /** Each request's waits by projections and position, for its fields to share. */
  private readonly byRequest = new WeakMap<object, Map<string, Promise<void>>>();
  private readonly waiters = new Set<Waiter>();
  private polling = false;
  private readonly maxWaits: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly pool: pg.Pool,
    /** Wakes the loop when a projector commits (LISTEN rollcall_projections). */
    private readonly notices: { nextNotice(timeoutMs: number): Promise<void> },
    { maxWaits = MAX_CONCURRENT_WAITS, timeoutMs = READ_YOUR_WRITES_TIMEOUT_MS } = {},
  ) {
    this.maxWaits = maxWaits;
    this.timeoutMs = timeoutMs;
  }

  /** Resolves once `projections` have applied `position` (at once without one); `request` is the GraphQL context, whose fields share the wait. */
  waitFor(request: object, projections: readonly string[], position: string | null | undefined): Promise<void> {
    if (position == null) return Promise.resolve();
    const waits = this.byRequest.get(request) ?? new Map<string, Promise<void>>();
    this.byRequest.set(request, waits);
    const key = `${[...projections].sort().join(',')}@${position}`;
    let wait = waits.get(key);
    if (!wait) {
      wait = this.wait(projections, position);
      waits.set(key, wait);
    }
    return wait;
  }

  /** Where each of `projections` stands: one database round trip. */
  async appliedPositions(projections: readonly string[]): Promise<Map<string, Position | undefined>> {
    const checkpoints = await listCheckpoints(this.pool, 'projection', projections);
    return new Map(checkpoints.map((checkpoint) => [checkpoint.name, checkpoint.position]));
  }

  private async wait(projections: readonly string[], position: string): Promise<void> {
    const target = parsePosition(position);
    if (reached(await this.appliedPositions(projections), projections, target)) return;
    if (this.waiters.size >= this.maxWaits)
      throw new DomainError('NOT_YET_VISIBLE', `The read side has not reached position ${position} and ${this.maxWaits} queries wait already; ask again`);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => waiter.done(new DomainError('NOT_YET_VISIBLE', `The read side has not reached position ${position} within ${this.timeoutMs} ms; ask again`)),
        this.timeoutMs,
      );
      const waiter: Waiter = {
        projections,
        target,
        done: (error) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          if (error === undefined) resolve();
          else reject(error);
        },
      };
      this.waiters.add(waiter);
      void this.poll();
    });
  }

  /** The process' one loop: while anyone waits, reads their projections' checkpoints at each notice and releases whoever is reached. */
  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      while (this.waiters.size > 0) {
        // Subscribed before reading, so a commit between the read and the wait still wakes it.
        const notice = this.notices.nextNotice(FALLBACK_POLL_MS);
        const waiting = [...this.waiters];
        const applied = await this.appliedPositions([...new Set(waiting.flatMap((waiter) => waiter.projections))]);
        for (const waiter of waiting) if (reached(applied, waiter.projections, waiter.target)) waiter.done();
        await notice;
      }
    } catch (error) {
      for (const waiter of [...this.waiters]) waiter.done(error);
    } finally {
      this.polling = false;
    }
  }
}
