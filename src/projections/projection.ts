import type pg from 'pg';
import type { RecordedEvent } from '../eventstore/event-store.js';

/**
 * A read model: the events it reads and the SQL that folds them into its tables. `apply`
 * runs inside the runner's transaction together with the checkpoint, so a batch lands
 * whole or not at all, and must be idempotent per event only in the sense that a batch is
 * never applied twice (the checkpoint moves in the same transaction).
 */
export interface Projection {
  /** Stable id, used for its checkpoint and its advisory lock. */
  readonly name: string;
  /** Schema-qualified tables it owns, created by `setUp` and rebuilt from scratch with it. */
  readonly tables: readonly string[];
  /** Creates its tables (IF NOT EXISTS) in `schema`. */
  setUp(client: pg.PoolClient, schema: string): Promise<void>;
  /** Folds a batch of events, in global order, into its tables in `schema`. */
  apply(client: pg.PoolClient, schema: string, events: readonly RecordedEvent[]): Promise<void>;
}
