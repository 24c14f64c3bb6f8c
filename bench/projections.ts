/**
 * Seeds BENCH_EVENTS events (default 1,000,000) through the PostgreSQL event store, times a
 * full rebuild of every projection, then measures the lag from append to visible in a
 * GraphQL query at a steady BENCH_RATE events per second (default 500). Last line of
 * output: one JSON object with every figure.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp } from '../src/app.js';
import type { CheckInEvent } from '../src/domain/check-in/check-in.js';
import type { EventDetails, EventEvent } from '../src/domain/event/event.js';
import type { EventData } from '../src/eventstore/event-store.js';
import { formatPosition } from '../src/eventstore/position.js';
import { PostgresEventStore } from '../src/eventstore/postgres/postgres-event-store.js';
import { migrate } from '../src/postgres/migrate.js';
import { openBenchDatabase } from './bench-database.js';
import { anEvent } from '../test/events.js';
import { createPool } from '../src/postgres/pool.js';
import { startProjector } from '../src/projections/projector.js';
import { projections } from '../src/projections/projections.js';
import { buildShadowsTogether, rebuildProjection } from '../src/projections/rebuild.js';
import { personalDataStore } from '../src/personal-data/personal-data-store.js';
import { MasterKey } from '../src/security/master-key.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const LAG_SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const REGISTRATIONS_PER_EVENT = 900;
const CHECK_INS_PER_EVENT = 100;
const WRITERS = 16;

const details: EventDetails = {
  title: 'Benchmark',
  description: '',
  venue: 'Hall',
  timeZone: 'UTC',
  registrationOpensAt: '2026-01-01T00:00:00.000Z',
  registrationClosesAt: '2027-01-01T00:00:00.000Z',
  requiresApproval: false,
  faceVerification: 'off',
};

const envelope = (event: EventEvent | CheckInEvent): EventData => anEvent(event.type, event.data);

/** One event's whole life: set-up, 900 registrations (a tenth waitlisted), 100 check-ins. */
const eventLife = (store: PostgresEventStore) => async () => {
  const eventId = randomUUID();
  const sessionId = randomUUID();
  const stream = `event-${eventId}`;
  const session = {
    sessionId,
    startsAt: '2026-07-02T16:00:00.000Z',
    endsAt: '2026-07-02T18:00:00.000Z',
    checkInOpensAt: '2026-07-02T15:00:00.000Z',
    checkInClosesAt: '2026-07-02T18:00:00.000Z',
  };
  let revision = (
    await store.append(
      stream,
      [
        envelope({ type: 'EventCreated', data: { eventId, organizerId: 'org', details, capacity: 810 } }),
        envelope({ type: 'SessionsScheduled', data: { sessions: [session] } }),
        envelope({ type: 'StaffAssigned', data: { staffId: 'staff' } }),
        envelope({ type: 'EventPublished', data: { eventId } }),
      ],
      'no_stream',
    )
  ).nextExpectedRevision;
  const registrations = Array.from({ length: REGISTRATIONS_PER_EVENT }, (_, i) => ({ registrationId: randomUUID(), attendeeId: `a-${i}` }));
  for (let i = 0; i < registrations.length; i += 100) {
    const chunk = registrations.slice(i, i + 100).map((r, j): EventData =>
      envelope(
        i + j < 810
          ? { type: 'RegistrationConfirmed', data: { ...r, via: 'registration' } }
          : { type: 'RegistrationWaitlisted', data: r },
      ),
    );
    revision = (await store.append(stream, chunk, revision)).nextExpectedRevision;
  }
  for (const r of registrations.slice(0, CHECK_INS_PER_EVENT))
    await store.append(
      `checkin-${sessionId}-${r.registrationId}`,
      [envelope({ type: 'CheckedIn', data: { eventId, sessionId, ...r, staffId: 'staff', method: 'scan', reason: null } })],
      'no_stream',
    );
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

const main = async () => {
  const database = await openBenchDatabase('projections');
  const { url } = database;
  const pool = createPool(url, 24, (error) => console.error(`idle connection lost: ${error.message}`));
  await migrate(pool);
  const store = new PostgresEventStore({ pool, connectionString: url });

  // Seed.
  const perEvent = 4 + REGISTRATIONS_PER_EVENT + CHECK_INS_PER_EVENT;
  const lives = Math.ceil(EVENTS / perEvent);
  const seedStart = performance.now();
  let next = 0;
  const life = eventLife(store);
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < lives) {
        next++;
        await life();
      }
    }),
  );
  const seeded = lives * perEvent;
  const seedSeconds = (performance.now() - seedStart) / 1000;
  console.log(`Seeded ${seeded} events in ${round(seedSeconds)} s (${Math.round(seeded / seedSeconds)} events/s)`);

  // Rebuild every projection from scratch, as `rollcall admin projections rebuild --all` does:
  // one pass over the log builds every shadow, then each catches up and swaps.
  const rebuildStart = performance.now();
  await buildShadowsTogether({ store, pool, projections });
  for (const projection of projections) {
    const result = await rebuildProjection({ store, pool, projection });
    process.stderr.write(`  ${projection.name}: rebuilt from ${result.applied} events and swapped in\n`);
  }
  const rebuildSeconds = (performance.now() - rebuildStart) / 1000;
  console.log(`Rebuilt ${projections.length} projections over ${seeded} events in ${round(rebuildSeconds)} s`);

  // Lag: append at a steady rate, ask GraphQL for each append's position.
  const projector = await startProjector({ store, pool, onFailure: (f) => console.error('projection failed', f) });
  const masterKey = MasterKey.generate();
  const app = await buildApp({ ...personalDataStore(store, pool, masterKey), pool, outboxDir: path.join(database.dir, 'outbox'), masterKey }, { logger: false });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  // Several events, so that appends at the target rate do not queue behind each other's fsync.
  const lanes = await Promise.all(
    Array.from({ length: 10 }, async () => {
      const eventId = randomUUID();
      const appended = await store.append(
        `event-${eventId}`,
        [
          envelope({ type: 'EventCreated', data: { eventId, organizerId: 'org', details, capacity: 1_000_000 } }),
          envelope({ type: 'EventPublished', data: { eventId } }),
        ],
        'no_stream',
      );
      return { eventId, revision: appended.nextExpectedRevision, busy: Promise.resolve() };
    }),
  );
  const query = `query ($e: ID!, $at: String) { event(eventId: $e, atPosition: $at) { counts { confirmed } } }`;
  // atPosition waits only for a caller who is logged in, as the writer of what it waits for is.
  const { token } = await app.tokens.issueAccessToken({ accountId: 'org', roles: ['organizer'] });
  const lags: number[] = [];
  const pending: Promise<void>[] = [];
  const interval = 1000 / RATE;
  const lagStart = performance.now();
  const measureOne = async (lane: (typeof lanes)[number], i: number) => {
    const appended = await store.append(
      `event-${lane.eventId}`,
      [envelope({ type: 'RegistrationConfirmed', data: { registrationId: randomUUID(), attendeeId: `lag-${i}`, via: 'registration' } })],
      lane.revision,
    );
    lane.revision = appended.nextExpectedRevision;
    const stored = performance.now();
    const response = await fetch(`${address}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables: { e: lane.eventId, at: formatPosition(appended.position) } }),
    });
    const body = (await response.json()) as { data?: { event?: { counts: { confirmed: number } } }; errors?: unknown };
    if (!body.data?.event || body.data.event.counts.confirmed < 1) throw new Error(`not visible: ${JSON.stringify(body)}`);
    lags.push(performance.now() - stored);
  };
  for (let i = 0; performance.now() - lagStart < LAG_SECONDS * 1000; i++) {
    const due = lagStart + i * interval;
    if (due > performance.now()) await sleep(due - performance.now());
    const lane = lanes[i % lanes.length]!;
    // One append at a time per event: its expected revision comes from the previous one.
    const run = lane.busy.then(() => measureOne(lane, i));
    lane.busy = run.then(
      () => undefined,
      () => undefined,
    );
    pending.push(run);
  }
  const loopSeconds = (performance.now() - lagStart) / 1000;
  await Promise.all(pending);
  const achievedRate = lags.length / loopSeconds;
  lags.sort((a, b) => a - b);

  await app.close();
  await projector.stop();
  await store.close();
  await pool.end();
  await database.close();

  const figures = {
    benchmark: 'projections',
    events: seeded,
    seed_events_per_s: Math.round(seeded / seedSeconds),
    rebuild_seconds: round(rebuildSeconds),
    rebuild_events_per_s: Math.round(seeded / rebuildSeconds),
    lag_rate_per_s: round(achievedRate),
    lag_samples: lags.length,
    lag_median_ms: round(percentile(lags, 50), 2),
    lag_p99_ms: round(percentile(lags, 99), 2),
  };
  console.log(`Lag from append to visible in GraphQL at ${figures.lag_rate_per_s}/s: median ${figures.lag_median_ms} ms, p99 ${figures.lag_p99_ms} ms`);
  console.log(JSON.stringify(figures));
};

await main();
