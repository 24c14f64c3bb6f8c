import type pg from 'pg';
import type { EventStore } from '../eventstore/event-store.js';
import type { Position } from '../eventstore/position.js';
import type { ForwarderStatus } from '../integration/forwarder.js';
import { eventsAfter } from '../log-follower/lag.js';
import type { MlWorker } from '../ml/ml-worker.js';
import type { RunnerStatus } from '../projections/runner.js';
import type { ReadinessCheck } from './readiness.js';

/** A stream nobody writes, whose metadata is asked for to see that the event store answers. */
const PROBE_STREAM = 'rollcall-readiness';

/** A role whose probes answer while its parts still start is not ready until `started()`. */
export const startingUp = (started: () => boolean): ReadinessCheck => ({
  name: 'start-up',
  check: async () => (started() ? undefined : 'starting'),
});

export const databaseReachable = (pool: pg.Pool): ReadinessCheck => ({
  name: 'database',
  check: async () => {
    await pool.query('SELECT 1');
    return undefined;
  },
});

/** On PostgreSQL the same database again; on EventStoreDB a round trip to it. */
export const eventStoreReachable = (store: EventStore): ReadinessCheck => ({
  name: 'event store',
  check: async () => {
    await store.getStreamMetadata(PROBE_STREAM);
    return undefined;
  },
});

/** How far a follower of the log may be behind and its role still ready. */
export interface LagBound {
  pool: pg.Pool;
  storeKind: EventStore['kind'];
  /** Events after its checkpoint (READY_MAX_LAG_EVENTS). */
  maxLagEvents: number;
}

/**
 * A follower that holds its lock must be within the bound; a standby (another process holds
 * it) or a projection rebuilding its tables aside is ready; a failed or stopped one is not.
 * Lag is counted on the PostgreSQL store only: on EventStoreDB the state alone decides.
 */
const followerProblem = async (
  { state, position, failure }: { state: string; position: Position | undefined; failure?: { error: string } },
  bound: LagBound,
): Promise<string | undefined> => {
  if (state === 'failed') return `failed${failure ? `: ${failure.error}` : ''}`;
  if (state === 'stopped') return 'stopped';
  if (state !== 'running' || bound.storeKind !== 'postgres') return undefined;
  const behind = await eventsAfter(bound.pool, position, bound.maxLagEvents + 1);
  return behind > bound.maxLagEvents ? `more than ${bound.maxLagEvents} events behind` : undefined;
};

export const projectionsReady = (runners: ReadonlyArray<{ status(): RunnerStatus }>, bound: LagBound): ReadinessCheck[] =>
  runners.map((runner) => ({ name: `projection ${runner.status().name}`, check: () => followerProblem(runner.status(), bound) }));

/** The forwarder holding its lock must also be connected to Kafka. */
export const forwarderReady = (forwarder: { status(): ForwarderStatus }, bound: LagBound): ReadinessCheck => ({
  name: `forwarder ${forwarder.status().name}`,
  check: async () => {
    const status = forwarder.status();
    if (status.state === 'running' && !status.connected) return 'not connected to Kafka';
    return followerProblem(status, bound);
  },
});

/** Each reactor's consumer within `maxLagEvents` (events on the store, messages on Kafka), as it last measured. */
export const reactorsReady = (worker: Pick<MlWorker, 'consumers'>, maxLagEvents: number): ReadinessCheck[] =>
  worker.consumers.map((consumer) => ({ name: `reactor ${consumer.reactor}`, check: async () => consumer.lagProblem(maxLagEvents) }));
