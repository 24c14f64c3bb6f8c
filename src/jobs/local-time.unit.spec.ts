import { describe, expect, it } from 'vitest';
import { localTime } from './local-time.js';

describe('localTime', () => {
  it('says the wall-clock time of the event’s time zone, daylight saving included, and names the zone', () => {
    expect(localTime(new Date('2026-12-05T17:00:00Z'), 'Europe/Warsaw')).toBe('Saturday, 5 December 2026 at 18:00 (Europe/Warsaw)');
    expect(localTime(new Date('2026-07-05T17:00:00Z'), 'Europe/Warsaw')).toBe('Sunday, 5 July 2026 at 19:00 (Europe/Warsaw)');
  });
});
