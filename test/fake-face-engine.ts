import { FaceRefusal, type FaceEngine, type FaceRefusalCode, type Verification } from '../src/ml/face/face-engine.js';

/**
 * A scripted FaceEngine for fast specs: a "photo" is text naming what it shows. `face:<who>`
 * is that person's face, `spoof:<who>` their face held up on a screen (it fails liveness),
 * `refuse:<CODE>` a photo the models refuse with that code; anything else is no image at all
 * (UNSUPPORTED_IMAGE), as garbage bytes are. Each person's embedding is a unit vector of its
 * own, so the same person compares at 1 and two people at 0.
 */

export const THRESHOLD = 0.47;
export const LIVENESS_THRESHOLD = 0.02;
const DIMENSIONS = 128;
const MODEL_VERSIONS = { detection: 'fake-d1', recognition: 'fake-r1', liveness: 'fake-l1' };

export const facePhoto = (who: string): Buffer => Buffer.from(`face:${who}`);
export const spoofPhoto = (who: string): Buffer => Buffer.from(`spoof:${who}`);
export const refusedPhoto = (code: FaceRefusalCode): Buffer => Buffer.from(`refuse:${code}`);

export interface FakeFaceEngine extends FaceEngine {
  /** Every photo verified, as the text it holds: what reached the models. */
  readonly verified: string[];
  /** The embedding the engine gives `who`: to compare with what was stored. */
  embeddingOf(who: string): Float32Array;
}

export const fakeFaceEngine = (): FakeFaceEngine => {
  const people = new Map<string, number>();
  const embeddingOf = (who: string): Float32Array => {
    if (!people.has(who)) people.set(who, people.size % DIMENSIONS);
    const embedding = new Float32Array(DIMENSIONS);
    embedding[people.get(who)!] = 1;
    return embedding;
  };
  const read = (photo: Buffer): { who: string; live: boolean } => {
    const [kind, who = ''] = photo.toString('utf8').split(':', 2);
    if (kind === 'refuse') throw new FaceRefusal(who as FaceRefusalCode, `scripted refusal ${who}`);
    if ((kind !== 'face' && kind !== 'spoof') || !who) throw new FaceRefusal('UNSUPPORTED_IMAGE', 'This is no image the models can read');
    return { who, live: kind === 'face' };
  };
  const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);
  const verified: string[] = [];
  return {
    verified,
    embeddingOf,
    enrollmentSample: async (photo) => {
      const { who, live } = read(photo);
      if (!live) throw new FaceRefusal('LIVENESS_FAILED', 'The face does not look live');
      return { embedding: embeddingOf(who), quality: 0.9, liveness: 0.95, modelVersions: MODEL_VERSIONS };
    },
    verify: async (photo, enrolled): Promise<Verification> => {
      verified.push(photo.toString('utf8'));
      const { who, live } = read(photo);
      const similarity = Math.max(...enrolled.map((embedding) => cosine(embeddingOf(who), embedding)));
      const liveness = live ? 0.9 : 0.01;
      return {
        similarity,
        threshold: THRESHOLD,
        liveness,
        livenessThreshold: LIVENESS_THRESHOLD,
        match: similarity >= THRESHOLD,
        live: liveness >= LIVENESS_THRESHOLD,
        modelVersions: MODEL_VERSIONS,
      };
    },
    close: async () => undefined,
  };
};
