import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlClient } from '../../../test/graphql.js';
import { type TestApp, startTestApp } from '../../../test/test-app.js';
import type { Actor } from '../../domain/actor.js';
import { givenPublishedEvent } from '../../imports/imports.fixture.js';

let rollcall: TestApp;
beforeAll(async () => {
  rollcall = await startTestApp();
});
afterAll(async () => rollcall?.close());

const graphql = graphqlClient(() => rollcall.app);
const organizerA: Actor = { accountId: randomUUID(), roles: ['organizer'] };
const organizerB: Actor = { accountId: randomUUID(), roles: ['organizer'] };
const attendee: Actor = { accountId: randomUUID(), roles: ['attendee'] };
const admin: Actor = { accountId: randomUUID(), roles: ['admin'] };
/** TEST-NET-1: public, so no DNS is asked and webhooks may point to it; nothing is delivered here (no dispatcher runs). */
const URL = 'https://192.0.2.10/rollcall';

const CREATE = `mutation ($url: String!, $eventTypes: [IntegrationEventType!]!, $eventId: ID) {
  createWebhook(url: $url, eventTypes: $eventTypes, eventId: $eventId) { secret webhook { id url eventTypes eventId ownerId status } } }`;
const LIST = '{ webhooks { id ownerId } }';
const UPDATE = `mutation ($webhookId: ID!, $enabled: Boolean, $url: String) { updateWebhook(webhookId: $webhookId, enabled: $enabled, url: $url) { id status disabledReason url } }`;
const ROTATE = 'mutation ($webhookId: ID!) { rotateWebhookSecret(webhookId: $webhookId) { secret } }';
const DELETE = 'mutation ($webhookId: ID!) { deleteWebhook(webhookId: $webhookId) }';
const DELIVERIES = 'query ($webhookId: ID!) { webhookDeliveries(webhookId: $webhookId) { nodes { id } pageInfo { hasNextPage } } }';
const REDELIVER = 'mutation ($deliveryId: ID!) { redeliverWebhookDelivery(deliveryId: $deliveryId) { id } }';

const create = (actor: Actor | undefined, variables: Record<string, unknown>) => graphql(actor, CREATE, { url: URL, eventTypes: ['CheckedIn'], ...variables });

describe('createWebhook', () => {
  it("gives an organizer a webhook on their own event, and its secret this once", async () => {
    const eventId = await givenPublishedEvent(rollcall.store, organizerA.accountId, 5);
    const { data, errors } = await create(organizerA, { eventId, eventTypes: ['CheckedIn', 'RegistrationConfirmed', 'CheckedIn'] });
    expect(errors).toBeUndefined();
    const { secret, webhook } = data.createWebhook;
    expect(secret).toMatch(/^whsec_/);
    expect(webhook).toMatchObject({ url: URL, eventTypes: ['CheckedIn', 'RegistrationConfirmed'], eventId, ownerId: organizerA.accountId, status: 'enabled' });
    const { rows } = await rollcall.db.pool.query('SELECT secret_sealed FROM rollcall.webhooks WHERE webhook_id = $1', [webhook.id]);
    // Sealed: a database reader finds neither the secret nor its key.
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    expect(rows[0].secret_sealed.includes(key)).toBe(false);
    expect(rows[0].secret_sealed.toString('latin1')).not.toContain(secret);
  });

  it("refuses an organizer another organizer's event, or every event, and anyone who organizes nothing", async () => {
    const eventId = await givenPublishedEvent(rollcall.store, organizerA.accountId, 5);
    expect((await create(organizerB, { eventId })).code).toBe('FORBIDDEN');
    expect((await create(organizerA, {})).code).toBe('FORBIDDEN');
    expect((await create(attendee, { eventId })).code).toBe('FORBIDDEN');
    expect((await create(undefined, { eventId })).code).toBe('UNAUTHENTICATED');
    expect((await create(admin, {})).errors).toBeUndefined();
    expect((await create(admin, { eventId })).errors).toBeUndefined();
  });

  it('refuses URLs that are not https, or that point inside a network, and event types that are not published', async () => {
    const eventId = await givenPublishedEvent(rollcall.store, organizerA.accountId, 5);
    for (const url of ['http://192.0.2.10/', 'https://127.0.0.1/', 'https://169.254.169.254/latest/meta-data', 'https://[::1]/', 'https://10.0.0.8/', 'https://user:pw@192.0.2.10/', 'not a url'])
      expect((await create(organizerA, { eventId, url })).code, url).toBe('VALIDATION');
    expect((await create(organizerA, { eventId, eventTypes: ['LoggedIn'] })).code).toBe('GRAPHQL_VALIDATION');
    expect((await create(organizerA, { eventId, eventTypes: [] })).code).toBe('VALIDATION');
  });
});

describe("a webhook's owner and admins", () => {
  const webhookOfA = async () => {
    const eventId = await givenPublishedEvent(rollcall.store, organizerA.accountId, 5);
    return (await create(organizerA, { eventId })).data.createWebhook.webhook.id as string;
  };

  it('see it, its deliveries, change it, rotate its secret and delete it; another organizer does none of it', async () => {
    const webhookId = await webhookOfA();
    for (const [document, variables] of [
      [UPDATE, { webhookId, enabled: false }],
      [ROTATE, { webhookId }],
      [DELIVERIES, { webhookId }],
      [DELETE, { webhookId }],
    ] as const) {
      expect((await graphql(organizerB, document, variables)).code, document).toBe('FORBIDDEN');
      expect((await graphql(attendee, document, variables)).code, document).toBe('FORBIDDEN');
    }
    expect((await graphql(organizerB, LIST)).data.webhooks.map((w: { id: string }) => w.id)).not.toContain(webhookId);
    expect((await graphql(organizerA, LIST)).data.webhooks.map((w: { id: string }) => w.id)).toContain(webhookId);
    expect((await graphql(admin, LIST)).data.webhooks.map((w: { id: string }) => w.id)).toContain(webhookId);
    expect((await graphql(attendee, LIST)).code).toBe('FORBIDDEN');

    expect((await graphql(organizerA, UPDATE, { webhookId, enabled: false })).data.updateWebhook).toMatchObject({ status: 'disabled', disabledReason: 'owner' });
    expect((await graphql(admin, UPDATE, { webhookId, enabled: true })).data.updateWebhook).toMatchObject({ status: 'enabled', disabledReason: null });
    expect((await graphql(organizerA, UPDATE, { webhookId, url: 'https://192.168.0.10/' })).code).toBe('VALIDATION');
    const first = (await graphql(organizerA, ROTATE, { webhookId })).data.rotateWebhookSecret.secret;
    const second = (await graphql(admin, ROTATE, { webhookId })).data.rotateWebhookSecret.secret;
    expect(first).toMatch(/^whsec_/);
    expect(second).not.toBe(first);
    expect((await graphql(organizerA, DELIVERIES, { webhookId })).data.webhookDeliveries).toEqual({ nodes: [], pageInfo: { hasNextPage: false } });
    expect((await graphql(organizerA, DELETE, { webhookId })).data.deleteWebhook).toBe(true);
    expect((await graphql(admin, DELIVERIES, { webhookId })).code).toBe('NOT_FOUND');
  });

  it('leave redelivery to admins, and name a webhook or a delivery by its UUID', async () => {
    expect((await graphql(organizerA, REDELIVER, { deliveryId: randomUUID() })).code).toBe('FORBIDDEN');
    expect((await graphql(admin, REDELIVER, { deliveryId: randomUUID() })).code).toBe('NOT_FOUND');
    expect((await graphql(admin, REDELIVER, { deliveryId: 'nope' })).code).toBe('VALIDATION');
    expect((await graphql(admin, DELIVERIES, { webhookId: 'nope' })).code).toBe('VALIDATION');
  });
});
