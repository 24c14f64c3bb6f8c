import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProgressBar, eventRate } from './progress.js';

afterEach(() => vi.useRealTimers());

/** A stream that is no terminal (a pipe, CI), which gets only the final line. */
const pipe = () => {
  let text = '';
  return { stream: { isTTY: false, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream, text: () => text };
};

describe('eventRate', () => {
  it('never says 0 events/s: a slow run keeps two significant digits', () => {
    expect(eventRate(1, 10)).toBe('0.1 events/s');
    expect(eventRate(1, 1_500)).toBe('0.00067 events/s');
    expect(eventRate(57, 10)).toBe('5.7 events/s');
    expect(eventRate(12_345, 1)).toBe('12,345 events/s');
  });

  it('says nothing when nothing was applied or no time passed', () => {
    expect(eventRate(0, 3)).toBeUndefined();
    expect(eventRate(5, 0)).toBeUndefined();
  });
});

describe('the progress bar', () => {
  it('shows no rate from a single report, which may come only after the first batch was applied', () => {
    const out = pipe();
    const bar = new ProgressBar('attendance', out.stream);
    bar.update({ projection: 'attendance', phase: 'building', applied: 3, total: 3, position: undefined });
    bar.finish();
    expect(out.text()).toBe(`attendance [${'█'.repeat(28)}] 100% 3/3 events\n`);
    expect(bar.rate()).toBeUndefined();
  });

  it('measures the rate from the first report on', () => {
    vi.useFakeTimers();
    const out = pipe();
    const bar = new ProgressBar('attendance', out.stream);
    bar.update({ projection: 'attendance', phase: 'building', applied: 1_000, total: 3_000, position: undefined });
    vi.advanceTimersByTime(2_000);
    bar.update({ projection: 'attendance', phase: 'building', applied: 2_000, total: 3_000, position: undefined });
    bar.finish();
    expect(bar.rate()).toBe(500);
    expect(out.text()).toMatch(/ 2,000\/3,000 events, 500 events\/s, 0:02 left\n$/);
  });
});
