import { describe, expect, it } from 'vitest';
import { batches } from './batches.js';

/** An async iterator fed by the test: items pushed before a `next()` are ready at once. */
const channel = <T>() => {
  const queue: IteratorResult<T>[] = [];
  const waiting: ((result: IteratorResult<T>) => void)[] = [];
  let pulls = 0;
  const deliver = (result: IteratorResult<T>) => {
    const waiter = waiting.shift();
    if (waiter) waiter(result);
    else queue.push(result);
  };
  const iterator: AsyncIterator<T> = {
    next: () => {
      pulls++;
      const ready = queue.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
  };
  return {
    iterator,
    push: (...values: T[]) => values.forEach((value) => deliver({ done: false, value })),
    end: () => deliver({ done: true, value: undefined }),
    get pulls() {
      return pulls;
    },
  };
};

async function* generate(values: number[]): AsyncGenerator<number> {
  for (const value of values) yield value;
}

describe('batches', () => {
  it('hands over everything that is ready as one batch, split at the maximum size', async () => {
    const source = channel<number>();
    source.push(1, 2, 3, 4, 5);
    const out = batches(source.iterator, 2);
    expect((await out.next()).value).toEqual([1, 2]);
    expect((await out.next()).value).toEqual([3, 4]);
    expect((await out.next()).value).toEqual([5]);
  });

  it('does not wait for a batch to fill', async () => {
    const source = channel<number>();
    source.push(1, 2);
    const out = batches(source.iterator, 100);
    expect((await out.next()).value).toEqual([1, 2]);
  });

  it('keeps the pending pull: an item arriving later starts the next batch and none is pulled twice', async () => {
    const source = channel<number>();
    source.push(1);
    const out = batches(source.iterator, 100);
    expect((await out.next()).value).toEqual([1]);
    const second = out.next();
    source.push(2, 3);
    expect((await second).value).toEqual([2, 3]);
    // 1, the lookahead that became 2, 3, and the lookahead after 3.
    expect(source.pulls).toBe(4);
  });

  it('counts items an async generator resolves through microtasks as ready', async () => {
    const values = Array.from({ length: 2_500 }, (_, i) => i);
    const seen: number[][] = [];
    for await (const batch of batches(generate(values), 1_000)) seen.push(batch);
    expect(seen.map((b) => b.length)).toEqual([1_000, 1_000, 500]);
    expect(seen.flat()).toEqual(values);
  });

  it('ends after the last batch when the source ends', async () => {
    const source = channel<number>();
    source.push(1, 2);
    source.end();
    const all: number[][] = [];
    for await (const batch of batches(source.iterator, 10)) all.push(batch);
    expect(all).toEqual([[1, 2]]);
  });

  it('ends when the source ends while a pull is pending', async () => {
    const source = channel<number>();
    source.push(1);
    const out = batches(source.iterator, 10);
    expect((await out.next()).value).toEqual([1]);
    const next = out.next();
    source.end();
    expect(await next).toEqual({ done: true, value: undefined });
  });

  it('delivers the items before an error, then throws it', async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      yield 2;
      throw new Error('read failed');
    }
    const out = batches(failing(), 10);
    expect((await out.next()).value).toEqual([1, 2]);
    await expect(out.next()).rejects.toThrow('read failed');
  });

  it('refuses a maximum size below one', async () => {
    await expect(batches(generate([1]), 0).next()).rejects.toThrow(RangeError);
  });
});
