// Over 300 lines on purpose: the runner's guarantees (order, resuming, failing, handing over, how it commits) share one counting projection and its helpers.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, uniqueStream } from '../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import type { RecordedEvent } from '../eventstore/event-store.js';
import { type Position, formatPosition } from '../eventstore/position.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import type { Projection } from './projection.js';
import {
  PROJECTIONS_CHANNEL,
  type ProjectionFailure,
  ProjectionRunner,
  type ProjectionRunnerOptions,
  liveSchema,
  readCheckpoint,
} from './runner.js';

let db: TestDatabase;
let store: PostgresEventStore;
const cleanup: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
});
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  await store?.close();
  await db?.close();
});

/**
 * Counts events per stream into `counts` and logs every applied position into `applied`,
 * whose unique position makes applying an event twice fail loudly. Writes a batch's rows
 * first and fails afterwards, so only a rollback can keep the rows of a bad batch out.
 */
const counting = (name: string) => {
  const projection = {
    name,
    tables: [`${liveSchema(name)}.counts`, `${liveSchema(name)}.applied`],
    failOn: undefined as string | undefined,
    /** Each call's events, in call order (including calls that threw). */
    calls: [] as RecordedEvent[][],
    async setUp(client: pg.PoolClient, schema: string) {
      await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.counts (stream_id text PRIMARY KEY, count int NOT NULL)`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.applied (
        seq bigserial PRIMARY KEY, position bigint NOT NULL UNIQUE, event_id uuid NOT NULL)`);
    },
    async apply(client: pg.PoolClient, schema: string, batch: readonly RecordedEvent[]) {
      projection.calls.push([...batch]);
      await client.query(
        `INSERT INTO ${schema}.applied (position, event_id) SELECT * FROM unnest($1::bigint[], $2::uuid[])`,
        [batch.map((e) => e.position.commit.toString()), batch.map((e) => e.id)],
      );
      await client.query(
        `INSERT INTO ${schema}.counts (stream_id, count)
         SELECT stream_id, count(*) FROM unnest($1::text[]) AS s(stream_id) GROUP BY stream_id
         ON CONFLICT (stream_id) DO UPDATE SET count = counts.count + excluded.count`,
        [batch.map((e) => e.streamId)],
      );
      const bad = batch.find((e) => e.id === projection.failOn);
      if (bad) throw new Error(`cannot count ${bad.id}`);
    },
  } satisfies Projection & Record<string, unknown>;
  return projection;
};

const runnerFor = (projection: Projection, options: Partial<ProjectionRunnerOptions> = {}) => {
  const runner = new ProjectionRunner({ store, pool: db.pool, projection, lockRetryMs: 50, ...options });
  cleanup.push(() => runner.stop());
  return runner;
};

/** Every event in the store, in global order. */
const everything = async (): Promise<RecordedEvent[]> => {
  const all: RecordedEvent[] = [];
  for (;;) {
    const page = await store.readAll({ maxCount: 10_000, ...(all.length ? { after: all.at(-1)!.position } : {}) });
    if (page.length === 0) return all;
    all.push(...page);
  }
};

const appendSome = async (count: number, streams = 3): Promise<Position> => {
  const names = Array.from({ length: streams }, () => uniqueStream('runner'));
  let last: Position | undefined;
  for (let i = 0; i < count; i += 100) {
    const stream = names[(i / 100) % streams]!;
    last = (await store.append(stream, events(Math.min(100, count - i)), 'any')).position;
  }
  return last!;
};

const headPosition = async (): Promise<Position> => (await everything()).at(-1)!.position;

const appliedPositions = async (name: string): Promise<bigint[]> =>
  (
    await db.pool.query<{ position: string }>(`SELECT position FROM ${liveSchema(name)}.applied ORDER BY seq`)
  ).rows.map((r) => BigInt(r.position));

const countsOf = async (name: string): Promise<Map<string, number>> =>
  new Map(
    (
      await db.pool.query<{ stream_id: string; count: number }>(`SELECT stream_id, count FROM ${liveSchema(name)}.counts`)
    ).rows.map((r) => [r.stream_id, r.count]),
  );

const countsIn = (all: readonly RecordedEvent[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const e of all) counts.set(e.streamId, (counts.get(e.streamId) ?? 0) + 1);
  return counts;
};

describe('ProjectionRunner', () => {
  it('applies every stored and every new event exactly once, in global order, and announces its checkpoint', async () => {
    await appendSome(250);
    const projection = counting('every_event');
    const runner = runnerFor(projection);
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    cleanup.push(() => listener.end());
    const notices: string[] = [];
    listener.on('notification', (n) => notices.push(n.payload ?? ''));
    await listener.query(`LISTEN ${PROJECTIONS_CHANNEL}`);

    await runner.start();
    expect(runner.status().state).toBe('running');
    const live = await appendSome(120);
    await runner.caughtUp(live);

    const all = await everything();
    expect(await appliedPositions('every_event')).toEqual(all.map((e) => e.position.commit));
    expect(projection.calls.flat().map((e) => e.id)).toEqual(all.map((e) => e.id));
    expect(await countsOf('every_event')).toEqual(countsIn(all));
    expect((await readCheckpoint(db.pool, 'every_event'))?.position).toEqual(live);
    // Another connection hears the notice: on a busy machine, maybe after poll's default second.
    await expect.poll(() => notices, { timeout: 10_000 }).toContain(`every_event:${live.commit}/${live.prepare}`);

    await runner.stop();
    expect(runner.status()).toMatchObject({ name: 'every_event', state: 'stopped', position: live });
    expect((await readCheckpoint(db.pool, 'every_event'))?.status).toBe('stopped');
  });

  it('commits its batches without waiting for the WAL flush, which the log it derives from has had', async () => {
    const projection = counting('unflushed');
    const settings: string[] = [];
    const apply = projection.apply;
    projection.apply = async (client, schema, batch) => {
      settings.push((await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]!.synchronous_commit);
      await apply(client, schema, batch);
    };
    const runner = runnerFor(projection);
    await runner.start();
    await runner.caughtUp(await appendSome(30));
    expect(settings.length).toBeGreaterThan(0);
    expect(new Set(settings)).toEqual(new Set(['off']));
    // Only for the batch's transaction: the connection goes back to the pool as it came.
    expect((await db.pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]!.synchronous_commit).toBe('on');
  });

  it('resumes after its checkpoint when a new runner starts, applying nothing twice', async () => {
    await appendSome(50);
    const first = counting('resumes');
    const runner = runnerFor(first);
    await runner.start();
    const stoppedAt = await headPosition();
    await runner.caughtUp(stoppedAt);
    await runner.stop();

    const later = await appendSome(80);
    const second = counting('resumes');
    const next = runnerFor(second);
    await next.start();
    expect(next.status().position).toEqual(stoppedAt);
    await next.caughtUp(later);
    await next.stop();

    const all = await everything();
    expect(second.calls.flat().map((e) => e.id)).toEqual(
      all.filter((e) => e.position.commit > stoppedAt.commit).map((e) => e.id),
    );
    expect(await appliedPositions('resumes')).toEqual(all.map((e) => e.position.commit));
    expect(await countsOf('resumes')).toEqual(countsIn(all));
  });

  it('on an event that fails mid-batch, commits the good prefix, stops before the bad event and resumes once fixed', async () => {
    await appendSome(300);
    const all = await everything();
    const badIndex = all.length - 120;
    const bad = all[badIndex]!;
    const projection = counting('fails');
    projection.failOn = bad.id;
    const failures: ProjectionFailure[] = [];
    let failed!: () => void;
    const failedOnce = new Promise<void>((resolve) => (failed = resolve));
    const runner = runnerFor(projection, {
      onFailure: (failure) => {
        failures.push(failure);
        failed();
      },
    });
    await runner.start();
    await failedOnce;

    // Where batches split depends on timing; whichever batch held the bad event, the events
    // before it (checked below) were committed and the ones after it were not.
    expect(projection.calls.some((call) => call.some((e) => e.id === bad.id))).toBe(true);

    const before = all[badIndex - 1]!.position;
    const status = runner.status();
    expect(status.state).toBe('failed');
    expect(status.position).toEqual(before);
    expect(status.failure).toMatchObject({
      projection: 'fails',
      eventId: bad.id,
      type: bad.type,
      streamId: bad.streamId,
      position: formatPosition(bad.position),
      error: `cannot count ${bad.id}`,
      checkpoint: formatPosition(before),
    });
    expect(status.failure!.lag.events).toBeGreaterThanOrEqual(1);
    expect(BigInt(status.failure!.lag.head!)).toBeGreaterThanOrEqual(bad.position.commit);
    expect(failures).toEqual([status.failure]);

    const stored = await readCheckpoint(db.pool, 'fails');
    expect(stored).toMatchObject({ position: before, status: 'failed', failure: { eventId: bad.id } });
    const applied = await appliedPositions('fails');
    expect(applied).toEqual(all.slice(0, badIndex).map((e) => e.position.commit));
    expect(applied).not.toContain(bad.position.commit);
    await expect(runner.caughtUp(bad.position, { timeoutMs: 200 })).rejects.toThrow(/failed/);

    projection.failOn = undefined;
    projection.calls.length = 0;
    await runner.start();
    expect(runner.status()).toMatchObject({ state: 'running', position: before });
    expect(runner.status().failure).toBeUndefined();
    const head = await headPosition();
    await runner.caughtUp(head);
    await runner.stop();

    expect(projection.calls[0]![0]!.id).toBe(bad.id);
    const after = await everything();
    expect(await appliedPositions('fails')).toEqual(after.map((e) => e.position.commit));
    expect(await countsOf('fails')).toEqual(countsIn(after));
    expect(await readCheckpoint(db.pool, 'fails')).toMatchObject({ position: head, failure: null });
  });

  it('lets one of two runners apply while the other waits, and hands over without gaps or repeats', async () => {
    // The second runner stands for another process: its own pool and store.
    const otherPool = new pg.Pool({ connectionString: db.url, max: 5 });
    const otherStore = new PostgresEventStore({ pool: otherPool, connectionString: db.url });
    cleanup.push(() => otherPool.end(), () => otherStore.close());

    await appendSome(100);
    const active = counting('handover');
    const standby = counting('handover');
    const first = runnerFor(active);
    const second = runnerFor(standby, { pool: otherPool, store: otherStore });
    await first.start();
    await second.start();
    expect(first.status().state).toBe('running');
    expect(second.status().state).toBe('waiting_for_lock');

    const handedOverAt = await appendSome(150);
    await first.caughtUp(handedOverAt);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(standby.calls).toHaveLength(0);
    expect(second.status().state).toBe('waiting_for_lock');

    await first.stop();
    const later = await appendSome(120);
    await second.caughtUp(later);
    expect(second.status().state).toBe('running');
    await second.stop();

    expect(standby.calls[0]![0]!.position.commit).toBeGreaterThan(handedOverAt.commit);
    const all = await everything();
    expect(await appliedPositions('handover')).toEqual(all.map((e) => e.position.commit));
    expect(await countsOf('handover')).toEqual(countsIn(all));
  });

  it('applies events in batches: 2,000 stored events take far fewer than 2,000 transactions', async () => {
    await appendSome(2_000, 4);
    const total = (await everything()).length;
    const projection = counting('batches');
    const runner = runnerFor(projection, { batchSize: 300 });
    await runner.start();
    await runner.caughtUp(await headPosition());
    await runner.stop();

    expect(projection.calls.flat()).toHaveLength(total);
    expect(Math.max(...projection.calls.map((c) => c.length))).toBeLessThanOrEqual(300);
    expect(projection.calls.length).toBeLessThan(total / 50);
  });

  it('stops while waiting for the lock', async () => {
    const holder = runnerFor(counting('waits'));
    await holder.start();
    const runner = runnerFor(counting('waits'));
    await runner.start();
    expect(runner.status().state).toBe('waiting_for_lock');
    await runner.stop();
    expect(runner.status().state).toBe('stopped');
    await holder.stop();
  });
});
