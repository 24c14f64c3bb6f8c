import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { cosineSimilarity } from './face-embedding.js';
import { type FaceModels, loadFaceModels } from './face-models.js';
import { DEFAULT_FACE_POLICY } from './face-policy.js';
import { DEFAULT_DECODING_LIMITS, decodePhoto } from './photo-decoding.js';
import { detectFaces, examineFace, examinePhoto } from './photo-examination.js';
import { FACES_PER_PHOTO, SAMPLE_FACES, type SampleFace, portraitOf, relation, sampleFace, samplePhoto } from './sample-faces.fixture.js';

/**
 * The pipeline on real photos, in this thread: every face of the six samples found, the
 * labelled pairs on the right side of the threshold, degraded copies still matched. What
 * face-policy.ts's numbers were chosen on.
 */
const { matchThreshold, livenessThreshold, minFaceSide } = DEFAULT_FACE_POLICY;
let models: FaceModels;
interface Found {
  label: SampleFace;
  /** In the photo's pixels. */
  span: number;
  embedding: Float32Array;
  liveness: number;
}
const found: Found[] = [];
const counts: Record<number, number> = {};

beforeAll(async () => {
  models = await loadFaceModels();
  for (const photo of Object.keys(FACES_PER_PHOTO).map(Number)) {
    const { image, scale } = await decodePhoto(await samplePhoto(photo), DEFAULT_DECODING_LIMITS);
    const faces = await detectFaces(models, image);
    counts[photo] = faces.length;
    for (const face of faces) {
      const centre = [(face.x + face.side / 2) * scale, (face.y + face.side / 2) * scale] as const;
      const label = SAMPLE_FACES.find((f) => f.photo === photo && Math.hypot(f.centre[0] - centre[0], f.centre[1] - centre[1]) < 40);
      if (!label) throw new Error(`sample${photo} has an unlabelled face at ${centre.map(Math.round).join(', ')}`);
      const { span, embedding, liveness } = await examineFace(models, image, face);
      found.push({ label, span: span * scale, embedding, liveness });
    }
  }
});

const pairs = (wanted: ReturnType<typeof relation>) =>
  found.flatMap((p, i) =>
    found.slice(i + 1).flatMap((q) => (relation(p.label, q.label) === wanted ? [{ pair: `${p.label.photo}:${p.label.person} ~ ${q.label.photo}:${q.label.person}`, similarity: cosineSimilarity(p.embedding, q.embedding) }] : [])),
  );

describe('the six sample photos', () => {
  it('have every face found, each where it was labelled', () => {
    expect(counts).toEqual(FACES_PER_PHOTO);
    expect(new Set(found.map((f) => f.label)).size).toBe(SAMPLE_FACES.length);
  });

  it('put every pair of different people below the threshold (228 pairs)', () => {
    const different = pairs('different');
    expect(different).toHaveLength(228);
    expect(different.filter((p) => p.similarity >= matchThreshold)).toEqual([]);
  });

  it('put the one person seen in two photos above the threshold', () => {
    expect(pairs('same')).toEqual([{ pair: '1:nurse ~ 3:nurse', similarity: expect.closeTo(0.71, 1) }]);
  });

  it('have every real face pass liveness and the enrollment size', () => {
    expect(found.filter((f) => f.liveness < livenessThreshold || f.span < minFaceSide).map((f) => f.label)).toEqual([]);
  });
});

describe('a degraded copy of a face', () => {
  /** Frontal faces of different people, lighting and photos; see face-policy.ts for the faces looking down or away. */
  const FACES = [sampleFace(1, 'nurse'), sampleFace(3, 'curly-blonde'), sampleFace(5, 'front-step'), sampleFace(6, 'green-top')];
  const DEGRADATIONS: Record<string, (photo: Sharp) => Sharp> = {
    'shrunk to 160 px': (photo) => photo.resize(160, 160).jpeg({ quality: 90 }),
    'saved at JPEG quality 30': (photo) => photo.jpeg({ quality: 30 }),
    brightened: (photo) => photo.modulate({ brightness: 1.5 }).jpeg({ quality: 90 }),
    mirrored: (photo) => photo.flop().jpeg({ quality: 90 }),
    'rotated 10°': (photo) => photo.rotate(10, { background: '#808080' }).jpeg({ quality: 90 }),
  };

  it.each(Object.keys(DEGRADATIONS))('still matches its original, well above the threshold, when %s', async (degradation) => {
    for (const face of FACES) {
      const original = found.find((f) => f.label === face)!;
      const copy = await DEGRADATIONS[degradation]!(sharp(await portraitOf(face))).toBuffer();
      const examined = await examinePhoto(models, copy, DEFAULT_DECODING_LIMITS);
      expect({ face: face.person, similarity: cosineSimilarity(original.embedding, examined.largest!.embedding) }).toEqual({
        face: face.person,
        similarity: expect.toSatisfy((s: number) => s >= matchThreshold + 0.2),
      });
    }
  });
});
