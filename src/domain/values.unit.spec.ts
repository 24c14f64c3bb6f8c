import { describe, expect, it } from 'vitest';
import { DomainError } from './domain-error.js';
import { instant, parseInstant, text, textProblem } from './values.js';

describe('An instant from outside', () => {
  it.each([
    ['2026-06-01T10:00:00Z', '2026-06-01T10:00:00.000Z'],
    ['2026-06-01t10:00:00.5z', '2026-06-01T10:00:00.500Z'],
    ['2026-06-01T12:30:00+02:30', '2026-06-01T10:00:00.000Z'],
    ['2028-02-29T00:00:00-01:00', '2028-02-29T01:00:00.000Z'],
    ['2000-01-01T00:00:00Z', '2000-01-01T00:00:00.000Z'],
  ])('accepts %s as %s', (value, canonical) => expect(instant(value, 'at')).toBe(canonical));

  it.each([
    '2026-02-30T00:00:00Z',
    '2027-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-06-01T24:00:00Z',
    '2026-06-01T10:60:00Z',
    '2026-06-01T10:00:60Z',
    '2026-06-01T10:00:00',
    '2026-06-01T10:00:00+24:00',
    '2026-06-01T10:00:00.1234Z',
    '0000-01-01T00:00:00Z',
    '1999-12-31T23:59:59Z',
    '2101-01-01T00:00:00Z',
    '2100-12-31T23:00:00-05:00',
    '2000-01-01T00:30:00+01:00',
    '+002026-06-01T10:00:00Z',
    'x 1',
    '2026-06-01',
    ' 2026-06-01T10:00:00Z',
    '',
  ])('refuses %j', (value) => expect(parseInstant(value)).toBeUndefined());

  it('refuses what is not a string', () => {
    expect(parseInstant(1_700_000_000_000)).toBeUndefined();
    expect(parseInstant(null)).toBeUndefined();
  });

  it('names the field in its refusal', () => {
    expect(() => instant('2026-02-30T00:00:00Z', 'startsAt')).toThrow(DomainError);
    expect(() => instant('2026-02-30T00:00:00Z', 'startsAt')).toThrow(/^startsAt must be an RFC 3339/);
  });

  it('reads back every canonical instant it writes', () => {
    for (let t = Date.UTC(2000, 0, 1); t < Date.UTC(2100, 0, 1); t += 86_400_000 * 97 + 3_601_001) {
      const written = new Date(t).toISOString();
      expect(instant(written, 'at')).toBe(written);
    }
  });
});

describe('Text from outside', () => {
  it('accepts ordinary text, emoji and other scripts', () => {
    expect(textProblem('Zażółć 🎉 東京')).toBeUndefined();
  });
  it.each([
    ['a lone high surrogate', 'x\uD800'],
    ['a lone low surrogate', '\uDC00x'],
    ['a NUL', 'a\u0000b'],
    ['a line break', 'a\nb'],
    ['an escape', '\u001b[31m'],
    ['a C1 control', 'a\u0085b'],
  ])('refuses %s in a single-line field', (_what, value) => expect(textProblem(value)).toBeDefined());
  it('allows tabs and line breaks in multi-line text, and nothing else below space', () => {
    expect(textProblem('a\r\n\tb', { multiline: true })).toBeUndefined();
    expect(textProblem('a\u0000b', { multiline: true })).toBeDefined();
  });
  it('refuses what is not a string', () => expect(textProblem(42)).toBe('must be text'));
  it('checks length after the content, naming the field', () => {
    expect(() => text('   ', 'title', { min: 1, max: 10 })).toThrow(/^title must be 1 to 10 characters/);
    expect(() => text('x'.repeat(11), 'title', { min: 1, max: 10 })).toThrow(/title/);
    expect(text('ok', 'title', { min: 1, max: 10 })).toBe('ok');
  });
});
