import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlClient } from '../../../test/graphql.js';
import { multipartRequest } from '../../../test/graphql-multipart.js';
import type { TestApp } from '../../../test/test-app.js';
import type { Actor } from '../../domain/actor.js';
import { MAX_FILE_BYTES } from '../../imports/attendee-file.js';
import { csvFile, givenPublishedEvent, peopleFile, registrationsIn } from '../../imports/imports.fixture.js';
import { accountsClient, startAccountsApp } from '../accounts/accounts-api.fixture.js';

let rollcall: TestApp;
beforeAll(async () => {
  rollcall = await startAccountsApp();
});
afterAll(async () => rollcall?.close());

const accounts = accountsClient(() => rollcall);
const graphql = graphqlClient(() => rollcall.app);
const organizer: Actor = { accountId: randomUUID(), roles: ['organizer'] };

const IMPORT = `mutation ($eventId: ID!, $file: Upload!, $dryRun: Boolean) {
  importAttendees(eventId: $eventId, file: $file, dryRun: $dryRun) {
    dryRun rowCount jobId counts { outcome rows } rows { row email outcome status accountId registrationId message } } }`;
const JOB = `query ($id: ID!, $after: String, $outcome: ImportOutcome) {
  importJob(id: $id) { id eventId state rowCount progress { done total } counts { outcome rows } error startedAt finishedAt
    rows(first: 2, after: $after, outcome: $outcome) { nodes { row email outcome status accountId } pageInfo { endCursor hasNextPage } } } }`;

/** importAttendees as a GraphQL multipart request, the file as `variables.file`. */
const upload = async (actor: Actor | undefined, eventId: string, bytes: Uint8Array, dryRun?: boolean) => {
  const request = multipartRequest(IMPORT, { eventId, file: null, ...(dryRun === undefined ? {} : { dryRun }) }, [{ path: 'variables.file', bytes: Buffer.from(bytes), contentType: 'text/csv' }]);
  const authorization = actor ? { authorization: `Bearer ${(await rollcall.app.tokens.issueAccessToken(actor)).token}` } : {};
  const response = await rollcall.app.inject({ method: 'POST', url: '/graphql', headers: { ...request.headers, ...authorization }, payload: request.body });
  return { status: response.statusCode, body: response.json() };
};

const jobOf = async (actor: Actor, id: string, variables: Record<string, unknown> = {}) => {
  const { data, errors } = await graphql(actor, JOB, { id, ...variables });
  expect(errors).toBeUndefined();
  return data.importJob;
};

const finished = async (actor: Actor, id: string) => {
  for (let tries = 0; tries < 200; tries++) {
    const job = await jobOf(actor, id);
    if (job.state !== 'running') return job;
    await sleep(100);
  }
  throw new Error(`Import ${id} still running`);
};

describe('importAttendees and importJob', () => {
  it('answers a dry run, the default, with every row and writes nothing', async () => {
    const eventId = await givenPublishedEvent(rollcall.store, organizer.accountId, 1);
    const { status, body } = await upload(organizer, eventId, csvFile('\uFEFFemail;name;status', 'dry-a@example.org;A;', 'dry-b@example.org;B;', 'dry-c@example.org;C;maybe'));
    expect(status).toBe(200);
    expect(body.data.importAttendees).toMatchObject({
      dryRun: true,
      rowCount: 3,
      jobId: null,
      counts: [
        { outcome: 'will_register', rows: 1 },
        { outcome: 'over_capacity', rows: 1 },
        { outcome: 'invalid_row', rows: 1 },
      ],
      rows: [
        { row: 2, email: 'dry-a@example.org', outcome: 'will_register', status: 'confirmed' },
        { row: 3, email: 'dry-b@example.org', outcome: 'over_capacity', status: 'waitlisted' },
        { row: 4, email: 'dry-c@example.org', outcome: 'invalid_row', status: null, message: 'status must be confirmed or pending' },
      ],
    });
    expect((await registrationsIn(rollcall.store, eventId)).statuses.size).toBe(0);
  });

  it('runs a committed import as a job whose progress and report importJob reads, page by page, without addresses', async () => {
    const eventId = await givenPublishedEvent(rollcall.store, organizer.accountId, 3);
    const { body } = await upload(organizer, eventId, peopleFile(4, 'job'), false);
    const { jobId, dryRun } = body.data.importAttendees;
    expect(dryRun).toBe(false);
    const job = await finished(organizer, jobId);
    expect(job).toMatchObject({ id: jobId, eventId, state: 'done', rowCount: 4, progress: { done: 8, total: 8 }, error: null, counts: [{ outcome: 'registered', rows: 3 }, { outcome: 'waitlisted', rows: 1 }] });
    expect(Date.parse(job.finishedAt)).toBeGreaterThanOrEqual(Date.parse(job.startedAt));
    expect(job.rows.nodes.map(({ row, email, outcome }: { row: number; email: string | null; outcome: string }) => [row, email, outcome])).toEqual([
      [2, null, 'registered'],
      [3, null, 'registered'],
    ]);
    const next = await jobOf(organizer, jobId, { after: job.rows.pageInfo.endCursor });
    expect(next.rows).toMatchObject({ nodes: [{ row: 4 }, { row: 5, outcome: 'waitlisted', status: 'waitlisted' }], pageInfo: { hasNextPage: false } });
    expect((await jobOf(organizer, jobId, { outcome: 'waitlisted' })).rows.nodes).toMatchObject([{ row: 5 }]);
    expect((await registrationsIn(rollcall.store, eventId)).statuses.size).toBe(4);
  });

  it('invites a person without an account by mail, whose code sets their password, verifies them, and lets them log in', async () => {
    const eventId = await givenPublishedEvent(rollcall.store, organizer.accountId, 3, { title: 'Spring Fair' });
    const { body } = await upload(organizer, eventId, csvFile('email,name', 'Fresh.Face@Example.org,Fresh Face'), false);
    await finished(organizer, body.data.importAttendees.jobId);
    const [mail] = await accounts.mailTo('fresh.face@example.org', 'password-reset');
    expect(mail).toMatchObject({ subject: 'You are registered for Spring Fair' });
    await accounts.ok(`mutation ($token: String!) { resetPassword(token: $token, newPassword: "a fresh new password") { position } }`, { token: mail!.token });
    const session = await accounts.logIn('fresh.face@example.org', 'a fresh new password');
    expect(session.account).toMatchObject({ email: 'fresh.face@example.org', name: 'Fresh Face', emailVerified: true, roles: ['attendee'] });
  });

  it.each([
    ['no header', () => csvFile('a@example.org,A'), 'MISSING_HEADER'],
    ['a header naming email twice', () => csvFile('email,name,EMAIL', 'a@example.org,A,b@example.org'), 'BAD_HEADER'],
    ['bytes that are not UTF-8', () => Uint8Array.from([...csvFile('email,name'), 0x61, 0xff, 0x0a]), 'INVALID_UTF8'],
    ['binary data', () => Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0]), 'NOT_CSV'],
    ['a quote never closed', () => csvFile('email,name', 'a@example.org,"A'), 'NOT_CSV'],
    ['over 50,000 rows', () => peopleFile(50_001), 'TOO_MANY_ROWS'],
    ['over 10 MB', () => new Uint8Array(MAX_FILE_BYTES + 1).fill(0x61), 'FILE_TOO_LARGE'],
  ])('refuses a file with %s whole, as VALIDATION with its reason, committing nothing', async (_case, bytes, reason) => {
    const eventId = await givenPublishedEvent(rollcall.store, organizer.accountId, 3);
    const { status, body } = await upload(organizer, eventId, bytes(), false);
    // No data at all: GraphQL over HTTP's 400, a client's mistake, never a 500.
    expect(status).toBe(400);
    expect(body.data).toBeNull();
    expect(body.errors[0].extensions).toEqual({ code: 'VALIDATION', reason });
    expect((await rollcall.db.pool.query('SELECT 1 FROM rollcall.attendee_imports WHERE event_id = $1', [eventId])).rowCount).toBe(0);
  });

  it('lets only the event’s organizer import, and shows a job only to its team and whoever started it', async () => {
    const eventId = await givenPublishedEvent(rollcall.store, organizer.accountId, 3);
    const stranger: Actor = { accountId: randomUUID(), roles: ['organizer'] };
    expect((await upload(undefined, eventId, peopleFile(1))).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await upload(stranger, eventId, peopleFile(1))).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await upload(organizer, randomUUID(), peopleFile(1))).body.errors[0].extensions.code).toBe('NOT_FOUND');
    const { body } = await upload(organizer, eventId, peopleFile(1, 'private'), false);
    await finished(organizer, body.data.importAttendees.jobId);
    expect((await graphql(stranger, JOB, { id: body.data.importAttendees.jobId })).code).toBe('FORBIDDEN');
    expect((await graphql(organizer, JOB, { id: randomUUID() })).data.importJob).toBeNull();
  });
});
