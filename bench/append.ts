/**
 * Appends per second on Rollcall's PostgreSQL event store, Emmett's PostgreSQL event
 * store and a bare INSERT of the same rows, on one database with one pool size and
 * PostgreSQL's default durability (fsync on, synchronous_commit on, logged tables).
 * Last line of output: one JSON object with every figure.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { STREAM_DOES_NOT_EXIST, type ExpectedStreamVersion } from '@event-driven-io/emmett';
import { endAllPools } from '@event-driven-io/dumbo';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import type { EventData, ExpectedRevision } from '../src/eventstore/event-store.js';
import { PostgresEventStore } from '../src/eventstore/postgres/postgres-event-store.js';
import { migrate } from '../src/postgres/migrate.js';
import { openBenchDatabase } from './bench-database.js';
import { createPool } from '../src/postgres/pool.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const POOL_SIZE = 32;
const WRITERS = [1, 8, 32, 128];
const BATCHES = [1, 10];
/** `rollcall_alone`: Rollcall with group commit off, every append its own transaction (the figure before group commit). */
const SYSTEMS = ['rollcall', 'rollcall_alone', 'emmett', 'raw'] as const;
type System = (typeof SYSTEMS)[number];

/** One append by one writer; each writer owns its stream and tracks its revision. */
type Writer = () => Promise<void>;
type WriterFactory = (stream: string, batch: number) => Writer;

/** A registration-sized event with the full envelope. */
const makeEvent = (): EventData => ({
  id: randomUUID(),
  type: 'AttendeeRegistered',
  data: {
    eventId: randomUUID(),
    registrationId: randomUUID(),
    attendeeId: randomUUID(),
    status: 'confirmed',
    seat: 42,
    answers: { diet: 'vegetarian', tshirt: 'M' },
  },
  metadata: {
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actorId: randomUUID(),
    commandId: randomUUID(),
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  },
});
const makeBatch = (size: number) => Array.from({ length: size }, makeEvent);

const rollcallWriter = (store: PostgresEventStore): WriterFactory => (stream, batch) => {
  let expected: ExpectedRevision = 'no_stream';
  return async () => {
    expected = (await store.append(stream, makeBatch(batch), expected)).nextExpectedRevision;
  };
};

const emmettWriter = (store: ReturnType<typeof getPostgreSQLEventStore>): WriterFactory => (stream, batch) => {
  let expected: ExpectedStreamVersion = STREAM_DOES_NOT_EXIST;
  return async () => {
    const events = makeBatch(batch).map(({ type, data, metadata }) => ({ type, data, metadata }));
    expected = (await store.appendToStream(stream, events, { expectedStreamVersion: expected })).nextExpectedStreamVersion;
  };
};

const RAW_TABLE = `CREATE TABLE IF NOT EXISTS bench_raw_events (
  position bigserial PRIMARY KEY, stream_id text NOT NULL, revision bigint NOT NULL, event_id uuid NOT NULL,
  type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())`;

/** The ceiling: the same rows in one INSERT, with no checks at all. */
const rawWriter = (pool: ReturnType<typeof createPool>): WriterFactory => (stream, batch) => {
  let revision = 0;
  return async () => {
    const events = makeBatch(batch);
    const revisions = events.map(() => revision++);
    await pool.query({
      name: 'bench_raw_insert',
      text: `INSERT INTO bench_raw_events (stream_id, revision, event_id, type, data, metadata)
             SELECT $1, r, i, t, d, m FROM unnest($2::bigint[], $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[]) AS x(r, i, t, d, m)`,
      values: [
        stream,
        revisions,
        events.map((e) => e.id),
        events.map((e) => e.type),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => JSON.stringify(e.metadata)),
      ],
    });
  };
};

/** Runs `writers` concurrent writers for `seconds`; returns appends per second. */
const measure = async (factory: WriterFactory, label: string, writers: number, batch: number, seconds: number) => {
  const deadline = performance.now() + seconds * 1000;
  let appends = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const append = factory(`${label}-${randomBytes(4).toString('hex')}-${w}`, batch);
      while (performance.now() < deadline) {
        await append();
        appends++;
      }
    }),
  );
  return appends / ((performance.now() - started) / 1000);
};

const main = async () => {
  const database = await openBenchDatabase('append');
  const { url } = database;
  const pool = createPool(url, POOL_SIZE, (error) => console.error(`idle connection lost: ${error.message}`));
  await migrate(pool);
  await pool.query(RAW_TABLE);
  const rollcall = new PostgresEventStore({ pool, connectionString: url });
  const rollcallAlone = new PostgresEventStore({ pool, connectionString: url, groupCommit: false });
  const emmett = getPostgreSQLEventStore(url, { connectionOptions: { pool } });
  await emmett.schema.migrate();

  const settings = Object.fromEntries(
    (
      await pool.query<{ name: string; setting: string }>(
        `SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'server_version')`,
      )
    ).rows.map((r) => [r.name, r.setting]),
  );
  console.log(`PostgreSQL ${settings.server_version}: fsync=${settings.fsync} synchronous_commit=${settings.synchronous_commit} ` +
    `wal_sync_method=${settings.wal_sync_method}; pool size ${POOL_SIZE} for all; ${SECONDS}s per case`);

  const factories: Record<System, WriterFactory> = {
    rollcall: rollcallWriter(rollcall),
    rollcall_alone: rollcallWriter(rollcallAlone),
    emmett: emmettWriter(emmett),
    raw: rawWriter(pool),
  };
  for (const system of SYSTEMS) await measure(factories[system], `warmup-${system}`, 8, 1, 1);

  const cases: Record<string, Record<string, number>> = {};
  console.log('\nwriters batch | rollcall ev/s | alone ev/s | emmett ev/s |    raw ev/s | rollcall/emmett | rollcall/raw');
  for (const writers of WRITERS) {
    for (const batch of BATCHES) {
      const perSecond = {} as Record<System, number>;
      // The three run back to back per case, so drift in the machine hits them alike.
      for (const system of SYSTEMS) perSecond[system] = await measure(factories[system], system, writers, batch, SECONDS);
      const figures: Record<string, number> = {};
      for (const system of SYSTEMS) {
        figures[`${system}_appends_per_s`] = round(perSecond[system]);
        figures[`${system}_events_per_s`] = round(perSecond[system] * batch);
      }
      figures['rollcall/emmett'] = round(perSecond.rollcall / perSecond.emmett, 2);
      figures['rollcall/raw'] = round(perSecond.rollcall / perSecond.raw, 2);
      cases[`writers_${writers}_batch_${batch}`] = figures;
      console.log(
        `${String(writers).padStart(7)} ${String(batch).padStart(5)} | ${pad(figures.rollcall_events_per_s!)} | ${pad(figures.rollcall_alone_events_per_s!, 10)} | ` +
          `${pad(figures.emmett_events_per_s!, 11)} | ${pad(figures.raw_events_per_s!, 11)} | ` +
          `${pad(figures['rollcall/emmett']!, 15)} | ${pad(figures['rollcall/raw']!, 12)}`,
      );
    }
  }

  await rollcall.close();
  await rollcallAlone.close();
  await emmett.close();
  // Emmett's schema migration opens a pool of its own, which close() leaves open.
  await endAllPools();
  await pool.end();
  await database.close();

  const ratios = (key: string) => Object.values(cases).map((c) => c[key]!);
  console.log(
    JSON.stringify({
      benchmark: 'append',
      seconds_per_case: SECONDS,
      pool_size: POOL_SIZE,
      postgres: settings,
      cases,
      min_ratio_vs_emmett: Math.min(...ratios('rollcall/emmett')),
      min_ratio_vs_raw: Math.min(...ratios('rollcall/raw')),
    }),
  );
};

const round = (value: number, digits = 0) => Number(value.toFixed(digits));
const pad = (value: number, width = 13) => String(value).padStart(width);

await main();
