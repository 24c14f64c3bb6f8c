import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Actor } from '../domain/actor.js';
import { hasRole } from '../domain/actor.js';
import { DomainError } from '../domain/domain-error.js';
import { PUBLISHED_VERSIONS, type PublishedType } from '../integration/published-types.js';
import type { Jobs } from '../jobs/jobs.js';
import type { Page, PageArgs } from '../projections/pages.js';
import { inTransaction } from '../postgres/transaction.js';
import { isUuid } from '../uuid.js';
import { queueAttempts } from './lanes.js';
import { type Resolver, resolveTarget, systemResolver } from './resolve-target.js';
import { generateSecret } from './signature.js';
import { mayHook, mayKeepWebhooks, mayManage, mayRedeliver } from './webhook-access.js';
import {
  type DeliveryView,
  type WebhookView,
  deleteWebhook,
  deliveriesOf,
  disableByOwner,
  findDelivery,
  findWebhook,
  insertWebhook,
  listWebhooks,
  rotateSecret,
  updateWebhook,
} from './webhook-records.js';
import type { WebhookSecrets } from './webhook-secrets.js';

export interface WebhooksDependencies {
  pool: pg.Pool;
  jobs: Jobs;
  secrets: WebhookSecrets;
  /** WEBHOOK_ALLOW_HOSTS. */
  allowHosts: readonly string[];
  resolve?: Resolver;
  /** The organizer of an event, from its stream; NOT_FOUND when there is none. */
  organizerOf(eventId: string): Promise<string>;
}

/** A webhook with its secret: the only answers that ever show one. */
export interface WebhookWithSecret {
  webhook: WebhookView;
  secret: string;
}

export interface NewWebhookInput {
  url: string;
  eventTypes: readonly string[];
  eventId?: string | null;
}

export interface WebhookChangesInput {
  url?: string | null;
  eventTypes?: readonly string[] | null;
  enabled?: boolean | null;
}

const MAX_WEBHOOKS_PER_OWNER = 50;
/** How long a rotated secret signs beside its successor: a day to deploy the new one to the receiver. */
export const SECRET_GRACE_MS = 24 * 3_600_000;

const uuid = (value: string, name: string): string => {
  if (!isUuid(value) || value !== value.toLowerCase()) throw new DomainError('VALIDATION', `${name} must be a UUID in lower case`);
  return value;
};

/** The types subscribed to: published ones only (internal events never leave), each once. */
export const subscribedTypes = (types: readonly string[]): PublishedType[] => {
  if (types.length === 0) throw new DomainError('VALIDATION', 'eventTypes must name at least one event type');
  const unknown = types.filter((type) => !Object.hasOwn(PUBLISHED_VERSIONS, type));
  if (unknown.length > 0) throw new DomainError('VALIDATION', `eventTypes: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not published`);
  return [...new Set(types as PublishedType[])];
};

/** Webhooks as the API manages them: who may, and what a URL may be, checked here before anything is written. */
export class Webhooks {
  constructor(private readonly deps: WebhooksDependencies) {}

  private async checkedUrl(url: string): Promise<string> {
    await resolveTarget(url, this.deps.allowHosts, this.deps.resolve ?? systemResolver);
    return url;
  }

  private async managed(actor: Actor, webhookId: string): Promise<WebhookView> {
    mayKeepWebhooks(actor);
    const webhook = await findWebhook(this.deps.pool, uuid(webhookId, 'webhookId'));
    if (!webhook) throw new DomainError('NOT_FOUND', 'No such webhook');
    mayManage(actor, webhook.ownerId);
    return webhook;
  }

  async create(actor: Actor, input: NewWebhookInput): Promise<WebhookWithSecret> {
    mayKeepWebhooks(actor);
    const eventId = input.eventId == null ? null : uuid(input.eventId, 'eventId');
    mayHook(actor, eventId, eventId === null ? undefined : await this.deps.organizerOf(eventId));
    const eventTypes = subscribedTypes(input.eventTypes);
    const url = await this.checkedUrl(input.url);
    if ((await listWebhooks(this.deps.pool, actor.accountId)).length >= MAX_WEBHOOKS_PER_OWNER)
      throw new DomainError('CONFLICT', `You have ${MAX_WEBHOOKS_PER_OWNER} webhooks, the most one account may keep; delete one first`);
    const id = randomUUID();
    const secret = generateSecret();
    const webhook = await insertWebhook(this.deps.pool, { id, ownerId: actor.accountId, eventId, url, eventTypes, secretSealed: this.deps.secrets.seal(id, secret) });
    return { webhook, secret };
  }

  async update(actor: Actor, webhookId: string, changes: WebhookChangesInput): Promise<WebhookView> {
    const webhook = await this.managed(actor, webhookId);
    const url = changes.url == null ? undefined : await this.checkedUrl(changes.url);
    const eventTypes = changes.eventTypes == null ? undefined : subscribedTypes(changes.eventTypes);
    return inTransaction(this.deps.pool, async (client) => {
      if (changes.enabled === false) await disableByOwner(client, webhook.id);
      return updateWebhook(client, webhook.id, { ...(url ? { url } : {}), ...(eventTypes ? { eventTypes } : {}), enable: changes.enabled === true });
    });
  }

  async delete(actor: Actor, webhookId: string): Promise<boolean> {
    const webhook = await this.managed(actor, webhookId);
    await deleteWebhook(this.deps.pool, webhook.id);
    return true;
  }

  /**
   * A new secret, signing from now on; the one it replaces signs beside it for
   * SECRET_GRACE_MS more (Standard Webhooks sends both signatures), so the receiver can be
   * switched over without refusing a delivery in between.
   */
  async rotateSecret(actor: Actor, webhookId: string): Promise<WebhookWithSecret> {
    const webhook = await this.managed(actor, webhookId);
    const secret = generateSecret();
    const graceUntil = new Date(Date.now() + SECRET_GRACE_MS);
    return { webhook: await rotateSecret(this.deps.pool, webhook.id, this.deps.secrets.seal(webhook.id, secret), graceUntil), secret };
  }

  /** An admin's every webhook; an organizer's own. */
  async list(actor: Actor): Promise<WebhookView[]> {
    mayKeepWebhooks(actor);
    return listWebhooks(this.deps.pool, hasRole(actor, 'admin') ? null : actor.accountId);
  }

  async deliveries(actor: Actor, webhookId: string, page: PageArgs): Promise<Page<DeliveryView>> {
    const webhook = await this.managed(actor, webhookId);
    return deliveriesOf(this.deps.pool, webhook.id, page);
  }

  /** One more attempt at a delivery, with the same id and body (receivers deduplicate by webhook-id), outside its lane's order. */
  async redeliver(actor: Actor, deliveryId: string): Promise<DeliveryView> {
    mayRedeliver(actor);
    const delivery = await findDelivery(this.deps.pool, uuid(deliveryId, 'deliveryId'));
    if (!delivery) throw new DomainError('NOT_FOUND', 'No such delivery');
    const webhook = await findWebhook(this.deps.pool, delivery.webhookId);
    if (webhook?.status !== 'enabled') throw new DomainError('CONFLICT', 'Its webhook is disabled: enable it first');
    if (delivery.status === 'waiting' || delivery.status === 'queued') throw new DomainError('CONFLICT', 'It is still being delivered');
    const boss = await this.deps.jobs.boss();
    await inTransaction(this.deps.pool, (client) => queueAttempts(boss, client, [{ deliveryId: delivery.id, redelivery: true }]));
    return delivery;
  }
}
