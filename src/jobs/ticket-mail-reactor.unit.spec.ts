import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { samples } from '../../test/integration-samples.js';
import { eventStream } from '../domain/streams.js';
import type { JsonObject } from '../eventstore/event-store.js';
import type { IntegrationEvent } from '../integration/contract.js';
import type { PublishedType } from '../integration/published-types.js';
import { TICKET_MAIL_HORIZON_MS } from './ticket-delivery.js';
import { TicketMail, ticketIssuedBy } from './ticket-mail-reactor.js';
import type { TicketMailDependencies } from './ticket-mail-reactor.js';

const [eventId, registrationId] = [randomUUID(), randomUUID()];
const now = new Date('2026-07-01T12:00:00.000Z');
const published = (type: PublishedType, data: object, occurredAt = now, streamId = eventStream(eventId)): IntegrationEvent => ({
  id: randomUUID(),
  type,
  version: 1,
  streamId,
  revision: '0',
  position: '1',
  occurredAt: occurredAt.toISOString(),
  correlationId: 'c',
  causationId: 'c',
  data: { ...(samples[type] as JsonObject), ...data } as JsonObject,
});

/** Only deciding what it reacts to, which needs neither the jobs nor the database. */
const reactor = new TicketMail({} as TicketMailDependencies);

describe('which events issue a ticket to mail', () => {
  it.each(['RegistrationConfirmed', 'TicketReissued'] as const)('%s does, naming its event and registration', (type) => {
    expect(ticketIssuedBy(published(type, { registrationId }), now)).toEqual({ eventId, registrationId });
    expect(reactor.reactsTo(published(type, { registrationId }))).toBe(true);
  });

  it.each(['RegistrationSubmitted', 'RegistrationWaitlisted', 'RegistrationCancelled', 'EventPublished'] as const)('%s does not, and the reactor is not handed it', (type) => {
    expect(ticketIssuedBy(published(type, { registrationId }), now)).toBeUndefined();
    expect(reactor.reactsTo(published(type, { registrationId }))).toBe(false);
  });

  it('one that happened longer ago than the mail horizon does not: that ticket went out long ago', () => {
    const longAgo = new Date(now.getTime() - TICKET_MAIL_HORIZON_MS - 1);
    expect(ticketIssuedBy(published('RegistrationConfirmed', { registrationId }, longAgo), now)).toBeUndefined();
    expect(ticketIssuedBy(published('RegistrationConfirmed', { registrationId }, new Date(now.getTime() - TICKET_MAIL_HORIZON_MS)), now)).toBeDefined();
  });

  it('one whose event or registration is no UUID does not: the read model keys neither', () => {
    expect(ticketIssuedBy(published('TicketReissued', { registrationId: 'r-1' }), now)).toBeUndefined();
    expect(ticketIssuedBy(published('TicketReissued', { registrationId }, now, 'event-one'), now)).toBeUndefined();
  });
});
