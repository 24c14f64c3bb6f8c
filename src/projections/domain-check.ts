import type pg from 'pg';
import { decode } from '../domain/decode.js';
import type { EventStore, RecordedEvent } from '../eventstore/event-store.js';
import { type Position, comparePositions } from '../eventstore/position.js';
import { Quarantine } from './quarantine.js';
import { readCheckpoint } from './runner.js';

/**
 * Checking a read model against the domain's own fold of the log. Rebuild-and-compare runs
 * the projection's code twice, so a projection bug gives the same wrong rows both times; the
 * domain's `evolve` is independent of it, which is what lets this check catch such a bug.
 */

export interface DomainCheckOptions {
  store: EventStore;
  pool: pg.Pool;
  /** How many differences to keep (default 20); all are counted. */
  limit?: number;
  /** Events asked of `store.readAll` at once (default 5,000). */
  pageSize?: number;
  signal?: AbortSignal;
}

export interface DomainDifference {
  /** The stream whose fold differs, e.g. `event-<id>`. */
  streamId: string;
  /** What differs, e.g. `registration <id> status`. */
  what: string;
  /** As the read model has it (null: missing or stored as null). */
  live: unknown;
  /** As the domain folds it. */
  domain: unknown;
}

export interface DomainComparison {
  projection: string;
  /** The live checkpoint: the log was folded up to it, the tables read at it. */
  position: Position | undefined;
  /** Streams folded. */
  streams: number;
  /** Events left out on both sides because an operator quarantined them. */
  quarantined: number;
  /** The first `limit` differences. */
  differences: DomainDifference[];
  differenceCount: number;
  equal: boolean;
}

const DEFAULT_LIMIT = 20;
const DEFAULT_PAGE_SIZE = 5_000;

/** Counts every difference and keeps the first few. */
export class Differences {
  readonly first: DomainDifference[] = [];
  count = 0;

  constructor(private readonly limit: number) {}

  add(difference: DomainDifference): void {
    this.count += 1;
    if (this.first.length < this.limit) this.first.push(difference);
  }

  /** Adds a difference when `live` and `domain` are not the same value. */
  compare(streamId: string, what: string, live: unknown, domain: unknown): void {
    if (live !== domain) this.add({ streamId, what, live, domain });
  }
}

/** What a model-specific check does with the log and the snapshot. */
export interface DomainFold {
  /** Folds the next event of the log (quarantined ones are left out). */
  fold(recorded: RecordedEvent): void;
  /** Compares what was folded with the live tables, read on `snapshot`. */
  compare(snapshot: pg.PoolClient, differences: Differences): Promise<void>;
  /** How many streams were folded. */
  readonly streams: number;
}

/**
 * Reads the live checkpoint and tables of projection `name` in one repeatable-read snapshot
 * (the runner commits rows and checkpoint together, so it may keep applying meanwhile),
 * folds the log up to that checkpoint, and lets `fold` compare. The snapshot stays open while
 * the log is read: long for a big log, but read only, and it needs no lock.
 */
export const checkAgainstDomain = async (name: string, options: DomainCheckOptions, fold: DomainFold): Promise<DomainComparison> => {
  const differences = new Differences(options.limit ?? DEFAULT_LIMIT);
  const quarantine = await Quarantine.load(options.store, name);
  const snapshot = await options.pool.connect();
  try {
    await snapshot.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const position = (await readCheckpoint(snapshot, name))?.position;
    let quarantined = 0;
    let after: Position | undefined;
    // Nothing applied, nothing to fold; otherwise page through the log up to the checkpoint.
    for (let more = position !== undefined; more; ) {
      options.signal?.throwIfAborted();
      const page = await options.store.readAll({ maxCount: options.pageSize ?? DEFAULT_PAGE_SIZE, ...(after ? { after } : {}) });
      const upTo = page.filter((e) => comparePositions(e.position, position!) <= 0);
      const { apply, skipped } = quarantine.sift(upTo);
      quarantined += skipped.length;
      // Decoded, as the command side folds: old shapes fold as the domain reads them now.
      for (const recorded of apply) fold.fold(decode(recorded));
      more = upTo.length === page.length && page.length > 0;
      after = page.at(-1)?.position;
    }
    await fold.compare(snapshot, differences);
    return {
      projection: name,
      position,
      streams: fold.streams,
      quarantined,
      differences: differences.first,
      differenceCount: differences.count,
      equal: differences.count === 0,
    };
  } finally {
    await snapshot.query('COMMIT').catch(() => undefined);
    snapshot.release();
  }
};
