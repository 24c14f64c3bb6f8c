import { describe, expect, it } from 'vitest';
import type { IntegrationEvent } from '../integration/contract.js';
import { deliveryIdOf, eventIdOf, laneOf, planDeliveries } from './routing.js';

const EVENT_A = '11111111-1111-4111-8111-111111111111';
const EVENT_B = '22222222-2222-4222-8222-222222222222';
let n = 0;
const published = (type: IntegrationEvent['type'], streamId: string, data: IntegrationEvent['data'] = {}): IntegrationEvent => ({
  id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  type,
  version: 1,
  streamId,
  revision: '0',
  position: String(n),
  occurredAt: '2026-12-01T12:00:00.000Z',
  correlationId: 'c',
  causationId: 'c',
  data,
});

describe('routing', () => {
  it('finds the event an integration event is about, by its stream or its data', () => {
    expect(eventIdOf(published('EventPublished', `event-${EVENT_A}`))).toBe(EVENT_A);
    expect(eventIdOf(published('CheckedIn', 'checkin-s-r', { eventId: EVENT_B }))).toBe(EVENT_B);
    expect(eventIdOf(published('AccountDisabled', 'account-x'))).toBeUndefined();
  });

  it("sends a webhook on one event only that event's types, and one on every event all of them", () => {
    const events = [published('EventPublished', `event-${EVENT_A}`), published('EventPublished', `event-${EVENT_B}`), published('AccountDisabled', 'account-x')];
    const planned = planDeliveries(
      events,
      [
        { webhookId: 'ours', eventId: EVENT_A, eventTypes: ['EventPublished', 'AccountDisabled'] },
        { webhookId: 'admin', eventId: null, eventTypes: ['EventPublished', 'AccountDisabled'] },
      ],
      new Set(),
      new Set(),
    );
    expect(planned.map((d) => `${d.webhookId} ${d.event.streamId}`)).toEqual([`ours event-${EVENT_A}`, `admin event-${EVENT_A}`, `admin event-${EVENT_B}`, 'admin account-x']);
  });

  it('queues the first delivery of an idle lane and holds back the rest, and those of a busy lane', () => {
    const stream = `event-${EVENT_A}`;
    const events = [published('EventPublished', stream), published('CapacityChanged', stream), published('EventPublished', `event-${EVENT_B}`)];
    const subscriptions = [{ webhookId: 'w', eventId: null, eventTypes: ['EventPublished', 'CapacityChanged'] as const }];
    expect(planDeliveries(events, subscriptions, new Set(), new Set()).map((d) => d.status)).toEqual(['queued', 'waiting', 'queued']);
    expect(planDeliveries(events, subscriptions, new Set([laneOf('w', stream)]), new Set()).map((d) => d.status)).toEqual(['waiting', 'waiting', 'queued']);
  });

  it('leaves out deliveries made before', () => {
    const event = published('EventPublished', `event-${EVENT_A}`);
    expect(planDeliveries([event], [{ webhookId: 'w', eventId: null, eventTypes: ['EventPublished'] }], new Set(), new Set([deliveryIdOf('w', event.id)]))).toEqual([]);
  });
});
