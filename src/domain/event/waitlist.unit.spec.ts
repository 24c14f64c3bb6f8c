import { describe, expect, it } from 'vitest';
import { emptyWaitlist, firstWaitlisted, leftWaitlist, waitlistIds, waitlisted } from './waitlist.js';

const listOf = (count: number) => Array.from({ length: count }, (_, i) => `r${i}`).reduce(waitlisted, emptyWaitlist);

describe('a waiting list', () => {
  it('keeps arrival order across many chunks', () => {
    const list = listOf(1_000);
    expect(list.length).toBe(1_000);
    expect(waitlistIds(list)).toEqual(Array.from({ length: 1_000 }, (_, i) => `r${i}`));
  });

  it('hands out the first ones in order, none for no free seat', () => {
    const list = listOf(600);
    expect(firstWaitlisted(list, 3)).toEqual(['r0', 'r1', 'r2']);
    expect(firstWaitlisted(list, 300)).toEqual(Array.from({ length: 300 }, (_, i) => `r${i}`));
    expect(firstWaitlisted(list, 0)).toEqual([]);
    expect(firstWaitlisted(list, -2)).toEqual([]);
  });

  it('lets anyone leave, from the front, the middle or a chunk of their own, and takes newcomers last', () => {
    let list = leftWaitlist(leftWaitlist(listOf(513), 'r0'), 'r300');
    list = waitlisted(leftWaitlist(list, 'r512'), 'late');
    const expected = [...Array.from({ length: 512 }, (_, i) => `r${i}`).filter((id) => id !== 'r0' && id !== 'r300'), 'late'];
    expect(waitlistIds(list)).toEqual(expected);
    expect(list.length).toBe(expected.length);
  });

  it('stays as it was when someone not on it leaves, and earlier lists stay as they were', () => {
    const before = listOf(300);
    expect(leftWaitlist(before, 'nobody')).toBe(before);
    waitlisted(leftWaitlist(before, 'r10'), 'new');
    expect(waitlistIds(before)).toEqual(Array.from({ length: 300 }, (_, i) => `r${i}`));
  });
});
