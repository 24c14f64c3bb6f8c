import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { expectGraphqlError, expectNewEvents, expectNoNewEvents, expectResponse, given } from '../../../test/api-specification.js';
import { confirmedRegistration } from '../../../test/event-history.js';
import { eventStream } from '../../domain/streams.js';
import { REGISTER, ann, anOpenEvent, bob, dataOf, organizer } from '../attendance-api.fixture.js';

/** Registering, the organizer's decisions and tickets (their QR routes too) through the API, on the in-memory store. */

const APPROVE = 'mutation ($e: ID!, $r: ID!) { approveRegistration(eventId: $e, registrationId: $r) { status ticket { version } } }';
const REJECT = 'mutation ($e: ID!, $r: ID!) { rejectRegistration(eventId: $e, registrationId: $r, reason: "Members only") { status } }';
const CANCEL = 'mutation ($e: ID!, $r: ID!) { cancelRegistration(eventId: $e, registrationId: $r) { status } }';
const REISSUE = 'mutation ($e: ID!, $r: ID!) { reissueTicket(eventId: $e, registrationId: $r) { ticket { version code } } }';

describe('registering and tickets', () => {
  it('confirms a registration with a ticket', () => {
    const { eventId, stream } = anOpenEvent();
    return given(stream)
      .when((client) => client.graphql(ann, REGISTER, { eventId }))
      .then(
        expectResponse(200, { data: { register: { status: 'confirmed', ticket: { version: 1 } } } }),
        expectNewEvents(eventStream(eventId), [{ type: 'RegistrationConfirmed', data: { attendeeId: 'ann', via: 'registration' } }]),
      );
  });

  it("signs a ticket's code only for a client that asks for it", () => {
    const { eventId, stream } = anOpenEvent();
    const signedBefore: number[] = [];
    return given(stream)
      .when(async (client) => {
        const sign = vi.spyOn(client.app.attendance.codes, 'sign');
        await client.graphql(bob, 'mutation ($e: ID!) { register(eventId: $e) { status ticket { ticketId version } } }', { e: eventId });
        signedBefore.push(sign.mock.calls.length);
        return client.graphql(ann, 'mutation ($e: ID!) { register(eventId: $e) { ticket { code } } }', { e: eventId });
      })
      .then(({ response }) => {
        expect(signedBefore).toEqual([0]);
        expect(dataOf(response.body).register.ticket.code).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      });
  });

  describe("a ticket's QR", () => {
    const registrationId = randomUUID();
    const open = () => anOpenEvent({}, confirmedRegistration(ann.accountId, registrationId));

    it.each([
      ['png', 'image/png'],
      ['svg', 'image/svg+xml'],
    ])('is served to its holder as %s, never to be cached', (format, type) => {
      const { eventId, stream } = open();
      return given(stream)
        .when((client) => client.get(`/tickets/${eventId}_${registrationId}/qr.${format}`, ann))
        .then(expectNoNewEvents(), ({ response }) => {
          expect(response.statusCode).toBe(200);
          expect(response.headers['content-type']).toBe(type);
          expect(response.headers['cache-control']).toBe('no-store');
          if (format === 'png') expect(response.rawPayload.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
          else expect(response.body).toMatch(/^<svg/);
        });
    });

    it.each([
      ['someone else', bob, 403],
      ['nobody', undefined, 401],
    ])('is refused to %s', (_, actor, status) => {
      const { eventId, stream } = open();
      return given(stream)
        .when((client) => client.get(`/tickets/${eventId}_${registrationId}/qr.png`, actor))
        .then(expectResponse(status));
    });

    it('is not found for a ticket id the API never hands out', () =>
      given()
        .when((client) => client.get('/tickets/nope/qr.png', ann))
        .then(expectResponse(404)));

    it('is not found, in JSON, for a ticket of an event that does not exist: a refusal a route throws is its 4xx, never a 500', () =>
      given()
        .when((client) => client.get(`/tickets/${randomUUID()}_${randomUUID()}/qr.svg`, ann))
        .then(expectResponse(404, { error: 'No such event', code: 'NOT_FOUND', statusCode: 404 })));
  });

  it('takes a resent register once and answers it the same', () => {
    const { eventId, stream } = anOpenEvent();
    let first: { registrationId: string; position: string } | undefined;
    return given(stream)
      .when(async (client) => {
        first = dataOf((await client.graphql(ann, REGISTER, { eventId, commandId: 'reg-1' })).body).register;
        return client.graphql(ann, REGISTER, { eventId, commandId: 'reg-1' });
      })
      .then(
        ({ response }) => expect(dataOf(response.body).register).toMatchObject({ registrationId: first!.registrationId, position: first!.position }),
        expectNewEvents(eventStream(eventId), [{ type: 'RegistrationConfirmed', data: { attendeeId: 'ann' } }]),
      );
  });

  it("takes the same command id from another account as another command", () => {
    const { eventId, stream } = anOpenEvent();
    return given(stream)
      .when(async (client) => {
        await client.graphql(ann, REGISTER, { eventId, commandId: 'reg-1' });
        return client.graphql(bob, REGISTER, { eventId, commandId: 'reg-1' });
      })
      .then(({ newEvents }) => {
        const confirmed = newEvents.filter((e) => e.type === 'RegistrationConfirmed');
        expect(confirmed.map((e) => e.data.attendeeId)).toEqual(['ann', 'bob']);
        expect(confirmed[0]!.data.registrationId).not.toBe(confirmed[1]!.data.registrationId);
      });
  });

  describe('when the event requires approval', () => {
    const pending = randomUUID();
    const withPending = () =>
      anOpenEvent({ capacity: 1, requiresApproval: true }, { type: 'RegistrationSubmitted', data: { registrationId: pending, attendeeId: ann.accountId } });

    it('keeps a registration pending, without a ticket', () => {
      const { eventId, stream } = anOpenEvent({ capacity: 1, requiresApproval: true });
      return given(stream)
        .when((client) => client.graphql(ann, REGISTER, { eventId }))
        .then(
          expectResponse(200, { data: { register: { status: 'pending', ticket: null } } }),
          expectNewEvents(eventStream(eventId), [{ type: 'RegistrationSubmitted', data: { attendeeId: 'ann' } }]),
        );
    });

    it('refuses the attendee approving their own registration', () => {
      const { eventId, stream } = withPending();
      return given(stream)
        .when((client) => client.graphql(ann, APPROVE, { e: eventId, r: pending }))
        .then(expectGraphqlError('FORBIDDEN'), expectNoNewEvents());
    });

    it('confirms it once the organizer approves, without handing the organizer the ticket (its code is the attendee\'s)', () => {
      const { eventId, stream } = withPending();
      return given(stream)
        .when((client) => client.graphql(organizer, APPROVE, { e: eventId, r: pending }))
        .then(
          expectResponse(200, { data: { approveRegistration: { status: 'confirmed', ticket: null } } }),
          expectNewEvents(eventStream(eventId), [{ type: 'RegistrationConfirmed', data: { registrationId: pending, via: 'approval' } }]),
        );
    });

    it('lets the organizer reject it with a reason', () => {
      const { eventId, stream } = withPending();
      return given(stream)
        .when((client) => client.graphql(organizer, REJECT, { e: eventId, r: pending }))
        .then(
          expectResponse(200, { data: { rejectRegistration: { status: 'rejected' } } }),
          expectNewEvents(eventStream(eventId), [{ type: 'RegistrationRejected', data: { registrationId: pending, reason: 'Members only' } }]),
        );
    });
  });

  describe('when the event is full', () => {
    const annRegistration = randomUUID();
    const bobRegistration = randomUUID();

    it('waitlists', () => {
      const { eventId, stream } = anOpenEvent({ capacity: 1 }, confirmedRegistration(ann.accountId, annRegistration));
      return given(stream)
        .when((client) => client.graphql(bob, REGISTER, { eventId }))
        .then(
          expectResponse(200, { data: { register: { status: 'waitlisted', ticket: null } } }),
          expectNewEvents(eventStream(eventId), [{ type: 'RegistrationWaitlisted', data: { attendeeId: 'bob' } }]),
        );
    });

    const full = () =>
      anOpenEvent(
        { capacity: 1 },
        confirmedRegistration(ann.accountId, annRegistration),
        { type: 'RegistrationWaitlisted', data: { registrationId: bobRegistration, attendeeId: bob.accountId } },
      );

    it("refuses cancelling someone else's registration", () => {
      const { eventId, stream } = full();
      return given(stream)
        .when((client) => client.graphql(bob, CANCEL, { e: eventId, r: annRegistration }))
        .then(expectGraphqlError('FORBIDDEN'), expectNoNewEvents());
    });

    it('promotes the first on the waiting list when a seat frees', () => {
      const { eventId, stream } = full();
      return given(stream)
        .when((client) => client.graphql(ann, CANCEL, { e: eventId, r: annRegistration }))
        .then(
          expectResponse(200, { data: { cancelRegistration: { status: 'cancelled' } } }),
          expectNewEvents(eventStream(eventId), [
            { type: 'RegistrationCancelled', data: { registrationId: annRegistration, cancelledBy: 'ann' } },
            { type: 'RegistrationConfirmed', data: { registrationId: bobRegistration, via: 'promotion' } },
          ]),
        );
    });
  });

  it('reissues a ticket as its next version', () => {
    const registrationId = randomUUID();
    const { eventId, stream } = anOpenEvent({}, confirmedRegistration(bob.accountId, registrationId));
    return given(stream)
      .when((client) => client.graphql(bob, REISSUE, { e: eventId, r: registrationId }))
      .then(
        expectResponse(200, { data: { reissueTicket: { ticket: { version: 2 } } } }),
        expectNewEvents(eventStream(eventId), [{ type: 'TicketReissued', data: { registrationId, version: 2 } }]),
      );
  });
});

describe('bad input changes nothing', () => {
  it.each([
    ['an event id that is not a UUID', 'not-a-uuid', 'VALIDATION'],
    ['an unknown event', '00000000-0000-4000-8000-000000000000', 'NOT_FOUND'],
  ])('refuses registering for %s', (_, eventId, code) =>
    given()
      .when((client) => client.graphql(ann, REGISTER, { eventId }))
      .then(expectGraphqlError(code), expectNoNewEvents()),
  );

  it.each(['garbage', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbm4ifQ.'])('refuses the access token %s with 401', (token) => {
    const { eventId, stream } = anOpenEvent();
    return given(stream)
      .when((client) =>
        client.app.inject({
          method: 'POST',
          url: '/graphql',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          payload: JSON.stringify({ query: REGISTER, variables: { eventId } }),
        }),
      )
      .then(expectResponse(401), expectNoNewEvents());
  });
});
