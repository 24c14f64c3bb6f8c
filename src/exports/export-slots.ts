import { DomainError } from '../domain/domain-error.js';

/** Seconds a client refused a slot is told to wait: an export of 100,000 rows takes a few. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * How many exports one process streams at once. Each holds a pooled connection until its
 * last row, and the pool (PG_POOL_SIZE, 10 by default) serves every query and command too,
 * so a few large downloads must not take it all.
 */
export class ExportSlots {
  private taken = 0;

  constructor(private readonly limit: number) {}

  /** A slot, and the function that gives it back (once, however often it is called); RATE_LIMITED when none is free. */
  take(): () => void {
    if (this.taken >= this.limit)
      throw new DomainError('RATE_LIMITED', `${this.limit} exports are running already: try again in a few seconds`, { retryAfterSeconds: RETRY_AFTER_SECONDS });
    this.taken += 1;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.taken -= 1;
    };
  }
}
