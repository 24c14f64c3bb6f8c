// Over 300 lines on purpose: one benchmark, its generated history and the measuring process it starts, read top to bottom.
/**
 * bench:reports. Generates a history of BENCH_REPORT_EVENTS events (default 1,000) with
 * BENCH_REPORT_REGISTRATIONS registrations (default 1,000,000, one event of them holding a
 * tenth), their approvals, cancellations and door scans, folded into the attendance, accounts
 * and reports read models by the projections' own `apply` (the log itself is not needed to
 * time reads). Then a fresh API process downloads the big event's registrations.csv over HTTP
 * (rows/s, its peak RSS) and times eventReport and organizerReport through GraphQL; last, 10,000
 * new people are imported from CSV through the real commands (rows/s). Last line
 * of output: one JSON object with every figure.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { buildApp } from '../src/app.js';
import { schemaVersionOf } from '../src/domain/decode.js';
import { accountStream, checkInStream, eventStream } from '../src/domain/streams.js';
import type { RecordedEvent } from '../src/eventstore/event-store.js';
import { positionAt } from '../src/eventstore/position.js';
import { PostgresEventStore } from '../src/eventstore/postgres/postgres-event-store.js';
import { importBenchmark } from '../src/imports/import-benchmark.js';
import { personalDataStore } from '../src/personal-data/personal-data-store.js';
import { migrate } from '../src/postgres/migrate.js';
import { createPool } from '../src/postgres/pool.js';
import { inTransaction } from '../src/postgres/transaction.js';
import { accountsProjection } from '../src/projections/accounts/projection.js';
import { attendanceProjection } from '../src/projections/attendance/projection.js';
import type { Projection } from '../src/projections/projection.js';
import { reportsProjection } from '../src/projections/reports/projection.js';
import { recountOrganizerAttendees } from '../src/projections/reports/writer.js';
import { liveSchema } from '../src/projections/runner.js';
import { ignoreUnstorable } from '../src/projections/stored-values.js';
import { MasterKey } from '../src/security/master-key.js';
import { openBenchDatabase } from './bench-database.js';

const EVENTS = Number(process.env.BENCH_REPORT_EVENTS ?? 1_000);
const REGISTRATIONS = Number(process.env.BENCH_REPORT_REGISTRATIONS ?? 1_000_000);
const ATTENDEES = Math.ceil(REGISTRATIONS / 8);
const ORGANIZERS = 10;
const SAMPLES = 300;
const CHUNK = 5_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const mb = (bytes: number) => round(bytes / 1024 / 1024);

// ---- The generated history --------------------------------------------------------------

/** A small linear congruential generator: the same history every run. */
const random = (seed: number) => () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;

let lastPosition = 0n;
const recorded = (streamId: string, type: string, data: object, at: number): RecordedEvent => {
  lastPosition += 1n;
  return {
    id: randomUUID(),
    type,
    data: data as RecordedEvent['data'],
    metadata: { correlationId: 'bench', causationId: 'bench', actorId: 'bench', commandId: randomUUID(), occurredAt: new Date(at).toISOString(), schemaVersion: schemaVersionOf(type) },
    streamId,
    revision: 0n,
    position: positionAt(lastPosition),
    recordedAt: new Date(at),
  };
};

/** Names as organizers' spreadsheets meet them: plain, with a comma, and now and then formula-looking. */
const nameOf = (i: number) => (i % 100 === 0 ? `=cmd|' /C calc'!A${i}` : i % 37 === 0 ? `Doe, Jane ${i}` : `Attendee ${i}`);

/**
 * One event's life, in log order: set-up, registrations over the month before it (three in
 * ten events approve them, within two days), a tenth waitlisted, a twentieth cancelled, then
 * the door: seven in ten confirmed come (two sessions for one event in three), with some
 * refused scans and undone check-ins.
 */
const eventLife = (index: number, registrations: number, attendees: readonly string[]): RecordedEvent[] => {
  const next = random(index + 1);
  const eventId = randomUUID();
  const stream = eventStream(eventId);
  const starts = Date.UTC(2025, 0, 10, 17) + Math.floor((index * 350 * DAY) / EVENTS / HOUR) * HOUR;
  const sessions = Array.from({ length: index % 3 === 0 ? 2 : 1 }, (_, day) => ({
    sessionId: randomUUID(),
    startsAt: new Date(starts + day * DAY).toISOString(),
    endsAt: new Date(starts + day * DAY + 2 * HOUR).toISOString(),
    checkInOpensAt: new Date(starts + day * DAY - HOUR).toISOString(),
    checkInClosesAt: new Date(starts + day * DAY + 2 * HOUR).toISOString(),
  }));
  const approval = index % 10 < 3;
  const opens = starts - 30 * DAY;
  const details = {
    title: `Event ${index}`,
    description: '',
    venue: 'Hall',
    timeZone: 'Europe/Warsaw',
    registrationOpensAt: new Date(opens).toISOString(),
    registrationClosesAt: new Date(starts).toISOString(),
    requiresApproval: approval,
    faceVerification: 'off',
  };
  const life = [
    recorded(stream, 'EventCreated', { eventId, organizerId: `organizer-${index % ORGANIZERS}`, details, capacity: registrations }, opens - DAY),
    recorded(stream, 'SessionsScheduled', { sessions }, opens - DAY),
    recorded(stream, 'StaffAssigned', { staffId: 'staff-0' }, opens - DAY),
    recorded(stream, 'EventPublished', { eventId }, opens - DAY),
  ];
  const confirmed: { registrationId: string; attendeeId: string }[] = [];
  const cancellations: RecordedEvent[] = [];
  const offset = (index * 7_919) % attendees.length;
  for (let r = 0; r < registrations; r++) {
    const ticket = { registrationId: randomUUID(), attendeeId: attendees[(offset + r) % attendees.length]! };
    const at = opens + Math.floor(next() * 29 * DAY);
    if (next() < 0.1) {
      life.push(recorded(stream, 'RegistrationWaitlisted', ticket, at));
      continue;
    }
    if (approval) life.push(recorded(stream, 'RegistrationSubmitted', ticket, at));
    if (approval && next() < 0.05) {
      life.push(recorded(stream, 'RegistrationRejected', { registrationId: ticket.registrationId, reason: 'full' }, at + HOUR));
      continue;
    }
    life.push(recorded(stream, 'RegistrationConfirmed', { ...ticket, via: approval ? 'approval' : 'registration' }, approval ? at + Math.floor(next() * 2 * DAY) : at));
    if (next() < 0.05) cancellations.push(recorded(stream, 'RegistrationCancelled', { registrationId: ticket.registrationId, cancelledBy: ticket.attendeeId }, starts - DAY));
    else confirmed.push(ticket);
  }
  life.push(...cancellations);
  for (const { sessionId, startsAt } of sessions)
    for (const ticket of confirmed) {
      const door = next();
      if (door > 0.7) continue;
      const at = Date.parse(startsAt) + Math.floor((next() * 60 - 30) * 60_000);
      const data = { eventId, sessionId, ...ticket, staffId: 'staff-0' };
      const streamId = checkInStream(sessionId, ticket.registrationId);
      life.push(recorded(streamId, 'CheckedIn', { ...data, method: 'scan', reason: null }, at));
      if (door < 0.01) life.push(recorded(streamId, 'ScanRefused', { ...data, result: 'already_redeemed' }, at + 60_000));
      if (door > 0.695) life.push(recorded(streamId, 'CheckInUndone', { ...data, reason: 'wrong person' }, at + 120_000));
    }
  return life;
};

/** Folds events into the live tables of `models` with their own `apply`, a transaction per chunk, as a runner would. */
const fold = async (pool: pg.Pool, models: readonly Projection[], events: readonly RecordedEvent[]) => {
  const client = await pool.connect();
  try {
    for (let i = 0; i < events.length; i += CHUNK) {
      const chunk = events.slice(i, i + CHUNK);
      await client.query('BEGIN');
      for (const model of models) await model.apply(client, liveSchema(model.name), chunk, ignoreUnstorable);
      await client.query('COMMIT');
    }
  } finally {
    client.release();
  }
};

const seed = async (pool: pg.Pool): Promise<{ events: number; registrations: number; folded: number }> => {
  for (const model of [attendanceProjection, accountsProjection, reportsProjection]) {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${liveSchema(model.name)}`);
    const client = await pool.connect();
    await model.setUp(client, liveSchema(model.name)).finally(() => client.release());
  }
  const attendees = Array.from({ length: ATTENDEES }, () => randomUUID());
  const signUps = attendees.map((accountId, i) =>
    recorded(accountStream(accountId), 'AccountSignedUp', { accountId, email: `attendee${i}@example.org`, name: nameOf(i), passwordHash: 'none', roles: ['attendee'], signedUpAt: '2024-12-01T00:00:00.000Z' }, Date.UTC(2024, 11, 1)),
  );
  await fold(pool, [accountsProjection], signUps);
  // One event holds a tenth of the registrations: the export's 100,000 rows.
  const big = Math.ceil(REGISTRATIONS / 10);
  const perEvent = Math.floor((REGISTRATIONS - big) / (EVENTS - 1));
  const sizes = Array.from({ length: EVENTS }, (_, i) => (i === 0 ? REGISTRATIONS - perEvent * (EVENTS - 1) : perEvent));
  let folded = signUps.length;
  let done = 0;
  // Two at a time: the machine has two cores, shared with PostgreSQL.
  await Promise.all(
    [0, 1].map(async () => {
      for (let i = done++; i < EVENTS; i = done++) {
        const life = eventLife(i, sizes[i]!, attendees);
        await fold(pool, [attendanceProjection, reportsProjection], life);
        folded += life.length;
        if (i % 100 === 0) process.stderr.write(`  ${i + 1}/${EVENTS} events folded\n`);
      }
    }),
  );
  return { events: EVENTS, registrations: sizes.reduce((a, b) => a + b, 0), folded };
};

// ---- The measuring API process ----------------------------------------------------------

interface Measured {
  export_rows: number;
  export_seconds: number;
  export_rows_per_s: number;
  export_peak_rss_mb: number;
  rss_before_export_mb: number;
  event_report_median_ms: number;
  event_report_p99_ms: number;
  organizer_report_median_ms: number;
  organizer_report_p99_ms: number;
  organizer_report_half_year_median_ms: number;
  organizer_report_half_year_p99_ms: number;
  organizer_report_all_events_median_ms: number;
  organizer_report_all_events_p99_ms: number;
  organizer_report_all_events_half_median_ms: number;
  organizer_report_all_events_half_p99_ms: number;
  organizer_report_all_events_quarter_median_ms: number;
  organizer_report_all_events_quarter_p99_ms: number;
}

const timed = async (samples: number, run: (i: number) => Promise<void>) => {
  for (let i = 0; i < 20; i++) await run(i);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await run(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: round(percentile(times, 50), 2), p99: round(percentile(times, 99), 2) };
};

/** In a process of its own, so that its RSS is an API process's, not the generator's. */
const measure = async (url: string): Promise<Measured> => {
  const masterKey = MasterKey.generate();
  const pool = createPool(url, 10, (error) => console.error(`idle connection lost: ${error.message}`));
  const store = new PostgresEventStore({ pool, connectionString: url });
  const app = await buildApp({ ...personalDataStore(store, pool, masterKey), pool, outboxDir: path.join(process.env.BENCH_REPORTS_DIR!, 'outbox'), masterKey }, { logger: false });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const admin = (await app.tokens.issueAccessToken({ accountId: randomUUID(), roles: ['admin'] })).token;

  // The export: streamed to nowhere, its lines counted as they come; a small one first, so that
  // the first request's costs (keys, connections, compiling) are not the big one's.
  const { rows: [big, small] } = await pool.query<{ event_id: string }>(`SELECT event_id FROM ${liveSchema('reports')}.events ORDER BY confirmed DESC LIMIT 2`);
  const download = async (eventId: string) => {
    const response = await fetch(`${address}/events/${eventId}/exports/registrations.csv`, { headers: { authorization: `Bearer ${admin}` } });
    if (!response.ok || !response.body) throw new Error(`export answered ${response.status}`);
    let lines = 0;
    for await (const chunk of response.body) for (const byte of chunk as Uint8Array) if (byte === 10) lines++;
    return lines;
  };
  await download(small!.event_id);
  const rssBefore = process.memoryUsage.rss();
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const exportStart = performance.now();
  const lines = await download(big!.event_id);
  const exportSeconds = (performance.now() - exportStart) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  // No generated name holds a line break, so every LF ends a record; the first is the header's.
  const exportRows = lines - 1;

  const graphql = async (token: string, query: string, variables: object) => {
    const reply = await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, payload: JSON.stringify({ query, variables }) });
    const body = reply.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  };
  const { rows: events } = await pool.query<{ event_id: string }>(`SELECT event_id FROM ${liveSchema('reports')}.events ORDER BY random() LIMIT ${SAMPLES}`);
  const EVENT_REPORT = `query ($e: ID!) { eventReport(eventId: $e) { registrationsPerDay { day registrations } approvalTurnaround { medianSeconds p90Seconds }
    registrations { confirmed waitlisted cancelled rejected } unusedTickets refusals { reason scans }
    sessions { checkedIn noShows noShowRate arrivals { minutesFromStart checkIns } refusals { reason scans } } } }`;
  const eventReports = await timed(SAMPLES, (i) => graphql(admin, EVENT_REPORT, { e: events[i % events.length]!.event_id }));

  const ORGANIZER_REPORT = `query ($from: DateTime!, $to: DateTime!) { organizerReport(from: $from, to: $to, top: 20) {
    events { eventId showUpRate } topAttendees { attendeeId name email eventsAttended } attendees repeatAttendees repeatAttendanceRate } }`;
  const organizers = await Promise.all(Array.from({ length: ORGANIZERS }, async (_, i) => (await app.tokens.issueAccessToken({ accountId: `organizer-${i}`, roles: ['organizer'] })).token));
  const organizerReports = (period: object, samples: number) => timed(samples, (i) => graphql(organizers[i % ORGANIZERS]!, ORGANIZER_REPORT, period));
  const year = { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' };
  // Half the history in the period, half outside: the most either way of counting reads.
  const half = { from: '2025-01-01T00:00:00Z', to: '2025-06-25T00:00:00Z' };
  const quarter = { from: '2025-04-01T00:00:00Z', to: '2025-07-01T00:00:00Z' };
  const perOrganizer = { year: await organizerReports(year, 100), half: await organizerReports(half, 100) };
  // As if one organizer had held all 1,000 events: their rows given to organizer-0, and the
  // organizers' lists of attendees made again by the projection's own recount, every event's attendees touched.
  const reports = liveSchema('reports');
  await pool.query(`UPDATE ${reports}.events SET organizer_id = 'organizer-0'`);
  await pool.query(`TRUNCATE ${reports}.organizer_attendees, ${reports}.organizers`);
  const { rows: all } = await pool.query<{ event_id: string }>(`SELECT event_id FROM ${reports}.events`);
  await inTransaction(pool, (client) => recountOrganizerAttendees(client, reports, [], all.map((row) => row.event_id)));
  await pool.query(`VACUUM ANALYZE ${reports}.events, ${reports}.organizer_attendees, ${reports}.organizers`);
  const oneOrganizer = (period: object) => timed(30, () => graphql(organizers[0]!, ORGANIZER_REPORT, period));
  const allEvents = { year: await oneOrganizer(year), half: await oneOrganizer(half), quarter: await oneOrganizer(quarter) };

  await app.close();
  await store.close();
  await pool.end();
  return {
    export_rows: exportRows,
    export_seconds: round(exportSeconds, 2),
    export_rows_per_s: Math.round(exportRows / exportSeconds),
    export_peak_rss_mb: mb(peak),
    rss_before_export_mb: mb(rssBefore),
    event_report_median_ms: eventReports.median,
    event_report_p99_ms: eventReports.p99,
    organizer_report_median_ms: perOrganizer.year.median,
    organizer_report_p99_ms: perOrganizer.year.p99,
    organizer_report_half_year_median_ms: perOrganizer.half.median,
    organizer_report_half_year_p99_ms: perOrganizer.half.p99,
    organizer_report_all_events_median_ms: allEvents.year.median,
    organizer_report_all_events_p99_ms: allEvents.year.p99,
    organizer_report_all_events_half_median_ms: allEvents.half.median,
    organizer_report_all_events_half_p99_ms: allEvents.half.p99,
    organizer_report_all_events_quarter_median_ms: allEvents.quarter.median,
    organizer_report_all_events_quarter_p99_ms: allEvents.quarter.p99,
  };
};

const measureInItsOwnProcess = (url: string, dir: string): Promise<Measured> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx/esm', fileURLToPath(import.meta.url), 'measure'], {
      env: { ...process.env, BENCH_REPORTS_URL: url, BENCH_REPORTS_DIR: dir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`the measuring process exited with ${code}`))));
  });

// ---- Import -------------------------------------------------------------------------------

/**
 * 10,000 new people imported from CSV through the real commands (src/imports/): each an
 * invitation, an address claim, a mail and a registration, the job's report kept. Its
 * invitations go to the run's outbox folder.
 */
const importRowsPerSecond = async (pool: pg.Pool, url: string, dir: string): Promise<number> => {
  const masterKey = MasterKey.generate();
  const { store } = personalDataStore(new PostgresEventStore({ pool, connectionString: url }), pool, masterKey);
  try {
    const result = await importBenchmark({ pool, store, masterKey, outboxDir: path.join(dir, 'outbox'), rows: 10_000 });
    console.log(`import: ${result.rows} rows planned in ${round(result.planSeconds)} s and committed in ${round(result.commitSeconds)} s (${JSON.stringify(result.counts)})`);
    return round(result.rowsPerSecond);
  } finally {
    await store.close();
  }
};

const main = async () => {
  const database = await openBenchDatabase('reports');
  const pool = createPool(database.url, 8, (error) => console.error(`idle connection lost: ${error.message}`));
  try {
    await migrate(pool);
    const seedStart = performance.now();
    const seeded = await seed(pool);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    console.log(`Folded ${seeded.folded} events (${seeded.events} events, ${seeded.registrations} registrations) into the read models in ${round(seedSeconds)} s`);
    // As autovacuum would soon: planner statistics and a visibility map for index-only scans.
    await pool.query('VACUUM ANALYZE');
    const measured = await measureInItsOwnProcess(database.url, database.dir);
    console.log(`registrations.csv: ${measured.export_rows} rows in ${measured.export_seconds} s (${measured.export_rows_per_s} rows/s), peak RSS ${measured.export_peak_rss_mb} MB (${measured.rss_before_export_mb} MB before)`);
    console.log(`eventReport: median ${measured.event_report_median_ms} ms, p99 ${measured.event_report_p99_ms} ms`);
    const ms = (median: number, p99: number) => `median ${median} ms, p99 ${p99} ms`;
    console.log(`organizerReport, ${ORGANIZERS} organizers of ${seeded.events / ORGANIZERS} events each, over the year: ${ms(measured.organizer_report_median_ms, measured.organizer_report_p99_ms)}; over its first half: ${ms(measured.organizer_report_half_year_median_ms, measured.organizer_report_half_year_p99_ms)}`);
    console.log(`organizerReport, one organizer of all ${seeded.events} events, over the year: ${ms(measured.organizer_report_all_events_median_ms, measured.organizer_report_all_events_p99_ms)}; its first half: ${ms(measured.organizer_report_all_events_half_median_ms, measured.organizer_report_all_events_half_p99_ms)}; a quarter: ${ms(measured.organizer_report_all_events_quarter_median_ms, measured.organizer_report_all_events_quarter_p99_ms)}`);
    const imported = await importRowsPerSecond(pool, database.url, database.dir);
    const { export_rows_per_s, export_peak_rss_mb, ...more } = measured;
    const figures = { import_rows_per_s: imported, export_rows_per_s, export_peak_rss_mb, report_p99_ms: measured.event_report_p99_ms };
    console.log(JSON.stringify({ benchmark: 'reports', ...figures, events: seeded.events, registrations: seeded.registrations, seed_seconds: round(seedSeconds), ...more }));
  } finally {
    await pool.end();
    await database.close();
  }
};

if (process.argv[2] === 'measure') console.log(JSON.stringify(await measure(process.env.BENCH_REPORTS_URL!)));
else await main();
