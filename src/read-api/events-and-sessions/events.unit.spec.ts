import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { existingStream, expectGraphqlError, expectNewEvents, expectNoNewEvents, expectResponse, given } from '../../../test/api-specification.js';
import { confirmedRegistration, openDetails, openSession } from '../../../test/event-history.js';
import { accountStream, eventStream } from '../../domain/streams.js';
import { REGISTER, ann, anOpenEvent, bob, dataOf, organizer, staff } from '../attendance-api.fixture.js';

/** Organizing events and their sessions through GraphQL, on the in-memory store. */

const HOUR = 3_600_000;
const detailsInput = (overrides: Record<string, unknown> = {}) => ({
  title: 'Rust meetup',
  venue: 'Hall A',
  timeZone: 'Europe/Warsaw',
  registrationOpensAt: new Date(Date.now() - 24 * HOUR).toISOString(),
  registrationClosesAt: new Date(Date.now() + 24 * HOUR).toISOString(),
  ...overrides,
});

const CREATE = `mutation ($details: EventDetailsInput!, $capacity: Int!, $commandId: ID) {
  createEvent(details: $details, capacity: $capacity, commandId: $commandId) { eventId status capacity position } }`;
const SCHEDULE = `mutation ($eventId: ID!, $plan: SessionPlanInput!) {
  scheduleSessions(eventId: $eventId, plan: $plan) { sessions { sessionId startsAt checkInOpensAt } position } }`;
const ASSIGN = 'mutation ($eventId: ID!, $s: ID!) { assignStaff(eventId: $eventId, staffId: $s) { eventId } }';
const PUBLISH = 'mutation ($eventId: ID!) { publishEvent(eventId: $eventId) { status position } }';
const CANCEL_EVENT = 'mutation ($e: ID!) { cancelEvent(eventId: $e, reason: "x") { status } }';
const CHANGE_CAPACITY = 'mutation ($e: ID!) { changeCapacity(eventId: $e, capacity: 1) { capacity } }';

const staffAccount = existingStream(accountStream(staff.accountId), [
  {
    type: 'AccountSignedUp',
    data: { accountId: staff.accountId, email: 'staff@example.org', name: 'Staff', passwordHash: 'none', roles: ['staff'], signedUpAt: new Date().toISOString() },
  },
  { type: 'EmailVerified', data: { verifiedAt: new Date().toISOString() } },
]);

/** The organizer's event as just created, and whatever `more` adds to its stream. */
const aDraft = (...more: Parameters<typeof existingStream>[1]) => {
  const eventId = randomUUID();
  const created = { type: 'EventCreated', data: { eventId, organizerId: organizer.accountId, details: openDetails(), capacity: 10 } } as const;
  return { eventId, stream: existingStream(eventStream(eventId), [created, ...more]) };
};

describe('organizing an event', () => {
  it('creates a draft, stamping the organizer on its event, and returns its position', () =>
    given()
      .when((client) => client.graphql(organizer, CREATE, { details: detailsInput(), capacity: 50 }))
      .then(
        expectResponse(200, { data: { createEvent: { status: 'draft', capacity: 50, position: expect.stringMatching(/^\d+$/) } } }),
        ({ newEvents }) => {
          expect(newEvents.map((e) => e.type)).toEqual(['EventCreated']);
          expect(newEvents[0]!.metadata).toMatchObject({ actorId: 'org-1', schemaVersion: 1 });
        },
      ));

  it('schedules a weekly series of sessions', () => {
    const { eventId, stream } = aDraft();
    return given(stream)
      .when((client) =>
        client.graphql(organizer, SCHEDULE, {
          eventId,
          plan: { startsAt: '2026-12-03T18:00:00Z', endsAt: '2026-12-03T20:00:00Z', repeat: { every: 'week', count: 4 } },
        }),
      )
      .then(
        ({ response }) => expect(dataOf(response.body).scheduleSessions.sessions).toHaveLength(4),
        ({ newEvents }) => expect(newEvents.map((e) => [e.type, (e.data.sessions as unknown[]).length])).toEqual([['SessionsScheduled', 4]]),
      );
  });

  it('assigns a staff member who has an account, and publishes', () => {
    const { eventId, stream } = aDraft({ type: 'SessionsScheduled', data: { sessions: [openSession()] } });
    return given(stream, staffAccount)
      .when(async (client) => {
        await client.graphql(organizer, ASSIGN, { eventId, s: staff.accountId });
        return client.graphql(organizer, PUBLISH, { eventId });
      })
      .then(
        expectResponse(200, { data: { publishEvent: { status: 'published' } } }),
        expectNewEvents(eventStream(eventId), [
          { type: 'StaffAssigned', data: { staffId: staff.accountId } },
          { type: 'EventPublished', data: { eventId } },
        ]),
      );
  });

  it('refuses an attendee creating events', () =>
    given()
      .when((client) => client.graphql(ann, CREATE, { details: detailsInput(), capacity: 5 }))
      .then(expectGraphqlError('FORBIDDEN'), expectNoNewEvents()));

  it('refuses another organizer cancelling the event', () => {
    const { eventId, stream } = anOpenEvent();
    return given(stream)
      .when((client) => client.graphql({ accountId: 'org-2', roles: ['organizer'] }, CANCEL_EVENT, { e: eventId }))
      .then(expectGraphqlError('FORBIDDEN'), expectNoNewEvents());
  });

  it('refuses anonymous callers', () => {
    const { eventId, stream } = anOpenEvent();
    return given(stream)
      .when((client) => client.graphql(undefined, REGISTER, { eventId }))
      .then(expectGraphqlError('UNAUTHENTICATED'), expectNoNewEvents());
  });

  it('refuses capacity below the confirmed seats with CAPACITY', () => {
    const { eventId, stream } = anOpenEvent({ capacity: 2 }, confirmedRegistration(ann.accountId), confirmedRegistration(bob.accountId));
    return given(stream)
      .when((client) => client.graphql(organizer, CHANGE_CAPACITY, { e: eventId }))
      .then(expectGraphqlError('CAPACITY'), expectNoNewEvents());
  });
});

describe('bad input changes nothing', () => {
  it.each([
    ['an unknown time zone', { details: detailsInput({ timeZone: 'Mars/Base' }), capacity: 5 }, 'VALIDATION'],
    ['an oversized title', { details: detailsInput({ title: 'x'.repeat(10_000) }), capacity: 5 }, 'VALIDATION'],
    ['a negative capacity', { details: detailsInput(), capacity: -3 }, 'VALIDATION'],
    ['a bad command id', { details: detailsInput(), capacity: 5, commandId: 'spaces are not allowed' }, 'VALIDATION'],
    ['a capacity of the wrong type', { details: detailsInput(), capacity: 'ten' }, 'GRAPHQL_VALIDATION'],
    ['a null where a left-out field takes its default', { details: detailsInput({ requiresApproval: null }), capacity: 5 }, 'VALIDATION'],
  ])('refuses %s', (_, variables, code) =>
    given()
      .when((client) => client.graphql(organizer, CREATE, variables))
      .then(expectGraphqlError(code), expectNoNewEvents()),
  );

});
