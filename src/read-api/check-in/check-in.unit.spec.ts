import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type ApiClient,
  existingStream,
  expectGraphqlError,
  expectNewEvents,
  expectNoNewEvents,
  expectResponse,
  given,
} from '../../../test/api-specification.js';
import { confirmedRegistration } from '../../../test/event-history.js';
import type { Actor } from '../../domain/actor.js';
import { checkInStream } from '../../domain/streams.js';
import { ann, anOpenEvent, bob, dataOf, staff } from '../attendance-api.fixture.js';

/** The door through GraphQL, on the in-memory store. */

const CHECK_IN = `mutation ($eventId: ID!, $sessionId: ID!, $code: String!) {
  checkIn(eventId: $eventId, sessionId: $sessionId, code: $code) { result registrationId attendeeId position } }`;
const MANUAL = `mutation ($e: ID!, $s: ID!, $r: ID!, $why: String!) {
  manualCheckIn(eventId: $e, sessionId: $s, registrationId: $r, reason: $why) { result } }`;
const UNDO = `mutation ($e: ID!, $s: ID!, $r: ID!, $why: String!) {
  undoCheckIn(eventId: $e, sessionId: $s, registrationId: $r, reason: $why) { result position } }`;

/** The code on `attendee`'s ticket, signed by the app's own ticket key, as a scanner reads it off the QR. */
const codeOf = (client: ApiClient, eventId: string, registrationId: string, attendee: Actor, version = 1) =>
  client.app.attendance.codes.sign({ eventId, registrationId, attendeeId: attendee.accountId, version });

describe('checking in', () => {
  const registrationId = randomUUID();
  const withAnn = (...more: Parameters<typeof existingStream>[1]) => anOpenEvent({}, confirmedRegistration(ann.accountId, registrationId), ...more);

  it('answers ok for a genuine ticket and records the check-in', () => {
    const { eventId, sessionId, stream } = withAnn();
    return given(stream)
      .when(async (client) => client.graphql(staff, CHECK_IN, { eventId, sessionId, code: await codeOf(client, eventId, registrationId, ann) }))
      .then(
        expectResponse(200, { data: { checkIn: { result: 'ok', registrationId, attendeeId: 'ann', position: expect.stringMatching(/^\d+$/) } } }),
        expectNewEvents(checkInStream(sessionId, registrationId), [{ type: 'CheckedIn', data: { attendeeId: 'ann', staffId: staff.accountId, method: 'scan' } }]),
      );
  });

  it('answers already_redeemed for a ticket checked in before, and records the refused scan', () => {
    const { eventId, sessionId, stream } = withAnn();
    const checkedIn = existingStream(checkInStream(sessionId, registrationId), [
      { type: 'CheckedIn', data: { eventId, sessionId, registrationId, attendeeId: 'ann', staffId: staff.accountId, method: 'scan', reason: null } },
    ]);
    return given(stream, checkedIn)
      .when(async (client) => client.graphql(staff, CHECK_IN, { eventId, sessionId, code: await codeOf(client, eventId, registrationId, ann) }))
      .then(
        expectResponse(200, { data: { checkIn: { result: 'already_redeemed' } } }),
        expectNewEvents(checkInStream(sessionId, registrationId), [{ type: 'ScanRefused', data: { result: 'already_redeemed' } }]),
      );
  });

  it('answers invalid for a tampered code', () => {
    const { eventId, sessionId, stream } = withAnn();
    return given(stream)
      .when(async (client) => {
        const code = await codeOf(client, eventId, registrationId, ann);
        return client.graphql(staff, CHECK_IN, { eventId, sessionId, code: `${code.slice(0, -4)}AAAA` });
      })
      .then(
        expectResponse(200, { data: { checkIn: { result: 'invalid' } } }),
        expectNewEvents(checkInStream(sessionId, undefined), [{ type: 'UnreadableTicketScanned' }]),
      );
  });

  it('refuses a scan by someone who is not staff', () => {
    const { eventId, sessionId, stream } = withAnn();
    return given(stream)
      .when(async (client) => client.graphql(bob, CHECK_IN, { eventId, sessionId, code: await codeOf(client, eventId, registrationId, ann) }))
      .then(expectGraphqlError('FORBIDDEN'), expectNoNewEvents());
  });

  it('answers wrong_event for a ticket of another event', () => {
    const here = withAnn();
    const other = anOpenEvent({}, confirmedRegistration(ann.accountId, registrationId));
    return given(here.stream, other.stream)
      .when(async (client) =>
        client.graphql(staff, CHECK_IN, { eventId: here.eventId, sessionId: here.sessionId, code: await codeOf(client, other.eventId, registrationId, ann) }),
      )
      .then(expectResponse(200, { data: { checkIn: { result: 'wrong_event' } } }));
  });

  it('answers revoked for a version a reissue replaced, and ok for the new one', () => {
    const { eventId, sessionId, stream } = withAnn({ type: 'TicketReissued', data: { registrationId, version: 2 } });
    let old: string | undefined;
    return given(stream)
      .when(async (client) => {
        old = dataOf((await client.graphql(staff, CHECK_IN, { eventId, sessionId, code: await codeOf(client, eventId, registrationId, ann, 1) })).body).checkIn.result;
        return client.graphql(staff, CHECK_IN, { eventId, sessionId, code: await codeOf(client, eventId, registrationId, ann, 2) });
      })
      .then(
        () => expect(old).toBe('revoked'),
        expectResponse(200, { data: { checkIn: { result: 'ok' } } }),
        expectNewEvents(checkInStream(sessionId, registrationId), [
          { type: 'ScanRefused', data: { result: 'revoked' } },
          { type: 'CheckedIn', data: { method: 'scan' } },
        ]),
      );
  });

  it('answers revoked for every ticket of a cancelled event', () => {
    const { eventId, sessionId, stream } = withAnn({ type: 'EventCancelled', data: { reason: 'Storm' } });
    return given(stream)
      .when(async (client) => client.graphql(staff, CHECK_IN, { eventId, sessionId, code: await codeOf(client, eventId, registrationId, ann) }))
      .then(expectResponse(200, { data: { checkIn: { result: 'revoked' } } }));
  });

  it('checks in by hand with a reason', () => {
    const { eventId, sessionId, stream } = withAnn();
    return given(stream)
      .when((client) => client.graphql(staff, MANUAL, { e: eventId, s: sessionId, r: registrationId, why: 'Phone died' }))
      .then(
        expectResponse(200, { data: { manualCheckIn: { result: 'ok' } } }),
        expectNewEvents(checkInStream(sessionId, registrationId), [{ type: 'CheckedIn', data: { method: 'manual', reason: 'Phone died' } }]),
      );
  });

  describe('when checked in by hand already', () => {
    const byHand = () => {
      const event = withAnn();
      const checkedIn = existingStream(checkInStream(event.sessionId, registrationId), [
        {
          type: 'CheckedIn',
          data: { eventId: event.eventId, sessionId: event.sessionId, registrationId, attendeeId: 'ann', staffId: staff.accountId, method: 'manual', reason: 'Phone died' },
        },
      ]);
      return { ...event, streams: [event.stream, checkedIn] };
    };

    it('refuses a second manual check-in', () => {
      const { eventId, sessionId, streams } = byHand();
      return given(...streams)
        .when((client) => client.graphql(staff, MANUAL, { e: eventId, s: sessionId, r: registrationId, why: 'again' }))
        .then(expectGraphqlError('CONFLICT'), expectNoNewEvents());
    });

    it('undoes it with a reason', () => {
      const { eventId, sessionId, streams } = byHand();
      return given(...streams)
        .when((client) => client.graphql(staff, UNDO, { e: eventId, s: sessionId, r: registrationId, why: 'Wrong person' }))
        .then(
          expectResponse(200, { data: { undoCheckIn: { position: expect.stringMatching(/^\d+$/) } } }),
          expectNewEvents(checkInStream(sessionId, registrationId), [{ type: 'CheckInUndone', data: { reason: 'Wrong person' } }]),
        );
    });
  });
});

describe('bad input changes nothing', () => {
  it('refuses an oversized scan', () => {
    const { eventId, sessionId, stream } = anOpenEvent();
    return given(stream)
      .when((client) => client.graphql(staff, CHECK_IN, { eventId, sessionId, code: 'x'.repeat(5_000) }))
      .then(expectGraphqlError('VALIDATION'), expectNoNewEvents());
  });
});
