import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): a secret is `whsec_` and its
 * key in base64, and a message is signed as `v1,` and the base64 HMAC-SHA256 of
 * `<webhook-id>.<webhook-timestamp>.<body>`, so receivers verify with any of the spec's
 * libraries. Pure: the caller brings the time and the id.
 */

const PREFIX = 'whsec_';
/** 24 bytes: the spec asks for 24 to 64. */
const KEY_BYTES = 24;

export const generateSecret = (): string => `${PREFIX}${randomBytes(KEY_BYTES).toString('base64')}`;

const keyOf = (secret: string): Buffer => Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');

export const sign = (secret: string, messageId: string, timestampSeconds: number, body: string): string =>
  `v1,${createHmac('sha256', keyOf(secret)).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64')}`;

/**
 * The three headers of one attempt; the timestamp is the attempt's, as receivers check it
 * against their clock. Several secrets (a rotated one in its grace period, and its successor)
 * give one signature each, space-separated: a receiver accepts the message if any verifies.
 */
export const signedHeaders = (secrets: readonly string[], messageId: string, at: Date, body: string): Record<string, string> => {
  const timestamp = Math.floor(at.getTime() / 1_000);
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((secret) => sign(secret, messageId, timestamp, body)).join(' '),
  };
};
