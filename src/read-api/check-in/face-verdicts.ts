import type pg from 'pg';
import type { CheckInView } from '../../commands/check-in-commands.js';
import type { ScanResult } from '../../domain/check-in/check-in.js';
import { parsePosition } from '../../eventstore/position.js';
import { faceDecisionAfter } from '../../projections/attendance/check-in-queries.js';

/**
 * How long `checkIn(..., waitForFace: true)` waits for the verdict. The reactor judges a photo
 * in well under a second and the projector shows it some tens of milliseconds later; 5 s is
 * what a person at a door bears, and the same bound as a read-your-writes wait.
 */
export const FACE_WAIT_MS = 5_000;

/** Waits one process holds at once; past it a scan is answered face_pending at once, as after a wait in vain. */
const MAX_WAITS = 64;

/** Time to look again without a notice from the projector, in case one was missed. */
const FALLBACK_POLL_MS = 250;

/**
 * A door waiting for the face verdict on the scan it just made: read from the attendance read
 * model, as the door's dashboards see it, woken by the projector's notices.
 */
export class FaceVerdicts {
  private waiting = 0;

  constructor(
    private readonly pool: pg.Pool,
    /** Wakes a wait when a projector commits (LISTEN rollcall_projections). */
    private readonly notices: { nextNotice(timeoutMs: number): Promise<void> },
    private readonly timeoutMs = FACE_WAIT_MS,
  ) {}

  /** The scan's outcome once decided, with the position of the decision; the scan as it was if it holds no face check, or after the bound. */
  async verdictOn(eventId: string, sessionId: string, scan: CheckInView): Promise<CheckInView> {
    const { registrationId, position } = scan;
    if (scan.result !== 'face_pending' || !registrationId || !position || this.waiting >= MAX_WAITS) return scan;
    this.waiting++;
    try {
      const deadline = performance.now() + this.timeoutMs;
      const after = parsePosition(position);
      for (;;) {
        // Subscribed before reading, so that a commit between the read and the wait still wakes it.
        const left = deadline - performance.now();
        const notice = this.notices.nextNotice(Math.max(0, Math.min(FALLBACK_POLL_MS, left)));
        const decision = await faceDecisionAfter(this.pool, { eventId, sessionId, registrationId, after });
        // The read model stores what the domain wrote: a face verdict's result, or ok for a check-in by hand.
        if (decision) return { ...scan, result: decision.result as ScanResult, position: decision.position };
        if (left <= 0) return scan;
        await notice;
      }
    } finally {
      this.waiting--;
    }
  }
}
