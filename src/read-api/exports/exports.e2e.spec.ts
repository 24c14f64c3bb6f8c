import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlClient } from '../../../test/graphql.js';
import { type TestApp, startTestApp } from '../../../test/test-app.js';
import type { Actor } from '../../domain/actor.js';
import { ReportHistory, startReportRunners } from '../../reports/report-history.fixture.js';

const organizer: Actor = { accountId: randomUUID(), roles: ['organizer'] };
const staff: Actor = { accountId: randomUUID(), roles: ['staff'] };
const admin: Actor = { accountId: randomUUID(), roles: ['admin'] };
const stranger: Actor = { accountId: randomUUID(), roles: ['organizer'] };

/** Names a spreadsheet could misread: formulas, separators, quotes, line breaks and scripts beyond ASCII. */
const NAMES = {
  formula: '=HYPERLINK("http://evil.example","click")',
  comma: 'Kowalski, Jan',
  quotes: 'Ann "The Hammer" Lee',
  lines: 'line one\nline two',
  unicode: 'Zażółć gęślą jaźń 🎉 東京',
  plus: '+48 600 700 800',
  at: '@everyone',
  erased: 'Forget Me',
} as const;

/** Organizers' notes by registration (the order of NAMES): a formula, a separator, and the erased person's access needs. */
const NOTES: [number, string][] = [
  [0, '=1+1'],
  [1, 'Speaker, keynote'],
  [7, 'Needs wheelchair access'],
];

let rollcall: TestApp;
let runners: Awaited<ReturnType<typeof startReportRunners>>;
const people = {} as Record<keyof typeof NAMES, string>;
const registrations: string[] = [];
let event: { eventId: string; sessionIds: string[] };
let empty: { eventId: string };
const nobody = randomUUID();

beforeAll(async () => {
  rollcall = await startTestApp();
  runners = await startReportRunners(rollcall.store, rollcall.db.pool);
  const history = new ReportHistory(rollcall.store);
  for (const [key, name] of Object.entries(NAMES)) people[key as keyof typeof NAMES] = await history.person(name, `${key}@example.org`);
  event = await history.event(organizer.accountId, { staffId: staff.accountId, sessions: [['2025-05-10T18:00:00Z', '2025-05-10T20:00:00Z']] }, '2025-04-01T00:00:00Z');
  // One a minute, in the order of NAMES; then one whose attendee has no account, asking for approval.
  for (const [i, key] of (Object.keys(NAMES) as (keyof typeof NAMES)[]).entries())
    registrations.push(await history.register(event.eventId, people[key], `2025-05-01T10:0${i}:00Z`));
  registrations.push(await history.submit(event.eventId, nobody, '2025-05-01T10:09:00Z'));
  for (const [i, note] of NOTES) await history.note(event.eventId, registrations[i]!, Object.values(people)[i]!, note, '2025-05-02T00:00:00Z');
  const [session] = event.sessionIds as [string];
  const door = { eventId: event.eventId, sessionId: session, staffId: staff.accountId };
  await history.door({ type: 'CheckedIn', data: { ...door, registrationId: registrations[0]!, attendeeId: people.formula, method: 'scan', reason: null } }, '2025-05-10T17:55:00Z');
  await history.door({ type: 'ScanRefused', data: { ...door, registrationId: registrations[0]!, result: 'already_redeemed' } }, '2025-05-10T17:56:00Z');
  await history.door({ type: 'UnreadableTicketScanned', data: door }, '2025-05-10T17:57:00Z');
  await history.door({ type: 'CheckedIn', data: { ...door, registrationId: registrations[7]!, attendeeId: people.erased, method: 'manual', reason: 'forgot phone, ID seen' } }, '2025-05-10T18:01:00Z');
  empty = await history.event(organizer.accountId, { sessions: [] }, '2025-04-01T00:00:00Z');
  await runners.caughtUp();
  const erased = await graphqlClient(() => rollcall.app)(admin, `mutation ($a: ID!) { eraseAccount(accountId: $a) { accountId } }`, { a: people.erased });
  if (erased.errors) throw new Error(JSON.stringify(erased.errors));
  await runners.caughtUp();
}, 120_000);
afterAll(async () => {
  await runners?.stop();
  await rollcall?.close();
});

const download = async (actor: Actor | undefined, eventId: string, file: string) => {
  const authorization = actor ? { authorization: `Bearer ${(await rollcall.app.tokens.issueAccessToken(actor)).token}` } : {};
  return rollcall.app.inject({ method: 'GET', url: `/events/${eventId}/exports/${file}`, headers: authorization });
};

/** The file's lines, after checking it is UTF-8 CSV with a byte order mark and CRLF line ends. */
const linesOf = (response: Awaited<ReturnType<typeof download>>) => {
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(response.headers['content-disposition']).toMatch(/^attachment; filename="[0-9a-f-]{36}-\w+\.csv"$/);
  const body = response.rawPayload.toString('utf8');
  expect(body.startsWith('\uFEFF')).toBe(true);
  expect(body.endsWith('\r\n')).toBe(true);
  return body.slice(1, -2).split('\r\n');
};

describe('GET /events/:eventId/exports/registrations.csv', () => {
  it('lists every registration in the order made, names and addresses quoted, neutralised and erased as they must be', async () => {
    const lines = linesOf(await download(organizer, event.eventId, 'registrations.csv'));
    const row = (i: number, name: string, email: string, note = '') =>
      `${registrations[i]},${Object.values(people)[i]},${name},${email},confirmed,2025-05-01T10:0${i}:00.000Z,2025-05-01T10:0${i}:00.000Z,registration,1,${note}`;
    expect(lines).toEqual([
      'registration_id,attendee_id,name,email,status,registered_at,confirmed_at,confirmed_via,ticket_version,note',
      row(0, `"'=HYPERLINK(""http://evil.example"",""click"")"`, 'formula@example.org', "'=1+1"),
      row(1, '"Kowalski, Jan"', 'comma@example.org', '"Speaker, keynote"'),
      row(2, '"Ann ""The Hammer"" Lee"', 'quotes@example.org'),
      // The record's CRLF splits the lines; a name's own line break is a bare LF inside quotes.
      row(3, '"line one\nline two"', 'lines@example.org'),
      row(4, 'Zażółć gęślą jaźń 🎉 東京', 'unicode@example.org'),
      row(5, "'+48 600 700 800", 'plus@example.org'),
      row(6, "'@everyone", 'at@example.org'),
      // Erased after the note was projected: the read model lets go of it with the name.
      row(7, '[erased]', '[erased]', '[erased]'),
      `${registrations[8]},${nobody},,,pending,2025-05-01T10:09:00.000Z,,,0,`,
    ]);
  });

  it('is the event’s staff’s and admins’ to download too', async () => {
    const expected = linesOf(await download(organizer, event.eventId, 'registrations.csv'));
    expect(linesOf(await download(staff, event.eventId, 'registrations.csv'))).toEqual(expected);
    expect(linesOf(await download(admin, event.eventId, 'registrations.csv'))).toEqual(expected);
  });

  it('gives back its place among the exports running at once when the file is done', async () => {
    // More downloads one after another than may run at once: a place kept would refuse the last.
    for (let i = 0; i < 5; i++) expect((await download(organizer, empty.eventId, 'registrations.csv')).statusCode).toBe(200);
  });

  it('is the header alone for an event without registrations', async () => {
    expect(linesOf(await download(organizer, empty.eventId, 'registrations.csv'))).toEqual([
      'registration_id,attendee_id,name,email,status,registered_at,confirmed_at,confirmed_via,ticket_version,note',
    ]);
  });
});

describe('GET /events/:eventId/exports/checkins.csv', () => {
  it('lists the door log in order, with whose ticket a refused scan was and names as the accounts read model has them now', async () => {
    const [session] = event.sessionIds;
    const lines = linesOf(await download(staff, event.eventId, 'checkins.csv'));
    const start = '2025-05-10T18:00:00.000Z';
    expect(lines).toEqual([
      'at,session_id,session_starts_at,registration_id,attendee_id,name,email,kind,result,reason,staff_id',
      `2025-05-10T17:55:00.000Z,${session},${start},${registrations[0]},${people.formula},"'=HYPERLINK(""http://evil.example"",""click"")",formula@example.org,scan,ok,,${staff.accountId}`,
      `2025-05-10T17:56:00.000Z,${session},${start},${registrations[0]},${people.formula},"'=HYPERLINK(""http://evil.example"",""click"")",formula@example.org,scan,already_redeemed,,${staff.accountId}`,
      `2025-05-10T17:57:00.000Z,${session},${start},,,,,scan,invalid,,${staff.accountId}`,
      `2025-05-10T18:01:00.000Z,${session},${start},${registrations[7]},${people.erased},[erased],[erased],manual,ok,"forgot phone, ID seen",${staff.accountId}`,
    ]);
  });
});

describe('a refused export', () => {
  it.each([
    ['registrations.csv'],
    ['checkins.csv'],
  ])('%s: answers 401 without a token, 403 to someone off the team, 404 for no such event and 400 for an id that is none, in JSON', async (file) => {
    const refusal = async (actor: Actor | undefined, eventId: string) => {
      const response = await download(actor, eventId, file);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      return { status: response.statusCode, code: response.json().code, error: response.json().error };
    };
    expect(await refusal(undefined, event.eventId)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await refusal(stranger, event.eventId)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await refusal(admin, randomUUID())).toMatchObject({ status: 404, code: 'NOT_FOUND', error: 'No such event' });
    expect(await refusal(organizer, 'not-an-event')).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
  });

  it('left the projections running without a failure', () => {
    expect(runners.failures).toEqual([]);
  });
});
