import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenAccount } from '../../test/accounts.js';
import { graphqlClient } from '../../test/graphql.js';
import { type TestApp, startTestApp } from '../../test/test-app.js';
import { EmailClaims } from '../commands/accounts/email-claims.js';
import type { Actor } from '../domain/actor.js';
import { accountStream, eventStream } from '../domain/streams.js';
import { mailWorkersOn, startJobWorkers } from '../jobs/job-runner.js';
import { type MlWorker, startMlWorker } from '../ml/ml-worker.js';
import { createReactors } from '../ml/reactors.js';
import { type Projector, startProjector } from '../projections/projector.js';
import { createLogger } from './logger.js';

/** Every line logged, parsed: what an operator's one grep would search. */
const lines: Array<Record<string, unknown>> = [];
const log = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });

let rollcall: TestApp;
let projector: Projector;
let reactors: MlWorker;

/** The `all` role's parts on one database: the API, the projections, the reactors and the mail workers, logging to `lines`. */
beforeAll(async () => {
  rollcall = await startTestApp();
  const { store, db, app, outboxDir } = rollcall;
  projector = await startProjector({ store, pool: db.pool, onFailure: () => undefined });
  reactors = await startMlWorker({ store, pool: db.pool, reactors: createReactors({ jobs: app.jobs, pool: db.pool, log }), log });
  const claims = new EmailClaims(store, db.masterKey);
  const mail = mailWorkersOn({ jobs: app.jobs, pool: db.pool, store, keys: app.personalData, claims }, { smtpUrl: undefined, outboxDir }, { masterKey: db.masterKey });
  await startJobWorkers(app.jobs, mail, { log });
});
afterAll(async () => {
  await reactors?.stop();
  await projector?.stop();
  await rollcall?.close();
});

const post = async (requestId: string, query: string, variables: Record<string, unknown>, actor?: Actor) => {
  const authorization = actor ? { authorization: `Bearer ${(await rollcall.app.tokens.issueAccessToken(actor)).token}` } : {};
  return rollcall.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...authorization },
    payload: JSON.stringify({ query, variables }),
  });
};

const logged = async (what: string, matches: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> => {
  for (let i = 0; i < 300; i++) {
    const line = lines.find(matches);
    if (line) return line;
    await sleep(100);
  }
  throw new Error(`No log line for ${what}; logged:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`);
};

describe('one request id, from the HTTP request to its mail', () => {
  it('names the events a sign-up appends (their correlation id) and the log line of the verification mail job they cause', async () => {
    const requestId = `signup-${randomUUID()}`;
    const response = await post(requestId, `mutation ($e: String!) { signUp(email: $e, password: "correct horse battery", name: "Ada") { accountId } }`, {
      e: `ada-${randomUUID()}@example.test`,
    });
    expect(response.headers['x-request-id']).toBe(requestId);
    const { accountId } = response.json().data.signUp;

    const events = await rollcall.store.readStream(accountStream(accountId));
    expect(events.map((e) => e.type)).toContain('AccountSignedUp');
    for (const event of events) {
      expect(event.metadata.correlationId).toBe(requestId);
      // The command stays the cause: the request id names the request, the command id what it asked.
      expect(event.metadata.causationId).toBe(event.metadata.commandId);
    }

    const mailed = await logged('the verification mail', (l) => l.queue === 'mail' && l.correlationId === requestId && l.msg === 'job mail done');
    expect(mailed).toMatchObject({ causationId: events[0]!.metadata.commandId, output: { sent: ['email-verification'], skipped: 0 } });
  });

  it('is carried by the reactor that acts on a registration into the ticket mail job, the event as their cause', async () => {
    const HOUR = 3_600_000;
    const organizer = await givenAccount(rollcall.store, { accountId: randomUUID(), roles: ['organizer'] });
    const attendee = await givenAccount(rollcall.store, { accountId: randomUUID(), roles: ['attendee'] });
    const gql = graphqlClient(() => rollcall.app);
    const opens = { registrationOpensAt: new Date(Date.now() - HOUR).toISOString(), registrationClosesAt: new Date(Date.now() + HOUR).toISOString() };
    const created = await gql(organizer, `mutation ($d: EventDetailsInput!) { createEvent(details: $d, capacity: 5) { eventId } }`, {
      d: { title: 'Traced', venue: 'Hall', timeZone: 'UTC', ...opens },
    });
    const eventId = created.data.createEvent.eventId as string;
    const plan = { startsAt: new Date(Date.now() + HOUR / 2).toISOString(), endsAt: new Date(Date.now() + 2 * HOUR).toISOString() };
    await gql(organizer, `mutation ($e: ID!, $p: SessionPlanInput!) { scheduleSessions(eventId: $e, plan: $p) { eventId } }`, { e: eventId, p: plan });
    await gql(organizer, `mutation ($e: ID!) { publishEvent(eventId: $e) { position } }`, { e: eventId });

    const requestId = `register-${randomUUID()}`;
    const registered = await post(requestId, `mutation ($e: ID!) { register(eventId: $e) { status } }`, { e: eventId }, attendee);
    expect(registered.json().data.register.status).toBe('confirmed');
    const confirmed = (await rollcall.store.readStream(eventStream(eventId))).find((e) => e.type === 'RegistrationConfirmed')!;
    expect(confirmed.metadata.correlationId).toBe(requestId);

    const trace = { correlationId: requestId, causationId: confirmed.id };
    expect(await logged('the reactor queueing the ticket', (l) => l.reactor === 'ticket-mail' && l.correlationId === requestId)).toMatchObject(trace);
    const mailed = await logged('the ticket mail', (l) => l.queue === 'ticket-delivery' && l.correlationId === requestId && l.msg === 'job ticket-delivery done');
    expect(mailed).toMatchObject({ ...trace, output: { delivered: expect.any(String) } });
  });
});
