// Over 300 lines on purpose: the rebuild's cases (resume, swap under a live runner, SIGKILL) share one seeded store.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent } from '../../test/events.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import type { AccountEvent } from '../domain/account/account.js';
import type { CheckInEvent } from '../domain/check-in/check-in.js';
import type { EventEvent } from '../domain/event/event.js';
import type { ForecastEvent } from '../domain/forecast/forecast.js';
import type { EventData, JsonObject } from '../eventstore/event-store.js';
import { type Position, comparePositions, formatPosition } from '../eventstore/position.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { ADVISORY_LOCK_CLASS } from '../postgres/advisory-locks.js';
import type { Projection } from './projection.js';
import { projections } from './projections.js';
import { buildShadowsTogether, rebuildProjection } from './rebuild.js';
import { ProjectionRunner, liveSchema, readCheckpoint } from './runner.js';
import { type RebuildProgress, rebuildSchema } from './shadow-build.js';
import { verifyProjection } from './verify.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let db: TestDatabase;
let store: PostgresEventStore;
const cleanup: (() => Promise<unknown>)[] = [];

const projection = (name: string): Projection => projections.find((p) => p.name === name)!;
const domainEvent = (event: EventEvent | CheckInEvent | AccountEvent | ForecastEvent): EventData => anEvent(event.type, event.data as unknown as JsonObject);

/** Every row of every table in `schema`, as text, sorted: what a reader of the read model sees. */
const dump = async (schema: string): Promise<Record<string, string[]>> => {
  const { rows: tables } = await db.pool.query<{ tablename: string }>(
    'SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename',
    [schema],
  );
  const result: Record<string, string[]> = {};
  for (const { tablename } of tables)
    result[tablename] = (await db.pool.query<{ row: string }>(`SELECT t::text AS row FROM ${schema}.${tablename} t ORDER BY 1`)).rows.map(
      (r) => r.row,
    );
  return result;
};

const checkpointOf = async (name: string): Promise<Position | undefined> => (await readCheckpoint(db.pool, name))?.position;

const headPosition = async (): Promise<Position> => {
  const { rows } = await db.pool.query<{ head: string }>('SELECT max(position) AS head FROM rollcall.events');
  return { commit: BigInt(rows[0]!.head), prepare: BigInt(rows[0]!.head) };
};

const leftoverSchemas = async (): Promise<string[]> =>
  (await db.pool.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rm\\_%\\_\\_%' ORDER BY 1`)).rows.map(
    (r) => r.nspname,
  );

const details = (title: string) => ({
  title,
  description: 'A day of talks',
  venue: 'Hall A',
  timeZone: 'Europe/Warsaw',
  registrationOpensAt: '2030-01-01T00:00:00.000Z',
  registrationClosesAt: '2030-06-01T00:00:00.000Z',
  requiresApproval: false,
  faceVerification: 'off' as const,
});

/** An event with two sessions, `attendees` registrations (the last tenth waitlisted) and `checkIns` scans. */
const seedEvent = async (attendees: number, checkIns: number): Promise<void> => {
  const eventId = randomUUID();
  const stream = `event-${eventId}`;
  const sessions = [0, 1].map((day) => ({
    sessionId: randomUUID(),
    startsAt: `2030-07-0${day + 1}T09:00:00.000Z`,
    endsAt: `2030-07-0${day + 1}T17:00:00.000Z`,
    checkInOpensAt: `2030-07-0${day + 1}T08:00:00.000Z`,
    checkInClosesAt: `2030-07-0${day + 1}T17:00:00.000Z`,
  }));
  const staffId = randomUUID();
  await store.append(
    stream,
    [
      domainEvent({ type: 'EventCreated', data: { eventId, organizerId: randomUUID(), details: details(`Conference ${eventId}`), capacity: attendees } }),
      domainEvent({ type: 'SessionsScheduled', data: { sessions } }),
      domainEvent({ type: 'StaffAssigned', data: { staffId } }),
      domainEvent({ type: 'EventPublished', data: { eventId } }),
    ],
    'no_stream',
  );
  const registrations = Array.from({ length: attendees }, () => ({ registrationId: randomUUID(), attendeeId: randomUUID() }));
  const registering = registrations.flatMap((r, i): EventData[] =>
    i >= attendees * 0.9
      ? [domainEvent({ type: 'RegistrationWaitlisted', data: r })]
      : [domainEvent({ type: 'RegistrationSubmitted', data: r }), domainEvent({ type: 'RegistrationConfirmed', data: { ...r, via: 'approval' } })],
  );
  for (let i = 0; i < registering.length; i += 250) await store.append(stream, registering.slice(i, i + 250), 'any');
  // Each session forecast twice, as two refreshes that found something new record it.
  const forecasts = [0.6, 0.7].flatMap((probability) =>
    sessions.map(({ sessionId }) =>
      domainEvent({
        type: 'AttendanceForecasted',
        data: {
          eventId,
          sessionId,
          expected: Math.round(20 * probability * 1e4) / 1e4,
          low: 10,
          high: 16,
          confirmed: 20,
          modelVersion: null,
          inputsPosition: '1',
          registrations: registrations.slice(0, 20).map(({ registrationId }) => ({ registrationId, probability })),
          computedAt: '2030-06-01T00:00:00.000Z',
        },
      }),
    ),
  );
  await store.append(`forecast-${eventId}`, forecasts, 'no_stream');
  const deviceId = randomUUID();
  await store.append(
    `scanner-${deviceId}`,
    [anEvent('ScannerDeviceRegistered', { deviceId, eventId, name: 'Door tablet', tokenHash: 'a'.repeat(64), registeredBy: staffId })],
    'no_stream',
  );
  for (const r of registrations.slice(0, checkIns)) {
    const session = sessions[0]!.sessionId;
    await store.append(
      `checkin-${session}-${r.registrationId}`,
      [domainEvent({ type: 'CheckedIn', data: { eventId, sessionId: session, ...r, staffId, method: 'scan', reason: null } })],
      'no_stream',
    );
  }
};

const seedAccounts = async (count: number): Promise<void> => {
  for (let i = 0; i < count; i++) {
    const accountId = randomUUID();
    const at = new Date(Date.UTC(2030, 0, 1, 0, i)).toISOString();
    await store.append(
      `account-${accountId}`,
      [
        domainEvent({
          type: 'AccountSignedUp',
          data: { accountId, email: `person${i}@example.org`, name: `Person ${i}`, passwordHash: 'scrypt$x', roles: ['attendee'], signedUpAt: at },
        }),
        domainEvent({ type: 'EmailVerified', data: { verifiedAt: at } }),
        ...(i % 10 === 0 ? [domainEvent({ type: 'RoleGranted', data: { role: 'organizer', grantedBy: 'admin', grantedAt: at } })] : []),
      ],
      'no_stream',
    );
  }
};

/** Runs the live runner of `name` until it has applied everything stored, then stops it. */
const runLive = async (name: string): Promise<void> => {
  const runner = new ProjectionRunner({ store, pool: db.pool, projection: projection(name), lockRetryMs: 50 });
  await runner.start();
  await runner.caughtUp(await headPosition(), { timeoutMs: 60_000 });
  await runner.stop();
};

interface CliRun {
  kill(): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** The admin CLI as its own process, as an operator runs it. */
const cli = (...args: string[]): CliRun => {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: db.url };
  delete env.EVENTSTORE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx/esm', 'src/cli/rollcall.ts', 'admin', 'projections', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  cleanup.push(async () => child.kill('SIGKILL'));
  return {
    kill: () => child.kill('SIGKILL'),
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr }))),
  };
};

beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  await seedAccounts(200);
  // About 9,000 attendance events: enough that a rebuild in batches of 100 takes seconds.
  for (let i = 0; i < 8; i++) await seedEvent(550, 40);
  for (const p of projections) await runLive(p.name);
}, 180_000);

afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  await store?.close();
  await db?.close();
});

describe('rebuildProjection', () => {
  it('replaces the live tables with ones rebuilt from the first event and moves the live checkpoint to the head', async () => {
    for (const p of projections) {
      const pristine = await dump(liveSchema(p.name));
      // A row no event explains: only a rebuild that really swapped its tables in gets rid of it.
      const [table] = Object.keys(pristine);
      await db.pool.query(`DELETE FROM ${liveSchema(p.name)}.${table} WHERE ctid = (SELECT min(ctid) FROM ${liveSchema(p.name)}.${table})`);
      expect(await dump(liveSchema(p.name))).not.toEqual(pristine);

      const progress: RebuildProgress[] = [];
      const result = await rebuildProjection({ store, pool: db.pool, projection: p, batchSize: 500, onProgress: (e) => progress.push(e) });

      expect(await dump(liveSchema(p.name))).toEqual(pristine);
      const head = await headPosition();
      expect(result.position).toEqual(head);
      expect(await checkpointOf(p.name)).toEqual(head);
      expect(result.resumed).toBeUndefined();
      const building = progress.filter((e) => e.phase === 'building');
      expect(building.length).toBeGreaterThan(1);
      expect(building.map((e) => e.applied)).toEqual([...building.map((e) => e.applied)].sort((a, b) => a - b));
      expect(progress.at(-1)).toMatchObject({ phase: 'done', applied: result.applied, total: result.applied });
    }
    expect(await leftoverSchemas()).toEqual([]);
    expect((await db.pool.query('SELECT * FROM rollcall.projection_rebuilds')).rows).toEqual([]);
  });

  it('rebuilds every projection from one pass over the log, each resuming from it to catch up and swap', async () => {
    const pristine = Object.fromEntries(await Promise.all(projections.map(async (p) => [p.name, await dump(liveSchema(p.name))] as const)));
    for (const p of projections) {
      const [table] = Object.keys(pristine[p.name]!);
      await db.pool.query(`DELETE FROM ${liveSchema(p.name)}.${table} WHERE ctid = (SELECT min(ctid) FROM ${liveSchema(p.name)}.${table})`);
    }
    let reads = 0;
    const counting = {
      ...store,
      kind: store.kind,
      readAll: (o: Parameters<typeof store.readAll>[0]) => (reads++, store.readAll(o)),
      readStream: (id: string) => store.readStream(id),
    } as typeof store;
    await buildShadowsTogether({ store: counting, pool: db.pool, projections, pageSize: 100 });
    const sharedReads = reads;
    const events = (await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM rollcall.events')).rows[0]!.n;
    // One pass: about one read per page for all three, not one per page per projection.
    expect(sharedReads).toBeLessThanOrEqual(Math.ceil(Number(events) / 100) + 1);

    for (const p of projections) {
      const result = await rebuildProjection({ store, pool: db.pool, projection: p });
      expect(result.resumed).toBeDefined();
      expect(await dump(liveSchema(p.name))).toEqual(pristine[p.name]);
    }
    expect(await leftoverSchemas()).toEqual([]);
  });

  it('swaps without waiting for readers: new queries see the new tables at once, the old ones go when their last reader ends', async () => {
    const count = async (client: { query: typeof db.pool.query }) =>
      Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM rm_accounts.accounts')).rows[0]!.n);
    const pristine = await count(db.pool);
    await db.pool.query(`DELETE FROM rm_accounts.accounts WHERE account_id = (SELECT account_id FROM rm_accounts.accounts ORDER BY 1 LIMIT 1)`);
    const reader = await db.pool.connect();
    cleanup.push(async () => reader.release());
    await reader.query('BEGIN');
    expect(await count(reader)).toBe(pristine - 1);

    let done = false;
    const rebuilding = rebuildProjection({ store, pool: db.pool, projection: projection('accounts') }).then(() => (done = true));
    await expect.poll(() => count(db.pool), { timeout: 30_000 }).toBe(pristine);
    // Swapped while the reader still holds the old table: only the drop of rm_accounts__old waits for it.
    expect(done).toBe(false);
    expect(await leftoverSchemas()).toEqual(['rm_accounts__old']);
    expect(await count(reader)).toBe(pristine);
    await reader.query('COMMIT');
    await rebuilding;
    expect(await leftoverSchemas()).toEqual([]);
  });

  it('swaps while a live runner runs: the runner hands its lock over, then carries on from the swapped checkpoint', async () => {
    const attendance = projection('attendance');
    const runner = new ProjectionRunner({ store, pool: db.pool, projection: attendance, lockRetryMs: 50 });
    cleanup.push(() => runner.stop());
    await runner.start();

    const phases: RebuildProgress['phase'][] = [];
    const rebuilding = rebuildProjection({ store, pool: db.pool, projection: attendance, lockRetryMs: 50, onProgress: (e) => phases.push(e.phase) });
    // Meanwhile the live runner keeps serving new events.
    await seedEvent(30, 5);
    const result = await rebuilding;
    expect(phases).toContain('swapping');
    expect(await leftoverSchemas()).toEqual([]);

    // The runner took its lock back and goes on from what the swap left.
    await seedEvent(20, 5);
    await runner.caughtUp(await headPosition());
    expect(runner.status().state).toBe('running');
    expect(comparePositions(runner.status().position!, result.position!)).toBeGreaterThanOrEqual(0);
    await runner.stop();

    // Applying an event twice or skipping one would leave the counts or rows off.
    const verified = await verifyProjection({ store, pool: db.pool, projection: attendance });
    expect(verified.tables.filter((t) => !t.equal)).toEqual([]);
    expect(verified.equal).toBe(true);
  });
});

describe('rollcall admin projections rebuild', () => {
  it('killed with SIGKILL half-way leaves the live tables serving and unchanged; run again, it resumes and swaps', async () => {
    const live = liveSchema('attendance');
    const pristine = await dump(live);
    const checkpoint = await checkpointOf('attendance');
    // Marks the live tables as the old ones: still there after the kill, gone after the swap.
    await db.pool.query(`UPDATE ${live}.events SET title = 'old tables' WHERE event_id = (SELECT event_id FROM ${live}.events ORDER BY event_id LIMIT 1)`);
    const marked = await dump(live);
    const total = Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM rollcall.events')).rows[0]!.n);

    const first = cli('rebuild', 'attendance', '--batch-size', '100');
    let applied = 0;
    for (let i = 0; i < 2_000 && applied === 0; i++) {
      const { rows } = await db.pool.query<{ applied: string }>('SELECT applied FROM rollcall.projection_rebuilds WHERE target = $1', [
        rebuildSchema('attendance'),
      ]);
      applied = Number(rows[0]?.applied ?? 0);
      if (applied === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    first.kill();
    const killed = await first.exited;
    expect(killed.signal).toBe('SIGKILL');

    const { rows } = await db.pool.query<{ applied: string; commit_position: string }>(
      'SELECT applied, commit_position FROM rollcall.projection_rebuilds WHERE target = $1',
      [rebuildSchema('attendance')],
    );
    const stoppedAt = Number(rows[0]!.applied);
    expect(stoppedAt).toBeGreaterThan(0);
    expect(stoppedAt).toBeLessThan(total);
    // The live read model still answers, exactly as before, at its own checkpoint.
    expect(await dump(live)).toEqual(marked);
    expect(await checkpointOf('attendance')).toEqual(checkpoint);
    expect(await leftoverSchemas()).toEqual([rebuildSchema('attendance')]);

    // The killed process's session (and its lock) ends once PostgreSQL notices the closed socket.
    await expect
      .poll(async () => (await db.pool.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = $1`, [ADVISORY_LOCK_CLASS.shadowSchema])).rowCount, {
        timeout: 10_000,
      })
      .toBe(0);
    const status = await cli('status', '--json').exited;
    expect(status.code).toBe(0);
    const attendanceStatus = (JSON.parse(status.stdout) as { projections: { name: string; rebuilds: { purpose: string; applied: number }[] }[] }).projections.find(
      (s) => s.name === 'attendance',
    );
    expect(attendanceStatus?.rebuilds).toEqual([expect.objectContaining({ purpose: 'rebuild', applied: stoppedAt })]);

    const second = await cli('rebuild', 'attendance', '--batch-size', '500').exited;
    expect(second.stderr).not.toContain('failed');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`attendance: rebuilt from ${total.toLocaleString('en-US')} events and swapped in`);
    expect(second.stdout).toContain(`(resumed from ${formatPosition({ commit: BigInt(rows[0]!.commit_position), prepare: BigInt(rows[0]!.commit_position) })})`);
    // Not a TTY: one final line of progress, no redraws.
    expect(second.stderr).not.toContain('\r');
    expect(second.stderr).toMatch(/attendance: applied [\d,]+ events in [\d.]+ s/);

    expect(await dump(live)).toEqual(pristine);
    expect(await checkpointOf('attendance')).toEqual(await headPosition());
    expect(await leftoverSchemas()).toEqual([]);
  });
});

describe('rollcall admin projections verify', () => {
  it('says OK for every table of a projection the live runner keeps, with its row counts, and exits 0', async () => {
    const result = await cli('verify', 'accounts').exited;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\s+accounts\s+OK\s+200 rows$/m);
    expect(result.stdout).toContain('accounts: OK');
    expect(await leftoverSchemas()).toEqual([]);

    for (const name of ['attendance', 'audit']) {
      const verified = await verifyProjection({ store, pool: db.pool, projection: projection(name) });
      expect(verified.tables.length).toBe(name === 'audit' ? 1 : 6);
      expect(verified.tables.every((t) => t.equal && t.live!.rows > 0)).toBe(true);
    }
  });

  it('says DIFFERENT for a tampered live table, keeps the rebuilt tables for a look and exits 1', async () => {
    await db.pool.query(
      `UPDATE rm_accounts.accounts SET name = 'Mallory' WHERE account_id = (SELECT min(account_id) FROM rm_accounts.accounts)`,
    );
    const result = await cli('verify', 'accounts').exited;
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^\s+accounts\s+DIFFERENT\s+live 200 rows [0-9a-f]+, rebuilt 200 rows [0-9a-f]+$/m);
    expect(result.stdout).toContain('accounts: DIFFERENT (the rebuilt tables are kept in rm_accounts__verify)');

    await db.pool.query(`DELETE FROM rm_audit.audit_log WHERE commit_position = (SELECT max(commit_position) FROM rm_audit.audit_log)`);
    const audit = await verifyProjection({ store, pool: db.pool, projection: projection('audit'), keepOnDifference: false });
    expect(audit.equal).toBe(false);
    expect(audit.tables).toEqual([
      expect.objectContaining({ table: 'audit_log', equal: false, live: expect.objectContaining({ rows: audit.tables[0]!.rebuilt!.rows - 1 }) }),
    ]);

    // A rebuild puts things right.
    await rebuildProjection({ store, pool: db.pool, projection: projection('accounts') });
    expect((await verifyProjection({ store, pool: db.pool, projection: projection('accounts') })).equal).toBe(true);
  });
});
