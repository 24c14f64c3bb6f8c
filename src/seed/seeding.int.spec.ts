import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { Outbox } from '../commands/accounts/outbox.js';
import { postgresSigningKeys } from '../commands/accounts/postgres-signing-keys.js';
import { TokenService } from '../commands/accounts/token-service.js';
import type { EventStore } from '../eventstore/event-store.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import type { HistoryRecord } from '../ml/forecast/history-record.js';
import { personalDataStore } from '../personal-data/personal-data-store.js';
import { attendanceProjection } from '../projections/attendance/projection.js';
import { pastAttendances } from '../projections/attendance/show-up-queries.js';
import { rebuildProjection } from '../projections/rebuild.js';
import type { SeedOptions } from './seed-options.js';
import { type SeedDependencies, type SeedResult, SeedPlantedAlready, plantSeed } from './seeding.js';
import { historyOf, simulate } from './simulation.js';

/** Small, and chosen for having every case the labels must get right: approvals, promotions, rejections, cancellations, a cancelled event, an undo. */
const OPTIONS: SeedOptions = { organizers: 3, events: 10, attendees: 100, weeks: 3, seed: 12, now: new Date('2026-06-01T12:00:00Z') };

let db: TestDatabase;
let outboxDir: string;
let store: EventStore;
let deps: SeedDependencies;
const simulation = simulate(OPTIONS);
let result: SeedResult;

beforeAll(async () => {
  db = await createTestDatabase();
  outboxDir = await mkdtemp(path.join(tmpdir(), 'rollcall-seed-'));
  const opened = personalDataStore(new PostgresEventStore({ pool: db.pool, connectionString: db.url }), db.pool, db.masterKey);
  store = opened.store;
  deps = {
    store,
    pool: db.pool,
    masterKey: db.masterKey,
    personalData: opened.personalData,
    tokens: new TokenService(postgresSigningKeys(db.pool, { masterKey: db.masterKey })),
    outbox: new Outbox(outboxDir),
  };
  result = await plantSeed(deps, simulation);
  await rebuildProjection({ store, pool: db.pool, projection: attendanceProjection, lockRetryMs: 50 });
});
afterAll(async () => {
  await store?.close();
  await db?.close();
  if (outboxDir) await rm(outboxDir, { recursive: true, force: true });
});

/** The read model's past attendances, named as the simulation names them. */
const seededHistory = async (): Promise<HistoryRecord[]> => {
  const attendees = new Map([...result.accounts].map(([key, id]) => [id, key]));
  const events = new Map([...result.events].map(([key, seeded]) => [seeded.eventId, key]));
  const sessions = new Map([...result.events.values()].flatMap((seeded) => [...seeded.sessions].map(([key, id]) => [id, key])));
  return (await pastAttendances(db.pool, OPTIONS.now)).map((row) => ({
    attendeeId: attendees.get(row.attendeeId)!,
    eventId: events.get(row.eventId)!,
    sessionId: sessions.get(row.sessionId)!,
    sessionStartsAt: row.startsAt.toISOString(),
    sessionEndsAt: row.endsAt.toISOString(),
    registeredAt: row.registeredAt.toISOString(),
    attended: row.attended,
    timeZone: row.timeZone!,
    requiresApproval: row.requiresApproval!,
    confirmedAt: row.confirmedAt!.toISOString(),
    promotedFromWaitlist: row.promotedFromWaitlist,
  }));
};

const inOrder = (records: HistoryRecord[]) => [...records].sort((a, b) => `${a.sessionId} ${a.attendeeId}`.localeCompare(`${b.sessionId} ${b.attendeeId}`));

describe('rollcall admin seed on PostgreSQL', () => {
  it('appends through the command side exactly the events the simulation counted', () => {
    expect(result.eventsAppended).toBe(simulation.totals.eventsToAppend);
    expect(result.accounts.size).toBe(simulation.totals.accounts);
  });

  it("leaves a read model whose past attendances are the simulation's history, record for record", async () => {
    const simulated = historyOf(simulation);
    // The comparison means something only with every kind of seat in it.
    expect(simulated.some((r) => r.promotedFromWaitlist)).toBe(true);
    expect(simulated.some((r) => r.requiresApproval)).toBe(true);
    expect(simulated.some((r) => !r.attended) && simulated.some((r) => r.attended)).toBe(true);
    expect(simulation.events.some((e) => e.ledger.cancelled)).toBe(true);
    expect(inOrder(await seededHistory())).toEqual(inOrder(simulated));
  });

  it('refuses to plant the same seed twice, writing nothing', async () => {
    const before = await store.headPosition();
    await expect(plantSeed(deps, simulation)).rejects.toThrow(SeedPlantedAlready);
    expect(await store.headPosition()).toEqual(before);
  });
});
