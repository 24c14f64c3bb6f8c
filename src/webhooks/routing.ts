import { deterministicId } from '../commands/deterministic-id.js';
import { parseStream } from '../domain/streams.js';
import type { IntegrationEvent } from '../integration/contract.js';
import type { PublishedType } from '../integration/published-types.js';

/**
 * Which webhooks hear an integration event, and in what order their deliveries go (pure).
 * One stream's deliveries to one webhook form a lane: only its oldest unfinished delivery is
 * queued, the later ones wait until it is delivered or given up, so a receiver sees a
 * registration confirmed before it is cancelled even when the first try failed.
 */

export interface Subscription {
  webhookId: string;
  /** The event whose streams it hears; null for every event. */
  eventId: string | null;
  eventTypes: readonly PublishedType[];
}

/**
 * The Rollcall event an integration event is about: its event's or forecast's stream, or the
 * `eventId` its data names (check-in streams are named by session). Account streams are
 * about no event, and reach only webhooks on every event.
 */
export const eventIdOf = (event: IntegrationEvent): string | undefined => {
  const stream = parseStream(event.streamId);
  if (stream.kind === 'event' || stream.kind === 'forecast') return stream.eventId;
  return typeof event.data.eventId === 'string' ? event.data.eventId : undefined;
};

export const hears = (subscription: Subscription, event: IntegrationEvent): boolean =>
  subscription.eventTypes.includes(event.type) && (subscription.eventId === null || subscription.eventId === eventIdOf(event));

/** One delivery per webhook and event, whoever makes it and however often. */
export const deliveryIdOf = (webhookId: string, eventId: string): string => deterministicId('webhook-delivery', webhookId, eventId);

export const laneOf = (webhookId: string, streamId: string): string => `${webhookId}\u0000${streamId}`;

export interface PlannedDelivery {
  deliveryId: string;
  webhookId: string;
  event: IntegrationEvent;
  /** queued: first of an idle lane, its job goes out now; waiting: behind another of its lane. */
  status: 'queued' | 'waiting';
}

/**
 * The deliveries a batch of events (in log order) makes: one per event and webhook that
 * hears it, leaving out those made before (`existing` delivery ids); the first of each lane
 * that had nothing unfinished (`busyLanes`) is queued, the others wait behind it.
 */
export const planDeliveries = (
  events: readonly IntegrationEvent[],
  subscriptions: readonly Subscription[],
  busyLanes: ReadonlySet<string>,
  existing: ReadonlySet<string>,
): PlannedDelivery[] => {
  const busy = new Set(busyLanes);
  const planned: PlannedDelivery[] = [];
  for (const event of events)
    for (const subscription of subscriptions) {
      if (!hears(subscription, event)) continue;
      const deliveryId = deliveryIdOf(subscription.webhookId, event.id);
      if (existing.has(deliveryId)) continue;
      const lane = laneOf(subscription.webhookId, event.streamId);
      planned.push({ deliveryId, webhookId: subscription.webhookId, event, status: busy.has(lane) ? 'waiting' : 'queued' });
      busy.add(lane);
    }
  return planned;
};
