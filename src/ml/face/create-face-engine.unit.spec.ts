import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceEngine } from './create-face-engine.js';
import { type FaceRefusalCode } from './face-engine.js';
import { DEFAULT_FACE_POLICY } from './face-policy.js';
import { FaceWorkerPool } from './face-worker-pool.js';
import { DEFAULT_DECODING_LIMITS } from './photo-decoding.js';
import { portraitOf, sampleFace, samplePhoto } from './sample-faces.fixture.js';

/** The engine as the enrollment and door flows use it: the real models on worker threads, real photos. */
const engine = createFaceEngine();
afterAll(() => engine.close());

const nurse = sampleFace(1, 'nurse');
const blank = () => sharp({ create: { width: 640, height: 480, channels: 3, background: '#d0d0d0' } }).jpeg().toBuffer();
/** 20,000 × 20,000 pixels (1.2 GB decoded) in about 1 MB of PNG: a decompression bomb. */
let bomb: Buffer;
beforeAll(async () => {
  bomb = await sharp({ create: { width: 20_000, height: 20_000, channels: 3, background: '#000' }, limitInputPixels: false }).png({ compressionLevel: 9 }).toBuffer();
});

const refusal = (promise: Promise<unknown>): Promise<FaceRefusalCode | 'accepted'> =>
  promise.then(
    () => 'accepted',
    (error: { code?: FaceRefusalCode }) => {
      if (!error.code) throw error;
      return error.code;
    },
  );

describe('enrolling a photo', () => {
  it('takes the one face of a portrait: a unit-length embedding, its quality and liveness, and the model versions', async () => {
    const sample = await engine.enrollmentSample(await portraitOf(nurse));
    expect(sample.embedding).toHaveLength(512);
    expect(Math.hypot(...sample.embedding)).toBeCloseTo(1, 5);
    expect(sample.quality).toBeGreaterThan(0.5);
    expect(sample.quality).toBeLessThanOrEqual(1);
    expect(sample.liveness).toBeGreaterThanOrEqual(DEFAULT_FACE_POLICY.livenessThreshold);
    expect(Object.keys(sample.modelVersions).sort()).toEqual(['detect', 'embed', 'landmarks', 'liveness', 'pipeline']);
  });

  it.each<[string, () => Promise<Buffer>, FaceRefusalCode]>([
    ['a blank image', blank, 'NO_FACE'],
    ['a group photo', () => samplePhoto(2), 'MULTIPLE_FACES'],
    ['a portrait shrunk to 160 px', () => portraitOf(nurse, { side: 160 }), 'FACE_TOO_SMALL'],
    ['a blurred portrait', async () => sharp(await portraitOf(nurse)).blur(8).jpeg().toBuffer(), 'FACE_TOO_SMALL'],
    ['bytes that are no image', async () => Buffer.from('GIF89a? no, just some text'), 'UNSUPPORTED_IMAGE'],
    ['a truncated JPEG', async () => (await portraitOf(nurse)).subarray(0, 20_000), 'UNSUPPORTED_IMAGE'],
    ['an image in a format clients may not send (TIFF)', async () => sharp(await portraitOf(nurse)).tiff().toBuffer(), 'UNSUPPORTED_IMAGE'],
    ['a body over 10 MB', async () => Buffer.alloc(DEFAULT_DECODING_LIMITS.maxBytes + 1), 'IMAGE_TOO_LARGE'],
  ])('refuses %s as %s', async (_, photo, code) => {
    expect(await refusal(engine.enrollmentSample(await photo()))).toBe(code);
  });

  it('refuses a 20,000 × 20,000 PNG as IMAGE_TOO_LARGE from its header, without decoding it', async () => {
    const started = performance.now();
    expect(await refusal(engine.enrollmentSample(bomb))).toBe('IMAGE_TOO_LARGE');
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('verifying at the door', () => {
  let enrolled: Float32Array;
  beforeAll(async () => {
    enrolled = (await engine.enrollmentSample(await portraitOf(nurse))).embedding;
  });

  it('matches the same person in another photo', async () => {
    const verification = await engine.verify(await portraitOf(sampleFace(3, 'nurse')), [enrolled]);
    expect(verification).toMatchObject({ match: true, live: true, threshold: DEFAULT_FACE_POLICY.matchThreshold });
    expect(verification.similarity).toBeGreaterThan(0.6);
  });

  it('does not match someone else', async () => {
    const verification = await engine.verify(await portraitOf(sampleFace(3, 'red-lips')), [enrolled]);
    expect(verification.match).toBe(false);
    expect(verification.similarity).toBeLessThan(DEFAULT_FACE_POLICY.matchThreshold);
  });

  it('judges by the best of several enrolled embeddings', async () => {
    const other = (await engine.enrollmentSample(await portraitOf(sampleFace(5, 'top-step')))).embedding;
    expect(await engine.verify(await portraitOf(sampleFace(3, 'nurse')), [other, enrolled])).toMatchObject({ match: true });
  });

  it('refuses a photo without a face as NO_FACE', async () => {
    expect(await refusal(engine.verify(await blank(), [enrolled]))).toBe('NO_FACE');
  });
});

describe('a worker given bad bytes', () => {
  it('answers each with a refusal and goes on with the next photo, neither crashing nor stalling', async () => {
    const pool = new FaceWorkerPool({ size: 1, jobTimeoutMs: 10_000, limits: DEFAULT_DECODING_LIMITS });
    try {
      const portrait = await portraitOf(nurse);
      const bad = [bomb, portrait.subarray(0, 20_000), Buffer.from('not an image'), Buffer.alloc(0)];
      const answers = await Promise.all([...bad.map((photo) => refusal(pool.examine(photo))), pool.examine(portrait)]);
      expect(answers.slice(0, 4)).toEqual(['IMAGE_TOO_LARGE', 'UNSUPPORTED_IMAGE', 'UNSUPPORTED_IMAGE', 'UNSUPPORTED_IMAGE']);
      expect(answers[4]).toMatchObject({ faces: [expect.anything()] });
      expect(pool.restarts).toBe(0);
    } finally {
      await pool.close();
    }
  });
});
