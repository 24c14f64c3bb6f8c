import type pg from 'pg';
import type { EventStore } from '../eventstore/event-store.js';
import { type ProjectionFailure, ProjectionRunner, type RunnerLog } from './runner.js';
import { projections } from './projections.js';

export interface Projector {
  runners: ProjectionRunner[];
  stop(): Promise<void>;
}

/** Runs every read model's projection; in another process they wait as hot standbys. */
export const startProjector = async (deps: {
  store: EventStore;
  pool: pg.Pool;
  onFailure: (failure: ProjectionFailure) => void;
  /** Where runners say what they do: states, values they cannot store, quarantined events skipped. */
  log?: RunnerLog;
}): Promise<Projector> => {
  const runners = projections.map(
    (projection) =>
      new ProjectionRunner({ store: deps.store, pool: deps.pool, projection, onFailure: deps.onFailure, ...(deps.log ? { log: deps.log } : {}) }),
  );
  await Promise.all(runners.map((runner) => runner.start()));
  return { runners, stop: async () => void (await Promise.all(runners.map((runner) => runner.stop()))) };
};
