import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import { AccountStreams } from '../commands/accounts/account-streams.js';
import { EmailClaims } from '../commands/accounts/email-claims.js';
import { Outbox } from '../commands/accounts/outbox.js';
import { PasswordResets } from '../commands/accounts/password-resets.js';
import { verifyPassword } from '../commands/accounts/passwords.js';
import { SignUps } from '../commands/accounts/sign-ups.js';
import { storedAccount } from '../commands/accounts/stored-accounts.js';
import { CommandHandler } from '../commands/command-handler.js';
import type { Actor } from '../domain/actor.js';
import { eventDecider } from '../domain/event/business-logic.js';
import { accountStream, eventStream } from '../domain/streams.js';
import type { EventStore } from '../eventstore/event-store.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import type { PersonalDataKeys } from '../personal-data/personal-data-keys.js';
import { personalDataStore } from '../personal-data/personal-data-store.js';
import { LIVE } from '../projections/attendance/tables.js';
import { startReportRunners } from '../reports/report-history.fixture.js';
import { startImportJob } from './import-job.js';
import { csvFile, givenPublishedEvent, peopleFile, registrationsIn } from './imports.fixture.js';
import { standaloneImport } from './standalone-import.js';

let db: TestDatabase;
let raw: PostgresEventStore;
let store: EventStore;
let personalData: PersonalDataKeys;
let outboxDir: string;
let streams: AccountStreams;

beforeAll(async () => {
  db = await createTestDatabase();
  raw = new PostgresEventStore({ pool: db.pool, connectionString: db.url });
  ({ store, personalData } = personalDataStore(raw, db.pool, db.masterKey));
  outboxDir = await mkdtemp(path.join(tmpdir(), 'rollcall-imports-'));
  streams = new AccountStreams({ commands: new CommandHandler(store), store, outbox: new Outbox(outboxDir), claims: new EmailClaims(store, db.masterKey) });
});
afterAll(async () => {
  await raw?.close();
  await db?.close();
  if (outboxDir) await rm(outboxDir, { recursive: true, force: true });
});

const organizer = (): Actor => ({ accountId: randomUUID(), roles: ['organizer'] });
/** A process of its own each time, as a re-run after a crash is: nothing cached from the run before. */
const importer = () => standaloneImport({ store, pool: db.pool, masterKey: db.masterKey, outboxDir });

const dryRun = async (eventId: string, file: Uint8Array, actor: Actor) => (await importer().importer.prepare(eventId, file, actor)).rows.map(({ report }) => report);

const commit = async (eventId: string, file: Uint8Array, actor: Actor) => {
  const { importer: imports, jobs } = importer();
  const started = await startImportJob(jobs, imports, await imports.prepare(eventId, file, actor));
  const rows = await started.finished;
  return { rows, job: (await jobs.find(started.id))!, kept: await jobs.rows(started.id, { first: 100 }) };
};

const signUp = (email: string) => new SignUps(streams).signUp({ email, password: 'a long enough password', name: 'Signed Up' }, { commandId: randomUUID(), actor: undefined });
const mailsTo = async (to: string) => (await new Outbox(outboxDir).messages()).filter((mail) => mail.to === to);
const outcomesOf = (rows: { row: number; outcome: string; status: string | null }[]) => rows.map(({ row, outcome, status }) => `${row} ${outcome} ${status ?? '-'}`);

describe('Importing attendees into an event', () => {
  it('reports each row in a dry run and writes nothing: not the registrations, not the accounts, not a mail', async () => {
    const actor = organizer();
    const eventId = await givenPublishedEvent(store, actor.accountId, 2);
    const known = await signUp('known@example.org');
    const before = await raw.readAll();
    const file = csvFile(
      'Email;Name;Status',
      'known@example.org;Known;',
      'dry-new@example.org;New Person;pending',
      'not an address;Nobody;',
      'KNOWN@example.org;Known again;',
      'dry-late@example.org;Late;confirmed',
      'dry-third@example.org;Third;confirmed',
      'dry-bad@example.org;Bad;maybe',
    );
    const rows = await dryRun(eventId, file, actor);
    expect(outcomesOf(rows)).toEqual([
      '2 will_register confirmed',
      '3 will_register pending',
      '4 invalid_email -',
      '5 duplicate_in_file -',
      '6 will_register confirmed',
      '7 over_capacity waitlisted',
      '8 invalid_row -',
    ]);
    expect(rows[0]).toMatchObject({ email: 'known@example.org', accountId: known.accountId });
    expect(await raw.readAll()).toHaveLength(before.length);
    expect(await mailsTo('dry-new@example.org')).toEqual([]);
  });

  it('registers each row as planned, invites who has no account, and keeps a report without addresses', async () => {
    const actor = organizer();
    const eventId = await givenPublishedEvent(store, actor.accountId, 2, { requiresApproval: true });
    const known = await signUp('member@example.org');
    const file = csvFile('email,name,status', 'member@example.org,Member,confirmed', 'guest@example.org,Guest,', 'walk-in@example.org,Walk In,confirmed', 'late@example.org,Late,confirmed');
    const { rows, job, kept } = await commit(eventId, file, actor);
    expect(outcomesOf(rows)).toEqual(['2 registered confirmed', '3 registered pending', '4 registered confirmed', '5 waitlisted waitlisted']);
    const { statuses, confirmed, waitlist } = await registrationsIn(store, eventId);
    expect(statuses.get(known.accountId)).toBe('confirmed');
    expect([...statuses.values()].sort()).toEqual(['confirmed', 'confirmed', 'pending', 'waitlisted']);
    expect({ confirmed, waitlist }).toEqual({ confirmed: 2, waitlist: 1 });
    expect(job).toMatchObject({ state: 'done', rowCount: 4, progress: { done: 7, total: 7 }, counts: { registered: 3, waitlisted: 1 }, requestedBy: actor.accountId });
    expect(kept.nodes.map(({ row, outcome, email }) => ({ row, outcome, email }))).toEqual(rows.map(({ row, outcome }) => ({ row, outcome, email: null })));
    expect(JSON.stringify(await db.pool.query('SELECT * FROM rollcall.attendee_import_rows'))).not.toMatch(/@example\.org/);
    // The registrations' events carry who imported them and which import.
    const registered = (await store.readStream(eventStream(eventId))).filter((event) => event.type.startsWith('Registration'));
    expect(new Set(registered.map((event) => event.metadata.actorId))).toEqual(new Set([actor.accountId]));
    expect(new Set(registered.map((event) => event.metadata.correlationId))).toEqual(new Set([job.id]));
  });

  it('mails an invited person a code that sets their password and verifies their address, sealing their address and name in the log', async () => {
    const actor = organizer();
    const eventId = await givenPublishedEvent(store, actor.accountId, 5, { title: 'Winter Gala' });
    const { rows } = await commit(eventId, csvFile('email,name', 'Invited.Person@Example.org,Ivy Invited'), actor);
    const accountId = rows[0]!.accountId!;
    const [mail, ...more] = await mailsTo('invited.person@example.org');
    expect(more).toEqual([]);
    expect(mail).toMatchObject({ subject: 'You are registered for Winter Gala', text: expect.stringContaining(mail!.token) });
    expect(await storedAccount(store, accountId)).toMatchObject({ status: 'unverified', invited: true, email: 'invited.person@example.org', name: 'Ivy Invited' });
    const [invited] = await raw.readStream(accountStream(accountId));
    expect(invited).toMatchObject({ type: 'AccountInvited', data: { email: { sealed: expect.any(String) }, name: { sealed: expect.any(String) }, invitedBy: actor.accountId } });

    await new PasswordResets(streams).resetPassword({ token: mail!.token, newPassword: 'my own new password' }, { commandId: randomUUID(), actor: undefined });
    const account = await storedAccount(store, accountId);
    expect(account.status).toBe('active');
    expect(account.status === 'active' && (await verifyPassword('my own new password', account.passwordHash))).toBe(true);

    await personalData.erase(accountId, new Date());
    expect((await store.readStream(accountStream(accountId)))[0]!.data).toMatchObject({ email: '[erased]', name: '[erased]' });
  });

  it('keeps each row’s note with its registration in the attendance read model, sealed under its attendee’s key in the log', async () => {
    const actor = organizer();
    const eventId = await givenPublishedEvent(store, actor.accountId, 5);
    const file = csvFile('email,name,note', 'speaker@example.org,Speaker,  Speaker ', 'access@example.org,Access,Needs wheelchair access', 'plain@example.org,Plain,');
    const rows = (await commit(eventId, file, actor)).rows;
    const runners = await startReportRunners(store, db.pool);
    try {
      await runners.caughtUp();
      const { rows: kept } = await db.pool.query<{ attendee_id: string; note: string | null }>(`SELECT attendee_id, note FROM ${LIVE}.registrations WHERE event_id = $1`, [eventId]);
      const noteOf = new Map(kept.map((row) => [row.attendee_id, row.note]));
      expect(rows.map((row) => noteOf.get(row.accountId!))).toEqual(['Speaker', 'Needs wheelchair access', null]);
    } finally {
      await runners.stop();
    }
    const noted = (await raw.readStream(eventStream(eventId))).filter((event) => event.type === 'RegistrationNoteAdded');
    expect(noted.map((event) => event.data)).toEqual(rows.slice(0, 2).map((row) => ({ registrationId: row.registrationId, attendeeId: row.accountId, note: { sealed: expect.any(String) } })));
  });

  it('registers only what is new when the same file, or one with rows added, is imported again: no second registration, account or mail', async () => {
    const actor = organizer();
    const eventId = await givenPublishedEvent(store, actor.accountId, 3);
    const first = await commit(eventId, peopleFile(3, 'again'), actor);
    expect(first.job.counts).toEqual({ registered: 3 });
    const streamLength = (await store.readStream(eventStream(eventId))).length;

    const same = await commit(eventId, peopleFile(3, 'again'), actor);
    expect(same.job.counts).toEqual({ already_registered: 3 });
    expect(same.job.progress).toEqual({ done: 0, total: 0 });
    expect(await store.readStream(eventStream(eventId))).toHaveLength(streamLength);

    const more = await commit(eventId, peopleFile(5, 'again'), actor);
    expect(outcomesOf(more.rows)).toEqual(['2 already_registered confirmed', '3 already_registered confirmed', '4 already_registered confirmed', '5 waitlisted waitlisted', '6 waitlisted waitlisted']);
    expect((await registrationsIn(store, eventId)).statuses.size).toBe(5);
    for (const n of [0, 3]) expect(await mailsTo(`again${n}@example.org`)).toHaveLength(1);
  });

  it('finishes an import cut short between an invitation’s two appends, without a second account, registration or mail', async () => {
    const actor = organizer();
    const eventId = await givenPublishedEvent(store, actor.accountId, 5);
    // The address's claim fails once, as a crash right after the account's append would leave it.
    let failed = false;
    const dying = Object.create(raw) as PostgresEventStore;
    dying.append = (streamId, events, expected) => {
      if (!streamId.startsWith('account-email-') || failed) return raw.append(streamId, events, expected);
      failed = true;
      return Promise.reject(new Error('the process died'));
    };
    const crashing = personalDataStore(dying, db.pool, db.masterKey).store;
    const cut = standaloneImport({ store: crashing, pool: db.pool, masterKey: db.masterKey, outboxDir });
    const started = await startImportJob(cut.jobs, cut.importer, await cut.importer.prepare(eventId, csvFile('email,name', 'cut@example.org,Cut Short'), actor));
    await expect(started.finished).rejects.toThrow('the process died');
    expect(await cut.jobs.find(started.id)).toMatchObject({ state: 'failed', error: 'Internal error: the server log has the cause' });

    const { rows } = await commit(eventId, csvFile('email,name', 'cut@example.org,Cut Short'), actor);
    expect(outcomesOf(rows)).toEqual(['2 registered confirmed']);
    expect(await new EmailClaims(store, db.masterKey).holderOf('cut@example.org')).toBe(rows[0]!.accountId);
    expect(await mailsTo('cut@example.org')).toHaveLength(1);
    expect((await store.readStream(accountStream(rows[0]!.accountId!))).map((event) => event.type)).toEqual(['AccountInvited']);
  });

  it('does not register again whom an earlier import registered and who cancelled since', async () => {
    const actor = organizer();
    const eventId = await givenPublishedEvent(store, actor.accountId, 5);
    const { rows } = await commit(eventId, peopleFile(2, 'cancelled'), actor);
    await new CommandHandler(store).handle(
      eventDecider,
      eventStream(eventId),
      { type: 'CancelRegistration', data: { actor, now: new Date().toISOString(), registrationId: rows[0]!.registrationId! } },
      { commandId: randomUUID(), actorId: actor.accountId, correlationId: 'spec', causationId: 'spec', now: new Date() },
    );
    expect(outcomesOf(await dryRun(eventId, peopleFile(2, 'cancelled'), actor))).toEqual(['2 previously_cancelled -', '3 already_registered confirmed']);
  });

  it('reports the rows the command side refuses when the event changed after the file was planned', async () => {
    const actor = organizer();
    const eventId = await givenPublishedEvent(store, actor.accountId, 5);
    const { importer: imports, jobs } = importer();
    const prepared = await imports.prepare(eventId, peopleFile(2, 'refused'), actor);
    await new CommandHandler(store).handle(
      eventDecider,
      eventStream(eventId),
      { type: 'CancelEvent', data: { actor, now: new Date().toISOString(), reason: 'Storm' } },
      { commandId: randomUUID(), actorId: actor.accountId, correlationId: 'spec', causationId: 'spec', now: new Date() },
    );
    const rows = await (await startImportJob(jobs, imports, prepared)).finished;
    expect(rows.map(({ outcome, message }) => `${outcome}: ${message}`)).toEqual(['refused: The event is cancelled', 'refused: The event is cancelled']);
  });

  it('refuses a file, or an event, it cannot import before anything is written', async () => {
    const actor = organizer();
    const eventId = await givenPublishedEvent(store, actor.accountId, 5);
    const before = (await raw.readAll()).length;
    await expect(dryRun(eventId, csvFile('mail,full name', 'a@example.org,A'), actor)).rejects.toMatchObject({ code: 'VALIDATION', details: { reason: 'MISSING_HEADER' } });
    await expect(dryRun(eventId, peopleFile(1), organizer())).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(dryRun(randomUUID(), peopleFile(1), actor)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await raw.readAll()).toHaveLength(before);
  });
});
