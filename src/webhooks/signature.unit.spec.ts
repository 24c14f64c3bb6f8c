import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSecret, signedHeaders } from './signature.js';

describe('Standard Webhooks signatures', () => {
  it('are what the standardwebhooks library verifies', () => {
    const secret = generateSecret();
    const body = JSON.stringify({ id: 'e1', type: 'EventPublished', data: { eventId: 'x' } });
    const headers = signedHeaders([secret], 'delivery-1', new Date(), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('fail verification under another secret, or for another body', () => {
    const secret = generateSecret();
    const headers = signedHeaders([secret], 'delivery-1', new Date(), '{"a":1}');
    expect(() => new Webhook(generateSecret()).verify('{"a":1}', headers)).toThrow();
    expect(() => new Webhook(secret).verify('{"a":2}', headers)).toThrow();
  });

  it('signed with two secrets (a rotation\'s grace) verify under either, and under no third', () => {
    const [old, current] = [generateSecret(), generateSecret()];
    const body = '{"a":1}';
    const headers = signedHeaders([current, old], 'delivery-1', new Date(), body);
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(new Webhook(old).verify(body, headers)).toEqual({ a: 1 });
    expect(new Webhook(current).verify(body, headers)).toEqual({ a: 1 });
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
  });

  it('carry the secret as whsec_ and 24 random bytes in base64', () => {
    expect(generateSecret()).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(generateSecret()).not.toBe(generateSecret());
  });
});
