import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../../test/postgres.js';
import { PostgresEventStore } from '../../eventstore/postgres/postgres-event-store.js';
import { ReportHistory } from '../../reports/report-history.fixture.js';
import { rebuildProjection } from '../rebuild.js';
import { ProjectionRunner, liveSchema } from '../runner.js';
import { verifyProjection } from '../verify.js';
import { reportsProjection } from './projection.js';

let db: TestDatabase;
let store: PostgresEventStore;
const schema = liveSchema('reports');

/** A small linear congruential generator: the same tangled history every run. */
const random = (seed: number) => () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;

/**
 * Registrations that go every way (approved, rejected, waitlisted then promoted, cancelled
 * after their check-in) and doors that check in, refuse, undo, hold for a face and re-admit,
 * so that counters move up and down across batch boundaries; one organizer's events, the
 * second moved earlier by a session added after its doors closed, so that its attendees'
 * lists of when their events start change with no door event of theirs.
 */
const seedTangledHistory = async (history: ReportHistory) => {
  const next = random(7);
  const minute = (n: number) => new Date(Date.UTC(2025, 2, 1) + n * 60_000).toISOString();
  const organizerId = randomUUID();
  for (let e = 0; e < 3; e++) {
    const { eventId, sessionIds } = await history.event(organizerId, { requiresApproval: e !== 1, timeZone: 'Europe/Warsaw', sessions: [[minute(20_000), minute(20_120)], [minute(21_440), minute(21_560)]] }, minute(0));
    for (let r = 0; r < 25; r++) {
      const who = randomUUID();
      const t = 10 * r + e;
      const id = next() < 0.2 ? await history.waitlist(eventId, who, minute(t)) : await history.submit(eventId, who, minute(t));
      const fate = next();
      if (fate < 0.15) await history.reject(eventId, id, minute(t + 200));
      else await history.confirm(eventId, id, who, fate < 0.5 ? 'approval' : 'promotion', minute(t + 300));
      for (const sessionId of sessionIds) {
        const at = (offset: number) => minute(20_000 + (sessionId === sessionIds[0] ? 0 : 1_440) + offset);
        const ticket = { eventId, sessionId, registrationId: id, staffId: 'door' };
        const door = next();
        if (door < 0.5) await history.door({ type: 'CheckedIn', data: { ...ticket, attendeeId: who, method: 'scan', reason: null } }, at(Math.floor(next() * 40) - 20));
        if (door < 0.1) await history.door({ type: 'CheckInUndone', data: { ...ticket, reason: 'wrong person' } }, at(25));
        if (door < 0.05) await history.door({ type: 'CheckedIn', data: { ...ticket, attendeeId: who, method: 'manual', reason: 'checked' } }, at(31));
        if (door > 0.9) await history.door({ type: 'ScanRefused', data: { ...ticket, result: 'outside_window' } }, at(-90));
        if (door > 0.95) await history.door({ type: 'CheckInAwaitingFace', data: { ...ticket, attendeeId: who, scanId: randomUUID() } }, at(1));
      }
      if (next() < 0.1) await history.cancel(eventId, id, minute(22_000));
    }
    if (e === 1) await history.schedule(eventId, [[minute(18_000), minute(18_120)]], minute(22_100));
  }
};

const dump = async (): Promise<Record<string, string[]>> => {
  const dumped: Record<string, string[]> = {};
  for (const table of reportsProjection.tables)
    dumped[table] = (await db.pool.query<{ row: string }>(`SELECT t::text AS row FROM ${schema}.${table} t ORDER BY 1`)).rows.map((r) => r.row);
  return dumped;
};

beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  await seedTangledHistory(new ReportHistory(store));
  const runner = new ProjectionRunner({ store, pool: db.pool, projection: reportsProjection, lockRetryMs: 50 });
  await runner.start();
  await runner.caughtUp((await store.headPosition())!, { timeoutMs: 60_000 });
  await runner.stop();
}, 120_000);

afterAll(async () => {
  await store?.close();
  await db?.close();
});

describe('the reports read model, rebuilt and verified', () => {
  it('comes out the same whether the log is applied in batches of a thousand or of three', async () => {
    const result = await verifyProjection({ store, pool: db.pool, projection: reportsProjection, batchSize: 3 });
    expect(result.tables.filter((t) => !t.equal)).toEqual([]);
    expect(result.equal).toBe(true);
    // Not an empty model agreeing with itself: the history moved every table.
    expect(result.tables.every((t) => (t.live?.rows ?? 0) > 0)).toBe(true);
  });

  it('finds a counter that drifted, and a rebuild puts it right', async () => {
    const pristine = await dump();
    await db.pool.query(`UPDATE ${schema}.sessions SET checked_in = checked_in + 1 WHERE ctid = (SELECT min(ctid) FROM ${schema}.sessions)`);
    const drifted = await verifyProjection({ store, pool: db.pool, projection: reportsProjection, keepOnDifference: false });
    expect(drifted.tables.filter((t) => !t.equal).map((t) => t.table)).toEqual(['sessions']);

    await rebuildProjection({ store, pool: db.pool, projection: reportsProjection, batchSize: 7 });
    expect(await dump()).toEqual(pristine);
    expect((await verifyProjection({ store, pool: db.pool, projection: reportsProjection })).equal).toBe(true);
  });
});
