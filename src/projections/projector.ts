import type pg from 'pg';
import type { EventStore } from '../eventstore/event-store.js';
import { type ProjectionFailure, ProjectionRunner } from './runner.js';
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
}): Promise<Projector> => {
  const runners = projections.map(
    (projection) => new ProjectionRunner({ store: deps.store, pool: deps.pool, projection, onFailure: deps.onFailure }),
  );
  await Promise.all(runners.map((runner) => runner.start()));
  return { runners, stop: async () => void (await Promise.all(runners.map((runner) => runner.stop()))) };
};
