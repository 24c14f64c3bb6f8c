import PgBoss from 'pg-boss';
import pg from 'pg';
import { DomainError } from '../domain/domain-error.js';
import type { EventStore } from '../eventstore/event-store.js';
import { formatPosition } from '../eventstore/position.js';
import { REBUILD_QUEUE, createQueues } from './queues.js';
import { ADVISORY_LOCK } from '../postgres/advisory-locks.js';
import { TICKET_MAIL_HORIZON_MS } from './ticket-delivery.js';
import { isUuid } from '../uuid.js';
import { projections } from '../projections/projections.js';
import { rebuildProjection } from '../projections/rebuild.js';

export { REBUILD_QUEUE };

export interface RebuildJobData {
  projection: string;
  requestedBy: string;
}

export interface RebuildJobView {
  id: string;
  projection: string;
  state: string;
  createdOn: string;
  completedOn: string | null;
  /** What the job ended with: the rebuilt position, or the error. */
  output: unknown;
}

/** A pg-boss instance on Rollcall's database, started on first use and stopped with the process. */
export class Jobs {
  private started: Promise<PgBoss> | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly options: Omit<PgBoss.ConstructorOptions, 'connectionString' | 'schema'> = {},
    /** What pg-boss reports going wrong in its background work (maintenance, polling), which it retries itself. */
    private readonly onError: (error: Error) => void = (error) => process.stderr.write(`pg-boss: ${error.message}\n`),
  ) {}

  boss(): Promise<PgBoss> {
    this.started ??= this.start().catch((error: unknown) => {
      // A database that was down at the first call must not leave every later call failing.
      this.started = undefined;
      throw error;
    });
    return this.started;
  }

  private async start(): Promise<PgBoss> {
    const boss = new PgBoss({
      connectionString: this.connectionString,
      max: 3,
      // A ticket's delivery job id is what stops a replay within the mail horizon from mailing
      // it twice, and an archived job no longer holds its id: keep them well past the horizon.
      archiveCompletedAfterSeconds: (2 * TICKET_MAIL_HORIZON_MS) / 1_000,
      ...this.options,
      schema: 'pgboss',
    });
    boss.on('error', (error) => this.onError(error));
    // pg-boss's schema and queue set-up is DDL; two processes starting at once deadlock on it.
    const lock = new pg.Client({ connectionString: this.connectionString, application_name: 'rollcall-jobs-setup' });
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK.jobsSetup]);
      await boss.start();
      await createQueues(boss);
    } catch (error) {
      await boss.stop({ graceful: false }).catch(() => undefined);
      throw error;
    } finally {
      await lock.end().catch(() => undefined);
    }
    return boss;
  }

  async stop(): Promise<void> {
    const started = this.started;
    this.started = undefined;
    if (started) await (await started).stop({ graceful: true, wait: true });
  }

  async requestRebuild(projection: string, requestedBy: string): Promise<RebuildJobView> {
    if (!projections.some((p) => p.name === projection))
      throw new DomainError('VALIDATION', `No projection named "${projection}"; there are ${projections.map((p) => p.name).join(', ')}`);
    const boss = await this.boss();
    // One queued rebuild per projection: asking again while one waits returns nothing new.
    const id = await boss.send(REBUILD_QUEUE, { projection, requestedBy } satisfies RebuildJobData, {
      singletonKey: projection,
      retryLimit: 2,
      retryBackoff: true,
    });
    if (!id) throw new DomainError('CONFLICT', `A rebuild of ${projection} is queued already`);
    return (await this.rebuildJob(id))!;
  }

  async rebuildJob(id: string): Promise<RebuildJobView | null> {
    if (!isUuid(id)) throw new DomainError('VALIDATION', 'A job id is a UUID');
    const job = await (await this.boss()).getJobById<RebuildJobData>(REBUILD_QUEUE, id, { includeArchive: true });
    if (!job) return null;
    return {
      id: job.id,
      projection: job.data.projection,
      state: job.state,
      createdOn: job.createdOn.toISOString(),
      completedOn: job.completedOn ? job.completedOn.toISOString() : null,
      output: job.output ?? null,
    };
  }

  /** Runs queued rebuilds, one at a time, in this process (the projector's). */
  async work(deps: { store: EventStore; pool: pg.Pool }): Promise<void> {
    const boss = await this.boss();
    await boss.work<RebuildJobData>(REBUILD_QUEUE, { batchSize: 1 }, async ([job]) => {
      const projection = projections.find((p) => p.name === job!.data.projection)!;
      const result = await rebuildProjection({ store: deps.store, pool: deps.pool, projection });
      return { position: result.position ? formatPosition(result.position) : null, applied: result.applied };
    });
  }
}
