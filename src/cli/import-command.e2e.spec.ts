import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { runRollcallCli } from '../../test/spawn-rollcall.js';
import { eventStream } from '../domain/streams.js';
import type { EventStore } from '../eventstore/event-store.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import { MAX_FILE_BYTES } from '../imports/attendee-file.js';
import { ImportJobs } from '../imports/import-jobs.js';
import { csvFile, givenPublishedEvent, peopleFile, registrationsIn } from '../imports/imports.fixture.js';
import { personalDataStore } from '../personal-data/personal-data-store.js';

let db: TestDatabase;
let raw: PostgresEventStore;
let store: EventStore;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  db = await createTestDatabase();
  raw = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  store = personalDataStore(raw, db.pool, db.masterKey).store;
  dir = await mkdtemp(path.join(tmpdir(), 'rollcall-import-cli-'));
  env = { ...process.env, DATABASE_URL: db.url, DATA_DIR: dir };
  delete env.EVENTSTORE_URL;
});
afterAll(async () => {
  await raw?.close();
  await db?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const organizerId = randomUUID();
const fileOf = async (name: string, bytes: Uint8Array | string): Promise<string> => {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
};
const importAttendees = (...args: string[]) => runRollcallCli(['admin', 'import', 'attendees', ...args], env);
const eventsInStore = async () => Number((await db.pool.query('SELECT count(*) AS n FROM rollcall.events')).rows[0].n);

/** `npm run rollcall -- admin import attendees <eventId> <file> --commit` as its own process, killed (SIGKILL: no clean-up at all) once `killWhen` says so. */
const killedImport = async (eventId: string, file: string, killWhen: () => Promise<boolean>): Promise<void> => {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx/esm', 'src/cli/rollcall.ts', 'admin', 'import', 'attendees', eventId, file, '--commit'], { env, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  while (!(await killWhen())) {
    if (child.exitCode !== null) throw new Error('The import finished before it could be killed: give it more rows');
    await sleep(20);
  }
  child.kill('SIGKILL');
  await exited;
};

const count = async (sql: string, parameters: unknown[] = []) => Number((await db.pool.query(sql, parameters)).rows[0].n);
const invitedWith = (prefix: string) =>
  count(`SELECT count(*) AS n FROM rollcall.events WHERE type = 'AccountInvited' AND metadata->>'correlationId' IN (SELECT import_id::text FROM rollcall.attendee_imports WHERE event_id = $1)`, [prefix]);
const registrationsOf = (eventId: string) => count(`SELECT count(*) AS n FROM rollcall.events WHERE stream_id = $1 AND type LIKE 'Registration%'`, [eventStream(eventId)]);

/** Each row's registration status, in the file's order, as the event's stream has it after the import whose report names the row's account. */
const statusesByRow = async (eventId: string): Promise<string[]> => {
  const jobs = new ImportJobs(db.pool);
  const { rows } = await db.pool.query(`SELECT import_id FROM rollcall.attendee_imports WHERE event_id = $1 AND state = 'done' ORDER BY started_at DESC LIMIT 1`, [eventId]);
  const accounts: (string | null)[] = [];
  for (let after: string | null = null, more = true; more; ) {
    const page = await jobs.rows(rows[0].import_id, { first: 100, after });
    accounts.push(...page.nodes.map((node) => node.accountId));
    ({ endCursor: after, hasNextPage: more } = page.pageInfo);
  }
  const { statuses } = await registrationsIn(store, eventId);
  return accounts.map((accountId) => (accountId && statuses.get(accountId)) ?? 'none');
};

describe('rollcall admin import attendees', () => {
  it('reports a dry run row by row and writes nothing', async () => {
    const eventId = await givenPublishedEvent(store, organizerId, 1);
    const before = await eventsInStore();
    const run = await importAttendees(eventId, await fileOf('dry.csv', csvFile('email;name', 'ann@example.org;Ann', 'bob@example.org;Bob', 'nobody;X')));
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      'ROW  EMAIL            OUTCOME        STATUS      MESSAGE',
      '2    ann@example.org  will_register  confirmed',
      '3    bob@example.org  over_capacity  waitlisted',
      '4    nobody           invalid_email  -           email must be an email address such as ada@example.org',
      '',
    ]);
    expect(run.stderr).toMatch(/Dry run, nothing written: 1 will_register, 1 over_capacity, 1 invalid_email\. Again with --commit to import\.\n$/);
    expect(await eventsInStore()).toBe(before);
  });

  it.each([
    ['without a header', () => csvFile('ann@example.org,Ann'), /The first row must be a header naming the columns email and name.*\(MISSING_HEADER\)/],
    ['that is not UTF-8', () => Buffer.from([...Buffer.from('email,name\nann@example.org,R'), 0xe9, 0x0a]), /not UTF-8 text.*\(INVALID_UTF8\)/],
    ['that is not CSV', () => Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0x14, 0]), /binary data.*\(NOT_CSV\)/],
    ['over 50,000 rows', () => peopleFile(50_001), /more than 50,000 rows.*\(TOO_MANY_ROWS\)/],
    ['over 10 MB', () => Buffer.alloc(MAX_FILE_BYTES + 1, 'a'), /over 10 MB.*\(FILE_TOO_LARGE\)/],
  ])('refuses a file %s in one line, exit 1, writing nothing', async (_case, bytes, message) => {
    const eventId = await givenPublishedEvent(store, organizerId, 5);
    const before = await eventsInStore();
    const run = await importAttendees(eventId, await fileOf(`bad-${randomUUID()}.csv`, bytes()), '--commit');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(await eventsInStore()).toBe(before);
    expect(await count('SELECT count(*) AS n FROM rollcall.attendee_imports WHERE event_id = $1', [eventId])).toBe(0);
  });

  it('says what is wrong with the arguments, exit 2', async () => {
    expect(await importAttendees('not-an-event', 'x.csv')).toMatchObject({ code: 2, stderr: 'The event id must be a UUID in lower case (--help shows the usage)\n' });
    expect(await importAttendees(randomUUID(), path.join(dir, 'missing.csv'))).toMatchObject({ code: 2, stderr: expect.stringMatching(/^No file .*missing\.csv/) });
  });

  it('finishes an import killed in its invitations, then again in its registrations, as a clean run would have, without duplicates', { timeout: 300_000 }, async () => {
    const rows = 1_500;
    const capacity = 1_200;
    const clean = await givenPublishedEvent(store, organizerId, capacity);
    const crashed = await givenPublishedEvent(store, organizerId, capacity);
    const cleanRun = await importAttendees(clean, await fileOf('clean.csv', peopleFile(rows, 'clean')), '--commit');
    expect(cleanRun.code).toBe(0);
    expect(cleanRun.stderr).toMatch(new RegExp(`done: ${capacity} registered, ${rows - capacity} waitlisted\\n$`));

    const file = await fileOf('crash.csv', peopleFile(rows, 'crash'));
    await killedImport(crashed, file, async () => (await invitedWith(crashed)) > rows / 3);
    const afterFirstKill = await invitedWith(crashed);
    expect(afterFirstKill).toBeLessThan(rows);
    expect(await registrationsOf(crashed)).toBe(0);
    const jobs = new ImportJobs(db.pool);
    const { rows: [killed] } = await db.pool.query(`SELECT import_id FROM rollcall.attendee_imports WHERE event_id = $1`, [crashed]);
    expect((await jobs.find(killed.import_id))?.state).toBe('running');
    // Its heartbeat stopped with the process: once that is long enough ago, it reads as interrupted.
    await db.pool.query(`UPDATE rollcall.attendee_imports SET heartbeat_at = now() - interval '1 minute' WHERE import_id = $1`, [killed.import_id]);
    expect((await jobs.find(killed.import_id))?.state).toBe('interrupted');

    await killedImport(crashed, file, async () => (await registrationsOf(crashed)) >= 300);
    const registeredBeforeSecondKill = await registrationsOf(crashed);
    expect(registeredBeforeSecondKill).toBeLessThan(rows);

    const rerun = await importAttendees(crashed, file, '--commit');
    expect(rerun.code).toBe(0);
    expect(await statusesByRow(crashed)).toEqual(await statusesByRow(clean));
    const { statuses, confirmed, waitlist } = await registrationsIn(store, crashed);
    expect({ registrations: statuses.size, confirmed, waitlist }).toEqual({ registrations: rows, confirmed: capacity, waitlist: rows - capacity });
    expect(await registrationsOf(crashed)).toBe(rows);
    expect(await invitedWith(crashed)).toBe(rows);
  });
});
