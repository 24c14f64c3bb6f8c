import type pg from 'pg';
import type { RecordedEvent } from '../eventstore/event-store.js';
import type { DomainCheckOptions, DomainComparison } from './domain-check.js';
import type { OnUnstorable } from './stored-values.js';

/**
 * A read model: the events it reads and the SQL that folds them into its tables. `apply`
 * runs inside the runner's transaction together with the checkpoint, so a batch lands
 * whole or not at all, and must be idempotent per event only in the sense that a batch is
 * never applied twice (the checkpoint moves in the same transaction).
 */
export interface Projection {
  /** Stable id, used for its checkpoint and its advisory lock. */
  readonly name: string;
  /**
   * The shape and meaning of its tables (1 when absent). Bumped when tables built by an
   * earlier version are wrong for this code: the runner then rebuilds them aside from the
   * first event and swaps them in (see schema-version.ts).
   */
  readonly version?: number;
  /**
   * The event types `apply` reads (absent: every type). The others change nothing in its
   * tables, so a runner may leave them out of what it hands over (the checkpoint still moves).
   */
  readonly eventTypes?: readonly string[];
  /** Schema-qualified tables it owns, created by `setUp` and rebuilt from scratch with it. */
  readonly tables: readonly string[];
  /** Creates its tables (IF NOT EXISTS) in `schema`. */
  setUp(client: pg.PoolClient, schema: string): Promise<void>;
  /**
   * Folds a batch of events, in global order, into its tables in `schema`. Never throws on
   * what an event holds: a value its tables cannot store goes to `onUnstorable` instead.
   */
  apply(client: pg.PoolClient, schema: string, events: readonly RecordedEvent[], onUnstorable: OnUnstorable): Promise<void>;
  /** Compares the live tables with what the domain's own `evolve` folds from the log, when the model has a domain to compare with. */
  compareWithDomain?(options: DomainCheckOptions): Promise<DomainComparison>;
}

export const versionOf = (projection: Projection): number => projection.version ?? 1;
