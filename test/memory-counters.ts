import type { Counters } from '../src/rate-limits/throttle.js';

/** Rate limit counters kept in memory: a Throttle without a database, for one process' specs. */
export const memoryCounters = (): Counters => {
  const windows = new Map<string, { hits: number; windowEnds: Date }>();
  return {
    hit: async (key, windowMs, now) => {
      const current = windows.get(key);
      const next =
        current && current.windowEnds > now
          ? { ...current, hits: current.hits + 1 }
          : { hits: 1, windowEnds: new Date(now.getTime() + windowMs) };
      windows.set(key, next);
      return next;
    },
  };
};
