import { describe, expect, it } from 'vitest';
import { SeedOptionError, seedOption } from './seed-options.js';

describe('seed options', () => {
  it('takes whole numbers from 1 to the limit', () => {
    expect(seedOption('attendees', '250')).toBe(250);
    expect(seedOption('weeks', ' 104 ')).toBe(104);
  });

  it('refuses anything else with a sentence naming the option and its range', () => {
    for (const text of ['0', '-3', '2.5', '1e3', 'ten', '', '105'])
      expect(() => seedOption('weeks', text)).toThrow(new SeedOptionError(`--weeks must be a whole number from 1 to 104, not "${text}"`));
  });
});
