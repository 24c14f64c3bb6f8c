import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenAccount } from '../../test/accounts.js';
import { type TestDatabase, createTestDatabase } from '../../test/postgres.js';
import type { Actor } from '../domain/actor.js';
import { PostgresEventStore } from '../eventstore/postgres/postgres-event-store.js';
import type { EventStore } from '../eventstore/event-store.js';
import { anEvent } from '../../test/events.js';
import { accountStream, eventStream } from '../domain/streams.js';
import { accountStandings } from '../projections/accounts/queries.js';
import { givenPublishedEvent } from '../imports/imports.fixture.js';
import { PRIVATE_FIELDS } from '../integration/contract.js';
import { mailJobs, startJobWorkers } from '../jobs/job-runner.js';
import { Jobs } from '../jobs/jobs.js';
import { personalDataStore } from '../personal-data/personal-data-store.js';
import { type Projector, startProjector } from '../projections/projector.js';
import { webhookDeliveryWorker } from './delivery-worker.js';
import { requeueOrphanedHeads } from './lane-sweep.js';
import { WEBHOOK_DELIVERY_RETENTION_DAYS, deleteOldDeliveries } from './retention.js';
import { WebhookDispatcher } from './dispatcher.js';
import { systemResolver } from './resolve-target.js';
import { type Receipt, type Receiver, startReceiver } from './webhook-receiver.fixture.js';
import { deliveriesOf, findWebhook } from './webhook-records.js';
import { WebhookSecrets } from './webhook-secrets.js';
import { WebhookSender } from './webhook-sender.js';
import { Webhooks } from './webhooks.js';

/** The sender's bound on an attempt: every receiver here but /slow must answer within it, on a busy machine too, where 500 ms left little room. */
const TIMEOUT_MS = 2_000;
/** Retries within tenths of a second, given up after 3 s. */
const FAST_RETRIES = { firstDelayMs: 100, maxDelayMs: 400, giveUpAfterMs: 3_000, disableAfterMs: 3_600_000 };
/** Resolves to a public address when the webhook is made, and to loopback when it is called: DNS rebinding. */
const REBOUND_HOST = 'rebound.example.org';

const admin: Actor = { accountId: randomUUID(), roles: ['admin'] };
const organizer: Actor = { accountId: randomUUID(), roles: ['organizer'] };

let db: TestDatabase;
let store: EventStore;
let jobs: Jobs;
let receiver: Receiver;
let sender: WebhookSender;
let dispatcher: WebhookDispatcher;
let projector: Projector;
let webhooks: Webhooks;
const organizers = new Map<string, string>();

/** Whether the receiver behind /recovering works yet. */
let recovered = false;

/** The receiver answers by path: some fail their first tries, one is gone, one is slow, one redirects. */
const answer = (receipt: Receipt) => {
  if (receipt.path.startsWith('/recovering')) return { status: recovered ? 200 : 500 };
  if (receipt.path.startsWith('/flaky')) return { status: receipt.attempt < 3 ? 500 : 204 };
  if (receipt.path.startsWith('/ordered')) return { status: receipt.attempt < 2 ? 503 : 200 };
  if (receipt.path.startsWith('/gone')) return { status: 410 };
  if (receipt.path.startsWith('/slow')) return { status: 200, delayMs: 3 * TIMEOUT_MS };
  if (receipt.path.startsWith('/redirect')) return { status: 302, headers: { location: '/redirected' } };
  return { status: 204 };
};

beforeAll(async () => {
  db = await createTestDatabase();
  const sealing = personalDataStore(new PostgresEventStore({ pool: db.pool, connectionString: db.url }), db.pool, db.masterKey);
  store = sealing.store;
  jobs = new Jobs(db.url, { pollingIntervalSeconds: 0.5 });
  receiver = await startReceiver(answer);
  const secrets = new WebhookSecrets(db.masterKey);
  sender = new WebhookSender({
    allowHosts: ['127.0.0.1'],
    timeoutMs: TIMEOUT_MS,
    resolve: async (host) => (host === REBOUND_HOST ? ['127.0.0.1'] : systemResolver(host)),
  });
  webhooks = new Webhooks({
    pool: db.pool,
    jobs,
    secrets,
    allowHosts: ['127.0.0.1'],
    resolve: async (host) => (host === REBOUND_HOST ? ['93.184.215.14'] : systemResolver(host)),
    organizerOf: async (eventId) => organizers.get(eventId) ?? randomUUID(),
  });
  projector = await startProjector({ store, pool: db.pool, onFailure: () => undefined });
  dispatcher = new WebhookDispatcher({ store, pool: db.pool, jobs });
  await dispatcher.start();
  const mail = mailJobs(jobs, sealing.personalData);
  await startJobWorkers(jobs, [webhookDeliveryWorker({ pool: db.pool, jobs, secrets, sender, mail, policy: FAST_RETRIES })]);
});

afterAll(async () => {
  await dispatcher?.stop();
  await projector?.stop();
  await jobs?.stop();
  sender?.close();
  await receiver?.close();
  await store?.close();
  await db?.close();
});

const eventually = async <T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Still waiting for ${what}`);
    await sleep(50);
  }
};

/** A webhook of `actor`'s to `path` on the receiver, which then checks its signatures. */
const hook = async (actor: Actor, path: string, eventTypes: string[], eventId: string | null = null) => {
  const { webhook, secret } = await webhooks.create(actor, { url: receiver.url(path), eventTypes, eventId });
  receiver.trust(path, secret);
  return webhook;
};

const receivedOn = (path: string) => receiver.receipts.filter((receipt) => receipt.path === path);

const deliveries = async (webhookId: string) => (await deliveriesOf(db.pool, webhookId, { first: 100 })).nodes;

/** Waits until `webhookId`'s deliveries pass `done`, and answers them oldest first. */
const deliveriesWhen = (webhookId: string, done: (made: Awaited<ReturnType<typeof deliveries>>) => boolean, what: string) =>
  eventually(async () => {
    const made = (await deliveries(webhookId)).reverse();
    return made.length > 0 && done(made) ? made : undefined;
  }, what);

/** A published event of `actor`'s: its history is written before any webhook hears it. */
const published = async (actor = organizer) => {
  const eventId = await givenPublishedEvent(store, actor.accountId, 5);
  organizers.set(eventId, actor.accountId);
  return eventId;
};

/** What webhooks hear in these specs: the event's capacity changed, to each of `capacities` in turn. */
const capacityChanges = (eventId: string, ...capacities: number[]) =>
  store.append(eventStream(eventId), capacities.map((capacity) => anEvent('CapacityChanged', { capacity })), 'any');

const capacityOf = (receipt: Receipt): number => JSON.parse(receipt.body).data.capacity;

describe('webhook deliveries', () => {
  it('carry the published integration event, signed so that standardwebhooks verifies it, never a private field', async () => {
    await hook(admin, '/accounts', ['AccountSignedUp']);
    const someone: Actor = { accountId: randomUUID(), roles: ['attendee'] };
    await givenAccount(store, someone);
    const receipt = await eventually(() => receivedOn('/accounts').find((r) => r.body.includes(someone.accountId)), 'the sign-up delivery');
    expect(receipt.verified).toBe(true);
    const body = JSON.parse(receipt.body);
    expect(body).toMatchObject({ type: 'AccountSignedUp', version: 1, streamId: `account-${someone.accountId}`, data: { accountId: someone.accountId } });
    for (const field of PRIVATE_FIELDS.AccountSignedUp!) expect(body.data).not.toHaveProperty(field);
    expect(receipt.body).not.toContain('@example.test');
  });

  it('are retried with backoff while the receiver fails, until it answers 2xx; every attempt logged', async () => {
    const eventId = await published();
    const webhook = await hook(admin, '/flaky', ['CapacityChanged'], eventId);
    await capacityChanges(eventId, 7);
    const [delivery] = await deliveriesWhen(webhook.id, ([first]) => first!.status === 'delivered', 'the flaky delivery');
    expect(delivery!.attempts.map((a) => a.statusCode)).toEqual([500, 500, 204]);
    const tries = receivedOn('/flaky');
    expect(tries.map((r) => [r.verified, r.messageId])).toEqual(Array(3).fill([true, delivery!.id]));
    // The backoff counts from when an attempt began, as logged; when its request reached the
    // receiver is later by however long a busy machine took to send it, which ate into the gap.
    const began = delivery!.attempts.map((a) => Date.parse(a.attemptedAt));
    expect(began[1]! - began[0]!).toBeGreaterThanOrEqual(FAST_RETRIES.firstDelayMs / 2);
    expect(began[2]! - began[1]!).toBeGreaterThanOrEqual(FAST_RETRIES.firstDelayMs);
  });

  it('stop for a webhook whose owner is no longer an organizer, while an admin\'s on the same event goes on', async () => {
    const owner = await givenAccount(store, { accountId: randomUUID(), roles: ['organizer'] });
    const eventId = await published(owner);
    const theirs = await hook(owner, '/demoted', ['CapacityChanged'], eventId);
    const admins = await hook(admin, '/beside-demoted', ['CapacityChanged'], eventId);
    await capacityChanges(eventId, 11);
    await deliveriesWhen(theirs.id, (all) => all.length === 1 && all[0]!.status === 'delivered', 'the first delivery');
    const revokedAt = new Date().toISOString();
    await store.append(accountStream(owner.accountId), [anEvent('RoleRevoked', { role: 'organizer', revokedBy: admin.accountId, revokedAt })], 'any');
    await eventually(async () => ((await accountStandings(db.pool, [owner.accountId])).get(owner.accountId)?.roles.includes('organizer') === false ? true : undefined), 'the read model to see the role revoked');
    await capacityChanges(eventId, 12);
    await deliveriesWhen(admins.id, (all) => all.length === 2 && all.every((d) => d.status === 'delivered'), "the admin's two deliveries");
    expect((await deliveries(theirs.id)).length).toBe(1);
    expect(receivedOn('/demoted').map(capacityOf)).toEqual([11]);
  });

  it("come from a dispatcher that reports its lag with the reactors', and is ready once caught up", async () => {
    await capacityChanges(await published(), 31);
    await eventually(async () => ((await dispatcher.lagReport.lag()) === 0 ? true : undefined), 'the dispatcher caught up');
    await dispatcher.lagReport.report();
    const { rows } = await db.pool.query<{ mode: string; lag: string }>(`SELECT mode, lag FROM rollcall.consumer_lag WHERE consumer = 'webhooks'`);
    expect(rows).toEqual([{ mode: 'store', lag: expect.anything() }]);
    expect(Number(rows[0]!.lag)).toBe(0);
    expect(dispatcher.lagReport.problem(0)).toBeUndefined();
  });

  it(`finished more than ${WEBHOOK_DELIVERY_RETENTION_DAYS} days ago are deleted with their attempts; newer and unfinished ones stay`, async () => {
    const eventId = await published();
    const webhook = await hook(organizer, '/kept', ['CapacityChanged'], eventId);
    await capacityChanges(eventId, 41, 42, 43);
    const made = await deliveriesWhen(webhook.id, (all) => all.length === 3 && all.every((d) => d.status === 'delivered'), 'three deliveries');
    const [old, recent, unfinished] = made.map((d) => d.id) as [string, string, string];
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
    await db.pool.query('UPDATE rollcall.webhook_deliveries SET finished_at = $2 WHERE delivery_id = $1', [old, daysAgo(WEBHOOK_DELIVERY_RETENTION_DAYS + 1)]);
    await db.pool.query('UPDATE rollcall.webhook_deliveries SET finished_at = $2 WHERE delivery_id = $1', [recent, daysAgo(WEBHOOK_DELIVERY_RETENTION_DAYS - 1)]);
    await db.pool.query("UPDATE rollcall.webhook_deliveries SET status = 'waiting', finished_at = $2 WHERE delivery_id = $1", [unfinished, daysAgo(90)]);
    expect(await deleteOldDeliveries(db.pool)).toBe(1);
    expect((await deliveries(webhook.id)).map((d) => d.id).sort()).toEqual([recent, unfinished].sort());
    const { rows } = await db.pool.query('SELECT 1 FROM rollcall.webhook_attempts WHERE delivery_id = $1', [old]);
    expect(rows).toEqual([]);
  });

  it('after a secret rotation are signed with the old secret too for a day, then with the new one alone', async () => {
    const eventId = await published();
    const { webhook, secret: old } = await webhooks.create(organizer, { url: receiver.url('/rotating'), eventTypes: ['CapacityChanged'], eventId });
    receiver.trust('/rotating', old);
    const { secret: current } = await webhooks.rotateSecret(organizer, webhook.id);
    await capacityChanges(eventId, 51);
    await eventually(() => (receivedOn('/rotating').length === 1 ? true : undefined), 'a delivery in the grace period');
    receiver.trust('/rotating', current);
    await capacityChanges(eventId, 52);
    await eventually(() => (receivedOn('/rotating').length === 2 ? true : undefined), 'a second delivery in the grace period');
    await db.pool.query('UPDATE rollcall.webhooks SET previous_secret_until = now() WHERE webhook_id = $1', [webhook.id]);
    receiver.trust('/rotating', old);
    await capacityChanges(eventId, 53);
    await eventually(() => (receivedOn('/rotating').length >= 3 ? true : undefined), 'a delivery after the grace period');
    expect(receivedOn('/rotating').slice(0, 3).map((r) => r.verified)).toEqual([true, true, false]);
  });

  it('whose job was dead-lettered are queued again by the lane sweep, and those with a live job are left alone', async () => {
    const eventId = await published();
    const webhook = await hook(organizer, '/orphaned', ['CapacityChanged'], eventId);
    await capacityChanges(eventId, 21);
    await deliveriesWhen(webhook.id, (all) => all.length === 1 && all[0]!.status === 'delivered', 'the first delivery');
    // Two heads as a dead-lettered batch and a retry due in an hour leave them: queued, the first with no job.
    const { rows } = await db.pool.query<{ body: string; stream_id: string }>('SELECT body, stream_id FROM rollcall.webhook_deliveries WHERE webhook_id = $1', [webhook.id]);
    const [orphan, waitingForRetry] = [randomUUID(), randomUUID()];
    for (const [deliveryId, streamId] of [[orphan, rows[0]!.stream_id], [waitingForRetry, `${rows[0]!.stream_id}-other`]])
      await db.pool.query(
        `INSERT INTO rollcall.webhook_deliveries (delivery_id, webhook_id, event_id, event_type, stream_id, body, status) VALUES ($1, $2, $3, 'CapacityChanged', $4, $5, 'queued')`,
        [deliveryId, webhook.id, randomUUID(), streamId, rows[0]!.body],
      );
    await db.pool.query('INSERT INTO rollcall.webhook_lanes (webhook_id, stream_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [webhook.id, `${rows[0]!.stream_id}-other`]);
    const boss = await jobs.boss();
    await boss.send('webhook-delivery', { deliveryId: waitingForRetry }, { startAfter: new Date(Date.now() + 3_600_000) });
    expect(await requeueOrphanedHeads(db.pool, jobs)).toBe(1);
    await deliveriesWhen(webhook.id, (all) => all.some((d) => d.id === orphan && d.status === 'delivered'), 'the orphan delivered');
    expect(receivedOn('/orphaned')).toHaveLength(2);
    expect(await requeueOrphanedHeads(db.pool, jobs)).toBe(0);
    expect((await deliveries(webhook.id)).find((d) => d.id === waitingForRetry)?.status).toBe('queued');
  });

  it('answered 410 Gone disable their webhook, cancel what it still had to deliver and mail its owner', async () => {
    const owner = await givenAccount(store, { accountId: randomUUID(), roles: ['organizer'] });
    const eventId = await published(owner);
    const webhook = await hook(owner, '/gone', ['CapacityChanged'], eventId);
    await capacityChanges(eventId, 6, 7, 8, 9);
    const made = await deliveriesWhen(webhook.id, (all) => all.length === 4 && all.every((d) => d.status !== 'queued' && d.status !== 'waiting'), 'the deliveries settled');
    expect(made.map((d) => d.status)).toEqual(['failed', 'cancelled', 'cancelled', 'cancelled']);
    expect(await findWebhook(db.pool, webhook.id)).toMatchObject({ status: 'disabled', disabledReason: 'gone' });
    expect(receivedOn('/gone')).toHaveLength(1);
    await eventually(async () => {
      const { rows } = await db.pool.query(`SELECT 1 FROM pgboss.job WHERE name = 'mail' AND data->>'recipientId' = $1`, [owner.accountId]);
      return rows[0];
    }, "the owner's mail queued");
  });

  it('wait no longer than the timeout for a slow receiver, and log why', async () => {
    const eventId = await published();
    const webhook = await hook(admin, '/slow', ['CapacityChanged'], eventId);
    await capacityChanges(eventId, 6);
    const [delivery] = await deliveriesWhen(webhook.id, ([first]) => first!.attempts.length > 0, 'an attempt at the slow receiver');
    expect(delivery!.attempts[0]).toMatchObject({ statusCode: null, error: expect.stringContaining(`within ${TIMEOUT_MS} ms`) });
    expect(delivery!.attempts[0]!.latencyMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(delivery!.attempts[0]!.latencyMs).toBeLessThan(2 * TIMEOUT_MS);
  });

  it('do not follow redirects: a 3xx is a failed attempt', async () => {
    const eventId = await published();
    const webhook = await hook(admin, '/redirect', ['CapacityChanged'], eventId);
    await capacityChanges(eventId, 6);
    const [delivery] = await deliveriesWhen(webhook.id, ([first]) => first!.attempts.length >= 2, 'two attempts at the redirecting receiver');
    expect(delivery!.attempts.slice(0, 2).map((a) => a.statusCode)).toEqual([302, 302]);
    expect(receivedOn('/redirected')).toEqual([]);
  });

  it('are refused when the host now resolves to a private address, though it did not when the webhook was made', async () => {
    const eventId = await published();
    const { webhook } = await webhooks.create(admin, { url: `https://${REBOUND_HOST}/hook`, eventTypes: ['CapacityChanged'], eventId });
    await capacityChanges(eventId, 6);
    const [delivery] = await deliveriesWhen(webhook.id, ([first]) => first!.attempts.length > 0, 'an attempt at the rebound host');
    expect(delivery!.attempts[0]).toMatchObject({ statusCode: null, error: `url host ${REBOUND_HOST} resolves to a private, loopback or link-local address` });
    expect(receiver.receipts.filter((r) => r.path === '/hook')).toEqual([]);
  });

  it('are given up about a day (here 3 s) after the first attempt, and an admin can redeliver one once the receiver works', async () => {
    const eventId = await published();
    const webhook = await hook(admin, '/recovering', ['CapacityChanged'], eventId);
    await capacityChanges(eventId, 6);
    const [given] = await deliveriesWhen(webhook.id, ([first]) => first!.status === 'failed', 'the delivery given up');
    expect(given!.attempts.length).toBeGreaterThan(3);
    expect(given!.attempts.every((a) => a.statusCode === 500)).toBe(true);
    recovered = true;
    await expect(webhooks.redeliver(organizer, given!.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await webhooks.redeliver(admin, given!.id);
    const [redelivered] = await deliveriesWhen(webhook.id, ([first]) => first!.status === 'delivered', 'the redelivery');
    expect(redelivered!.attempts.map((a) => a.statusCode)).toEqual([...given!.attempts.map(() => 500), 200]);
    expect(receivedOn('/recovering').map((r) => r.messageId)).toEqual(Array(given!.attempts.length + 1).fill(given!.id));
  });

  it("of one stream go in the stream's order, each held back until the one before is delivered; an organizer's webhook hears only its event", async () => {
    const events = await Promise.all([published(), published(), published()]);
    await hook(admin, '/ordered', ['CapacityChanged']);
    const ours = await hook(organizer, '/ours', ['CapacityChanged'], events[0]);
    // Interleaved across the streams, each stream's changes in order.
    for (const capacity of [6, 7, 8, 9, 10]) await Promise.all(events.map((eventId) => capacityChanges(eventId, capacity)));
    await eventually(() => (receivedOn('/ordered').filter((r) => r.attempt === 2).length === 15 ? true : undefined), 'every change delivered');
    for (const eventId of events) {
      const tries = receivedOn('/ordered').filter((r) => JSON.parse(r.body).streamId === eventStream(eventId));
      // Each first try fails (503): the next change is not tried before the one before it went through.
      expect(tries.map((r) => `${capacityOf(r)}:${r.attempt}`)).toEqual(['6:1', '6:2', '7:1', '7:2', '8:1', '8:2', '9:1', '9:2', '10:1', '10:2']);
      expect(tries.every((r) => r.verified)).toBe(true);
    }
    const heard = await deliveriesWhen(ours.id, (made) => made.length === 5 && made.every((d) => d.status === 'delivered'), "our event's changes");
    expect(new Set(heard.map((d) => d.streamId))).toEqual(new Set([eventStream(events[0]!)]));
  });
});
