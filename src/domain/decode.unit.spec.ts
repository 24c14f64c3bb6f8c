import { describe, expect, it } from 'vitest';
import { decode, schemaVersionOf } from './decode.js';

const stored = (type: string, data: Record<string, string>, schemaVersion: number) => ({
  id: '0b7f1a52-55a4-4b0c-9a52-7b0c9a5255a4',
  streamId: 'account-email-0f',
  type,
  data,
  metadata: { correlationId: 'c', causationId: 'c', actorId: 'a', commandId: 'k', occurredAt: '2030-01-01T12:00:00.000Z', schemaVersion },
});

describe('A stored EmailClaimed of schema version 1', () => {
  it('decodes to version 2, lapsing 7 days after the claim was made', () =>
    expect(decode(stored('EmailClaimed', { accountId: 'acc-1', claimedAt: '2030-01-01T12:00:00.000Z' }, 1))).toEqual(
      stored('EmailClaimed', { accountId: 'acc-1', claimedAt: '2030-01-01T12:00:00.000Z', expiresAt: '2030-01-08T12:00:00.000Z' }, 2),
    ));

  it('keeps the expiry it holds (written after claims lapsed, before version 2 was named)', () => {
    const data = { accountId: 'acc-1', claimedAt: '2030-01-01T12:00:00.000Z', expiresAt: '2030-01-02T00:00:00.000Z' };
    expect(decode(stored('EmailClaimed', data, 1)).data).toEqual(data);
  });

  it('leaves the stored event as it was', () => {
    const v1 = stored('EmailClaimed', { accountId: 'acc-1', claimedAt: '2030-01-01T12:00:00.000Z' }, 1);
    decode(v1);
    expect(v1).toEqual(stored('EmailClaimed', { accountId: 'acc-1', claimedAt: '2030-01-01T12:00:00.000Z' }, 1));
  });
});

describe('A stored CheckInAwaitingFace of schema version 1', () => {
  it('decodes to version 2 with no scan id: it was held before door photos were kept', () => {
    const door = { eventId: 'e', sessionId: 's', registrationId: 'r', attendeeId: 'a', staffId: 'st' };
    expect(decode(stored('CheckInAwaitingFace', door, 1))).toEqual(stored('CheckInAwaitingFace', { ...door, scanId: '' }, 2));
  });
});

describe('Decoding', () => {
  it('returns an event of the current version as it is', () => {
    const current = stored('EmailClaimed', { accountId: 'acc-1', claimedAt: 'x', expiresAt: 'y' }, 2);
    expect(decode(current)).toBe(current);
  });

  it('returns an event of a version newer than the code knows as it is', () => {
    const newer = stored('EmailClaimed', { accountId: 'acc-1' }, 3);
    expect(decode(newer)).toBe(newer);
  });

  it('returns an event of a type that never changed shape, or that it does not know, as it is', () => {
    for (const type of ['EventPublished', 'SomethingLater', 'constructor']) {
      const event = stored(type, {}, 1);
      expect(decode(event)).toBe(event);
    }
  });
});

describe('The current schema version', () => {
  it('is 2 for EmailClaimed, 1 for types that never changed shape or are unknown', () =>
    expect(['EmailClaimed', 'EventCreated', 'CommandKeyBound', 'toString'].map(schemaVersionOf)).toEqual([2, 1, 1, 1]));
});
