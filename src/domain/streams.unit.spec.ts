import { describe, expect, it } from 'vitest';
import { accountDecider } from './account/business-logic.js';
import { emailClaimDecider } from './account/email-claim.js';
import { checkInDecider } from './check-in/business-logic.js';
import { eventDecider } from './event/business-logic.js';
import { faceDecider } from './face/business-logic.js';
import { forecastDecider } from './forecast/business-logic.js';
import {
  accountStream,
  categoryOf,
  checkInStream,
  commandKeyStream,
  deciderOf,
  emailClaimStream,
  eventStream,
  faceStream,
  forecastStream,
  parseStream,
  projectionStream,
} from './streams.js';

const eventId = '7b0c9a52-55a4-4b0c-9a52-7b0c9a5255a4';
const sessionId = '5d0c6f3e-8a1b-5c2d-9e4f-0a1b2c3d4e5f';
const registrationId = '0b7f1a52-55a4-4b0c-9a52-7b0c9a5255a4';
const addressKey = 'a'.repeat(64);

describe('A stream name', () => {
  it('reads back as what it was built from', () => {
    expect(parseStream(eventStream(eventId))).toEqual({ kind: 'event', eventId });
    expect(parseStream(checkInStream(sessionId, registrationId))).toEqual({ kind: 'checkin', sessionId, registrationId });
    expect(parseStream(checkInStream(sessionId, undefined))).toEqual({ kind: 'checkin', sessionId, registrationId: undefined });
    expect(parseStream(accountStream(eventId))).toEqual({ kind: 'account', accountId: eventId });
    expect(parseStream(faceStream(eventId))).toEqual({ kind: 'face', accountId: eventId });
    expect(parseStream(forecastStream(eventId))).toEqual({ kind: 'forecast', eventId });
    expect(parseStream(emailClaimStream(addressKey))).toEqual({ kind: 'email-claim' });
    expect(parseStream(commandKeyStream('k-1'))).toEqual({ kind: 'command-key' });
    expect(parseStream(projectionStream('attendance'))).toEqual({ kind: 'projection', projection: 'attendance' });
    expect(parseStream('$all')).toEqual({ kind: 'unknown' });
  });

  it('has the category EventStoreDB gives it, one for both kinds of account stream', () =>
    expect(
      [eventStream(eventId), checkInStream(sessionId, undefined), accountStream(eventId), emailClaimStream(addressKey), faceStream(eventId), forecastStream(eventId)].map(
        categoryOf,
      ),
    ).toEqual(['event', 'checkin', 'account', 'account', 'face', 'forecast']));
});

describe('The decider of a stream', () => {
  it('is the consistency boundary whose events the stream holds', () => {
    expect(deciderOf(eventStream(eventId))).toBe(eventDecider);
    expect(deciderOf(checkInStream(sessionId, registrationId))).toBe(checkInDecider);
    expect(deciderOf(accountStream(eventId))).toBe(accountDecider);
    expect(deciderOf(emailClaimStream(addressKey))).toBe(emailClaimDecider);
    expect(deciderOf(faceStream(eventId))).toBe(faceDecider);
    expect(deciderOf(forecastStream(eventId))).toBe(forecastDecider);
  });

  it('is none for streams that hold no domain events', () =>
    expect([commandKeyStream('k-1'), projectionStream('attendance'), 'orders-1'].map(deciderOf)).toEqual([undefined, undefined, undefined]));
});
