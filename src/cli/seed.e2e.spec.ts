import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { runRollcallCli } from '../../test/spawn-rollcall.js';

let db: TestDatabase;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  db = await createTestDatabase();
  env = { ...process.env, DATABASE_URL: db.url };
  delete env.EVENTSTORE_URL;
});
afterAll(async () => db?.close());

const seed = (...args: string[]) => runRollcallCli(['admin', 'seed', ...args], env);
const SMALL = ['--organizers', '2', '--events', '4', '--attendees', '30', '--weeks', '2'];
const eventsInStore = async () => Number((await db.pool.query('SELECT count(*) AS n FROM rollcall.events')).rows[0].n);

describe('rollcall admin seed', () => {
  it('plants a small world through the commands and sums it up as JSON', async () => {
    const run = await seed(...SMALL, '--seed', '5', '--json');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ organizers: 2, events: 4, attendees: 30, weeks: 2, seed: 5, accounts: 35, password: 'rollcall seed 5', admin: 'admin@seed-5.example.org' });
    expect(summary.eventsAppended).toBe(summary.eventsToAppend);
    expect(await eventsInStore()).toBe(summary.eventsAppended);
    // The progress bar and nothing else on stderr; off a terminal it writes its last line only.
    expect(run.stderr).toMatch(/^Seed 5 \[█+\] 100% [\d,]+\/[\d,]+ events/);
  });

  it('refuses the same seed a second time, appending nothing, and plants another beside it', async () => {
    const before = await eventsInStore();
    const again = await seed(...SMALL, '--seed', '5');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Seed 5 is in this store already (admin@seed-5.example.org has an account): plant another --seed, or into an empty database');
    expect(await eventsInStore()).toBe(before);
    const other = await seed(...SMALL, '--seed', '6');
    expect(other.code).toBe(0);
    expect(other.stdout).toMatch(/^Seed 6 planted in [\d.]+ s: 35 accounts, 4 events with \d+ sessions, [\d,]+ registrations, [\d,]+ check-ins; [\d,]+ events appended\n/);
    expect(other.stdout).toContain('all with the password "rollcall seed 6"');
  });

  it('refuses an option that is not a positive whole number, with exit 2 and the usage pointer', async () => {
    const run = await seed('--attendees', 'lots');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('--attendees must be a whole number from 1 to 100,000, not "lots" (--help shows the usage)\n');
  });
});
