import { describe, expect, it } from 'vitest';
import { sessionErrors } from './session-errors.js';

describe('session errors', () => {
  it('compare each session’s expected head count with the real one, and count those inside their interval', () => {
    // a: 100 at 0.5 expect 50 (interval 42–58), 50 came; b: 100 at 0.5, 70 came: outside.
    const examples = [
      ...Array.from({ length: 100 }, (_, i) => ({ sessionId: 'a', attended: i < 50 })),
      ...Array.from({ length: 100 }, (_, i) => ({ sessionId: 'b', attended: i < 70 })),
    ];
    const errors = sessionErrors(examples, new Array(200).fill(0.5), 0);
    expect(errors).toEqual({ sessions: 2, mae: 10, coverage: 0.5 });
    // A session variance wide enough takes b in: 25 + 0.06 × 2,500 = 175, ±1.645 × 13.2 ≈ 21.8.
    expect(sessionErrors(examples, new Array(200).fill(0.5), 0.06).coverage).toBe(1);
  });
});
