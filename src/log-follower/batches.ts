/**
 * Groups what an async iterator has ready into arrays of at most `maxSize`, without
 * waiting for a batch to fill: the first item of a batch is awaited, later ones are taken
 * only while the next one is already available. A `next()` that was not ready in time is
 * kept and becomes the first item of the following batch, so nothing is lost or pulled twice.
 *
 * It does not close `source`; whoever owns the source closes it (a subscription's
 * `close()`), which ends the batches.
 */
export async function* batches<T>(source: AsyncIterator<T>, maxSize: number): AsyncGenerator<T[], void, undefined> {
  if (!Number.isInteger(maxSize) || maxSize < 1) throw new RangeError('maxSize must be a positive integer');
  let pending: Promise<IteratorResult<T>> | undefined;
  for (;;) {
    const first = await (pending ?? source.next());
    pending = undefined;
    if (first.done) return;
    const batch = [first.value];
    let ended = false;
    while (batch.length < maxSize) {
      const next = source.next();
      const result = await readyNow(next);
      if (result === NOT_READY) {
        pending = next;
        break;
      }
      if (result.done) {
        ended = true;
        break;
      }
      batch.push(result.value);
    }
    yield batch;
    if (ended) return;
  }
}

const NOT_READY = Symbol('not ready');

/**
 * The promise's result if it settles before the event loop moves on, NOT_READY otherwise.
 * An async generator resolves a buffered item through a few microtasks, so racing against
 * `Promise.resolve()` would call it "not ready"; a macrotask (setImmediate) lets every
 * microtask run first. A rejection also counts as not ready: the caller keeps the promise
 * and meets the error when it awaits it, after the items before it were handed over.
 */
const readyNow = <R>(promise: Promise<R>): Promise<R | typeof NOT_READY> =>
  new Promise((resolve) => {
    const timer = setImmediate(() => resolve(NOT_READY));
    promise.then(
      (value) => {
        clearImmediate(timer);
        resolve(value);
      },
      () => {
        clearImmediate(timer);
        resolve(NOT_READY);
      },
    );
  });
