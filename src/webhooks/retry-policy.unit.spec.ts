import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, type AttemptContext, judgeAttempt, retryDelayMs, webhookVerdict } from './retry-policy.js';

const now = new Date('2026-12-01T12:00:00Z');
const HOUR = 3_600_000;
const context = (overrides: Partial<AttemptContext>): AttemptContext => ({
  answer: { statusCode: 500 },
  attempt: 1,
  firstAttemptAt: now,
  failingSince: null,
  redelivery: false,
  now,
  random: 0.5,
  ...overrides,
});
const judge = (overrides: Partial<AttemptContext>) => judgeAttempt(DEFAULT_RETRY_POLICY, context(overrides));

describe('an attempt', () => {
  it('answered 2xx delivers, and the webhook is no longer failing', () => {
    expect(judge({ answer: { statusCode: 204 }, failingSince: new Date(now.getTime() - HOUR) })).toEqual({ delivery: { kind: 'delivered' }, failingSince: null });
  });

  it('that failed is retried with backoff, and the webhook is failing from now', () => {
    expect(judge({ answer: { statusCode: 503 } })).toEqual({ delivery: { kind: 'retry', delayMs: 10_000 }, failingSince: now });
    expect(judge({ answer: { statusCode: undefined }, attempt: 3 }).delivery).toEqual({ kind: 'retry', delayMs: 40_000 });
    expect(judge({ answer: { statusCode: 302 } }).delivery.kind).toBe('retry');
  });

  it('answered 410 Gone fails and disables the webhook', () => {
    expect(judge({ answer: { statusCode: 410 } })).toEqual({ delivery: { kind: 'failed' }, failingSince: now, disable: 'gone' });
  });

  it('is given up once its next try would come more than a day after its first', () => {
    expect(judge({ attempt: 15, firstAttemptAt: new Date(now.getTime() - 23 * HOUR) }).delivery).toEqual({ kind: 'failed' });
  });

  it('that fails after 3 days of failures disables the webhook', () => {
    expect(judge({ failingSince: new Date(now.getTime() - 72 * HOUR) })).toMatchObject({ delivery: { kind: 'failed' }, disable: 'failing' });
  });

  it('of an admin redelivery is never retried', () => {
    expect(judge({ redelivery: true }).delivery).toEqual({ kind: 'failed' });
  });
});

describe('the retry delays', () => {
  it('double from 10 s up to 2 h, with ±50 % jitter, and add up to about a day of attempts', () => {
    expect([1, 2, 3, 12, 40].map((attempt) => retryDelayMs(DEFAULT_RETRY_POLICY, attempt, 0.5))).toEqual([10_000, 20_000, 40_000, 2 * HOUR, 2 * HOUR]);
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, 0)).toBe(5_000);
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, 0.999)).toBe(14_990);
    let elapsed = 0;
    let attempts = 1;
    while (elapsed + retryDelayMs(DEFAULT_RETRY_POLICY, attempts, 0.5) <= DEFAULT_RETRY_POLICY.giveUpAfterMs) elapsed += retryDelayMs(DEFAULT_RETRY_POLICY, attempts++, 0.5);
    expect(attempts).toBeGreaterThan(15);
    expect(elapsed).toBeGreaterThan(20 * HOUR);
  });
});

describe("a batch's verdicts on one webhook", () => {
  const delivered = judge({ answer: { statusCode: 200 } });
  const failedEarlier = judge({ failingSince: new Date(now.getTime() - HOUR) });
  it('leave it healthy when one delivery went through, failing since the earliest failure otherwise', () => {
    expect(webhookVerdict([failedEarlier, delivered])).toEqual({ failingSince: null });
    expect(webhookVerdict([judge({}), failedEarlier])).toEqual({ failingSince: new Date(now.getTime() - HOUR) });
  });

  it('disable it on a 410 whatever else happened, and for 3 days of failures only when nothing went through', () => {
    expect(webhookVerdict([delivered, judge({ answer: { statusCode: 410 } })])).toMatchObject({ disable: 'gone' });
    const failingTooLong = judge({ failingSince: new Date(now.getTime() - 72 * HOUR) });
    expect(webhookVerdict([failingTooLong, delivered])).toEqual({ failingSince: null });
    expect(webhookVerdict([failingTooLong, failedEarlier])).toMatchObject({ disable: 'failing' });
  });
});
