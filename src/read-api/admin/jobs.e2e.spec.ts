import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlClient } from '../../../test/graphql.js';
import { type TestApp, startTestApp } from '../../../test/test-app.js';
import type { Actor } from '../../domain/actor.js';
import { mailJobs } from '../../jobs/job-runner.js';
import { deliverMail } from '../../jobs/mailer.js';
import { MAIL_QUEUE } from '../../jobs/queues.js';

let rollcall: TestApp;
let smtpDown = true;
const delivered: string[] = [];

beforeAll(async () => {
  rollcall = await startTestApp();
  const mailer = {
    deliver: async (message: { to: string }) => {
      if (smtpDown) throw new Error('SMTP server refused the connection');
      delivered.push(message.to);
    },
  };
  await (await rollcall.app.jobs.boss()).work(MAIL_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5, includeMetadata: true }, deliverMail(mailer, rollcall.app.personalData));
});
afterAll(() => rollcall?.close());

/** A reset mail to a person of its own, queued as account mail is. */
const mailTo = (to: string, token: string, options: PgBoss.SendOptions) =>
  mailJobs(rollcall.app.jobs, rollcall.app.personalData).enqueue(
    randomUUID(),
    { kind: 'password-reset', to, subject: 'Reset', text: `code ${token}`, token },
    {},
    options,
  );

const admin: Actor = { accountId: 'admin-j', roles: ['admin'] };
const organizer: Actor = { accountId: 'org-j', roles: ['organizer'] };

const gql = graphqlClient(() => rollcall.app);

const FAILED = `query ($q: String!) { failedJobs(queue: $q, first: 10) { id queue state data error failedAt retryCount } }`;
const QUEUES = `{ jobQueues { name queued active failed deadLetter } }`;
const RETRY = `mutation ($q: String!, $id: ID!) { retryJob(queue: $q, id: $id) { id queue state } }`;

describe('the background jobs admin view', () => {
  it('shows a job whose retries are spent, and retryJob puts it back to run', async () => {
    const boss = await rollcall.app.jobs.boss();
    const id = randomUUID();
    await mailTo('pat@example.org', 's3cret', { id, retryLimit: 0 });
    let failed: { id: string; data: Record<string, unknown>; error: { message?: string }; failedAt: string }[] = [];
    for (let i = 0; i < 100 && failed.length === 0; i++) {
      failed = (await gql(admin, FAILED, { q: MAIL_QUEUE })).data.failedJobs;
      if (failed.length === 0) await sleep(200);
    }
    expect(failed).toHaveLength(1);
    // Its message is sealed under the recipient's key: admins see whose it is, never its address or code.
    expect(failed[0]).toMatchObject({ id, data: { recipientId: expect.any(String), sealed: expect.any(String) } });
    expect(JSON.stringify(failed[0]!.data)).not.toMatch(/pat@example|s3cret/);
    expect(failed[0]!.error.message).toBe('SMTP server refused the connection');
    expect(failed[0]!.failedAt).toMatch(/^\d{4}-/);

    const queues = (await gql(admin, QUEUES)).data.jobQueues as { name: string; failed: number; queued: number; deadLetter: string | null }[];
    expect(queues.find((q) => q.name === MAIL_QUEUE)).toMatchObject({ failed: 1, deadLetter: 'mail-dead' });
    expect(queues.find((q) => q.name === 'mail-dead')).toMatchObject({ queued: 1 });
    expect(queues.map((q) => q.name)).toEqual(
      expect.arrayContaining(['ticket-delivery', 'session-reminder', 'forecast-refresh', 'model-retraining', 'projection-rebuild']),
    );

    // The dead letter queue keeps a copy, with the error.
    const [copy] = (await gql(admin, FAILED, { q: 'mail-dead' })).data.failedJobs;
    expect(copy).toMatchObject({ queue: 'mail-dead', data: failed[0]!.data, error: { message: 'SMTP server refused the connection' } });

    smtpDown = false;
    const retried = await gql(admin, RETRY, { q: MAIL_QUEUE, id });
    expect(retried.data.retryJob).toEqual({ id, queue: MAIL_QUEUE, state: 'retry' });
    for (let i = 0; i < 100 && delivered.length === 0; i++) await sleep(200);
    expect(delivered).toEqual(['pat@example.org']);
    expect((await boss.getJobById(MAIL_QUEUE, id))?.state).toBe('completed');
    expect((await gql(admin, FAILED, { q: MAIL_QUEUE })).data.failedJobs).toEqual([]);
    // Retried, the failure is no longer a dead letter either.
    expect((await gql(admin, FAILED, { q: 'mail-dead' })).data.failedJobs).toEqual([]);
  });

  it('retries a dead letter by queueing its data again where it came from', async () => {
    smtpDown = true;
    await mailTo('quin@example.org', 't', { retryLimit: 0 });
    let letters: { id: string }[] = [];
    for (let i = 0; i < 100 && letters.length === 0; i++) {
      letters = (await gql(admin, FAILED, { q: 'mail-dead' })).data.failedJobs;
      if (letters.length === 0) await sleep(200);
    }
    expect(letters).toHaveLength(1);

    smtpDown = false;
    const retried = (await gql(admin, RETRY, { q: 'mail-dead', id: letters[0]!.id })).data.retryJob;
    expect(retried).toMatchObject({ queue: MAIL_QUEUE, state: 'created' });
    expect(retried.id).not.toBe(letters[0]!.id);
    for (let i = 0; i < 100 && !delivered.includes('quin@example.org'); i++) await sleep(200);
    expect(delivered).toContain('quin@example.org');
    expect((await gql(admin, FAILED, { q: 'mail-dead' })).data.failedJobs).toEqual([]);
    expect((await gql(admin, RETRY, { q: 'mail-dead', id: letters[0]!.id })).code).toBe('NOT_FOUND');
  });

  it('is for admins only', async () => {
    expect((await gql(organizer, QUEUES)).code).toBe('FORBIDDEN');
    expect((await gql(organizer, FAILED, { q: MAIL_QUEUE })).code).toBe('FORBIDDEN');
    expect((await gql(undefined, QUEUES)).code).toBe('UNAUTHENTICATED');
    const retry = await gql(organizer, `mutation { retryJob(queue: "mail", id: "00000000-0000-4000-8000-000000000000") { id } }`);
    expect(retry.code).toBe('FORBIDDEN');
    expect((await gql(admin, FAILED, { q: 'nope' })).code).toBe('VALIDATION');
  });
});
