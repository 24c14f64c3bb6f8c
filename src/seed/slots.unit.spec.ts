import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Slots, eachAtMost } from './slots.js';

describe('slots', () => {
  it('runs at most so many tasks at once, the waiting ones in the order they asked', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await eachAtMost(3, Array.from({ length: 12 }, (_, i) => i), async (i) => {
      started.push(i);
      most = Math.max(most, ++running);
      await sleep(2);
      running--;
    });
    expect(most).toBe(3);
    expect(started).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('throws the first failure only once every task has settled', async () => {
    const finished: number[] = [];
    const run = eachAtMost(2, [1, 2, 3], async (i) => {
      await sleep(i * 3);
      if (i === 1) throw new Error('one failed');
      finished.push(i);
    });
    await expect(run).rejects.toThrow('one failed');
    expect(finished).toEqual([2, 3]);
  });

  it('hands a given-back slot to the next in line', async () => {
    const slots = new Slots(1);
    await slots.take();
    const order: string[] = [];
    const second = slots.take().then(() => order.push('second'));
    const third = slots.take().then(() => order.push('third'));
    slots.give();
    await second;
    slots.give();
    await third;
    expect(order).toEqual(['second', 'third']);
  });
});
