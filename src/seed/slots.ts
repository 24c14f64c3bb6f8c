/**
 * At most `size` tasks at once, the rest waiting in the order they asked: the seed keeps the
 * store busy without queueing its whole history in memory at once.
 */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  private next = 0;

  constructor(size: number) {
    this.free = size;
  }

  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    // An index rather than shift(): thousands may wait, and shift() moves them all each time.
    const resolve = this.waiting[this.next];
    if (!resolve) {
      this.free++;
      return;
    }
    this.waiting[this.next++] = undefined as never;
    if (this.next === this.waiting.length) this.waiting.length = this.next = 0;
    resolve();
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.take();
    try {
      return await task();
    } finally {
      this.give();
    }
  }
}

/** `work` on every item, at most `limit` at once; the first failure is thrown once all have settled, so none is left running. */
export const eachAtMost = async <T>(limit: number, items: readonly T[], work: (item: T) => Promise<unknown>): Promise<void> => {
  const slots = new Slots(limit);
  const settled = await Promise.allSettled(items.map((item) => slots.run(() => work(item))));
  const failure = settled.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
};
