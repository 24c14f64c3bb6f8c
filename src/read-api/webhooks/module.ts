import { PUBLISHED_VERSIONS } from '../../integration/published-types.js';
import type { MutationResolvers, QueryResolvers } from '../generated/graphql.js';
import type { GraphqlModule } from '../graphql-module.js';
import { requireActor } from '../read-models.js';

const typeDefs = /* GraphQL */ `
  extend type Query {
    "Your webhooks; an admin's are everyone's. For organizers and admins."
    webhooks: [Webhook!]!
    "A webhook's deliveries, newest first, each with every attempt. For its owner and admins."
    webhookDeliveries(webhookId: ID!, first: Int = 20, after: String): WebhookDeliveryConnection!
  }

  extend type Mutation {
    """
    Have the integration events of these types POSTed to url as they happen, as published on
    Kafka (the same JSON envelope and schemas), signed as Standard Webhooks sign
    (webhook-id, webhook-timestamp and webhook-signature headers). With eventId, only that
    event's (its organizer or an admin); without, every event's (admins only). url must be
    https:// and must not resolve to a private, loopback or link-local address (VALIDATION).
    The answer is the only time the secret is shown: keep it.
    """
    createWebhook(url: String!, eventTypes: [IntegrationEventType!]!, eventId: ID): WebhookWithSecret!
    "Change what a webhook hears or where it sends it; enabled: false stops it (cancelling what it had still to deliver), enabled: true starts it afresh."
    updateWebhook(webhookId: ID!, url: String, eventTypes: [IntegrationEventType!], enabled: Boolean): Webhook!
    "Delete a webhook, with its deliveries and their log."
    deleteWebhook(webhookId: ID!): Boolean!
    "A new secret, shown this once; deliveries from now on are signed with it, and for a day with the old one too (either verifies)."
    rotateWebhookSecret(webhookId: ID!): WebhookWithSecret!
    "Admins: one more attempt at a delivery that is over (delivered or failed), with its id and body as before. Not retried; its webhook must be enabled."
    redeliverWebhookDelivery(deliveryId: ID!): WebhookDelivery!
  }

  "The integration event types a webhook can hear: those Rollcall publishes."
  enum IntegrationEventType {
    ${Object.keys(PUBLISHED_VERSIONS).join('\n    ')}
  }

  enum WebhookStatus {
    enabled
    disabled
  }

  enum WebhookDisabledReason {
    "Its receiver answered 410 Gone."
    gone
    "Every delivery to it failed for 3 days."
    failing
    "Its owner or an admin stopped it."
    owner
  }

  type Webhook {
    id: ID!
    url: String!
    eventTypes: [IntegrationEventType!]!
    "The event it hears; null for every event."
    eventId: ID
    ownerId: ID!
    status: WebhookStatus!
    disabledReason: WebhookDisabledReason
    "When its deliveries started failing, none delivered since; it is disabled 3 days after."
    failingSince: DateTime
    createdAt: DateTime!
  }

  type WebhookWithSecret {
    webhook: Webhook!
    "whsec_ and the key in base64, as Standard Webhooks libraries take it."
    secret: String!
  }

  "waiting: behind an earlier delivery of its stream; queued: being attempted; given up deliveries are failed."
  enum WebhookDeliveryStatus {
    waiting
    queued
    delivered
    failed
    cancelled
  }

  type WebhookAttempt {
    attempt: Int!
    attemptedAt: DateTime!
    "The receiver's status; null when none came (refused address, connection error, timeout)."
    statusCode: Int
    latencyMs: Int!
    "The start of the response body."
    responseExcerpt: String
    error: String
  }

  type WebhookDelivery {
    "Its webhook-id header, the same on every attempt."
    id: ID!
    webhookId: ID!
    "The integration event's id."
    eventId: ID!
    eventType: IntegrationEventType!
    streamId: String!
    status: WebhookDeliveryStatus!
    createdAt: DateTime!
    finishedAt: DateTime
    attempts: [WebhookAttempt!]!
  }

  type WebhookDeliveryConnection {
    nodes: [WebhookDelivery!]!
    pageInfo: PageInfo!
  }
`;

const Query: QueryResolvers = {
  webhooks: (_root, _args, ctx) => ctx.app.webhooks.list(requireActor(ctx.actor)),
  webhookDeliveries: (_root, args, ctx) => ctx.app.webhooks.deliveries(requireActor(ctx.actor), args.webhookId, args),
};

const Mutation: MutationResolvers = {
  createWebhook: (_root, args, ctx) => ctx.app.webhooks.create(requireActor(ctx.actor), args),
  updateWebhook: (_root, { webhookId, ...changes }, ctx) => ctx.app.webhooks.update(requireActor(ctx.actor), webhookId, changes),
  deleteWebhook: (_root, args, ctx) => ctx.app.webhooks.delete(requireActor(ctx.actor), args.webhookId),
  rotateWebhookSecret: (_root, args, ctx) => ctx.app.webhooks.rotateSecret(requireActor(ctx.actor), args.webhookId),
  redeliverWebhookDelivery: (_root, args, ctx) => ctx.app.webhooks.redeliver(requireActor(ctx.actor), args.deliveryId),
};

/** Webhooks: organizers' and admins' endpoints for integration events, their deliveries and attempts. */
export const webhooks: GraphqlModule = { typeDefs, resolvers: { Query, Mutation } };
