import { describe, expect, it } from 'vitest';
import type { FaceEngine } from './face/face-engine.js';
import { lazyFaceEngine } from './lazy-face-engine.js';

const engine = (): FaceEngine => ({
  enrollmentSample: async () => ({ embedding: new Float32Array(512), quality: 1, liveness: 1, modelVersions: {} }),
  verify: async () => {
    throw new Error('no face');
  },
  close: async () => undefined,
});

describe('The face engine of a process', () => {
  it('starts its models only when a photo first comes', async () => {
    let starts = 0;
    const lazy = lazyFaceEngine(() => (starts++, engine()));
    await lazy.close();
    expect(starts).toBe(0);
    await lazy.enrollmentSample(Buffer.alloc(1));
    await lazy.enrollmentSample(Buffer.alloc(1));
    expect(starts).toBe(1);
  });

  it('times every call as one inference of its model, failed ones too', async () => {
    const timed: string[] = [];
    const lazy = lazyFaceEngine(engine, (model) => () => void timed.push(model));
    await lazy.enrollmentSample(Buffer.alloc(1));
    await expect(lazy.verify(Buffer.alloc(1), [new Float32Array(512)])).rejects.toThrow('no face');
    expect(timed).toEqual(['face-enrollment', 'face-verification']);
  });
});
