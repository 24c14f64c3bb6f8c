import { afterEach, describe, expect, it } from 'vitest';
import { FaceWorkerPool, type FaceWorkerPoolOptions } from './face-worker-pool.js';
import { DEFAULT_DECODING_LIMITS } from './photo-decoding.js';

/** The pool's own behaviour, with stand-in workers (no models) that crash, hang or never start on request. */
const MISBEHAVING = new URL('./misbehaving-face-worker.fixture.mjs', import.meta.url);
const UNSTARTABLE = new URL('./unstartable-face-worker.fixture.mjs', import.meta.url);

const pools: FaceWorkerPool[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});
const pool = (options: Partial<FaceWorkerPoolOptions> = {}): FaceWorkerPool => {
  const made = new FaceWorkerPool({ size: 1, jobTimeoutMs: 2_000, limits: DEFAULT_DECODING_LIMITS, workerUrl: MISBEHAVING, ...options });
  pools.push(made);
  return made;
};
const bytes = (text: string) => new TextEncoder().encode(text);

describe('a face worker pool', () => {
  it('answers each photo from a worker', async () => {
    const examinations = await Promise.all(['one', 'two', 'three'].map((text) => pool({ size: 2 }).examine(bytes(text))));
    expect(examinations.map((e) => e.modelVersions.fake)).toEqual(['one', 'two', 'three']);
  });

  it('fails only the photo whose worker died, and replaces the worker', async () => {
    const tested = pool();
    const [crashed, next] = await Promise.allSettled([tested.examine(bytes('crash')), tested.examine(bytes('after'))]);
    expect(crashed).toMatchObject({ status: 'rejected', reason: { message: 'The face worker examining the photo stopped (exit code 3)' } });
    expect(next).toMatchObject({ status: 'fulfilled', value: { modelVersions: { fake: 'after' } } });
    expect(tested.restarts).toBe(1);
  });

  it('fails a photo that overruns its time, and replaces the stuck worker', async () => {
    // Short, to see it overrun soon, yet ample for the next photo's round trip to the new worker
    // while the stuck one still spins on a core until it is terminated.
    const tested = pool({ jobTimeoutMs: 1_000 });
    await expect(tested.examine(bytes('hang'))).rejects.toThrow('Examining the photo took longer than 1000 ms');
    await expect(tested.examine(bytes('after'))).resolves.toMatchObject({ modelVersions: { fake: 'after' } });
    expect(tested.restarts).toBe(1);
  });

  it('fails the waiting photos when no worker can start, and tries again with the next photo', async () => {
    const tested = pool({ workerUrl: UNSTARTABLE });
    await expect(tested.examine(bytes('one'))).rejects.toThrow('A face worker failed to start: The models are not here');
    await expect(tested.examine(bytes('two'))).rejects.toThrow('A face worker failed to start: The models are not here');
  });

  it('refuses a photo over the byte limit without sending it to a worker', async () => {
    await expect(pool({ limits: { ...DEFAULT_DECODING_LIMITS, maxBytes: 4 } }).examine(bytes('12345'))).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  });

  it('fails what is waiting or running when closed, and takes nothing after', async () => {
    const tested = pool();
    // Once a worker has answered, it is idle and ready: the next photo goes to it at once, not
    // after a start that a busy machine can stretch past any fixed wait.
    await tested.examine(bytes('ready'));
    const outcomes = Promise.allSettled([tested.examine(bytes('hang')), tested.examine(bytes('waiting'))]);
    await tested.close();
    expect(await outcomes).toMatchObject([
      { status: 'rejected', reason: { message: 'The face worker pool closed while the photo was examined' } },
      { status: 'rejected', reason: { message: 'The face worker pool closed before the photo was examined' } },
    ]);
    await expect(tested.examine(bytes('late'))).rejects.toThrow('The face worker pool is closed');
  });
});
