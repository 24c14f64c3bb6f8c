import { describe, expect, it } from 'vitest';
import { decideEnrollment, decideVerification, faceQuality } from './face-decisions.js';
import { DEFAULT_FACE_POLICY as POLICY } from './face-policy.js';
import type { ExaminedFace, PhotoExamination, PhotoSquare } from './photo-examination.js';

const unit = (...values: number[]) => {
  const v = Float32Array.from(values);
  const length = Math.hypot(...v);
  return v.map((x) => x / length);
};
const square = (side: number): PhotoSquare => ({ x: 10, y: 10, side });
const face = (overrides: Partial<ExaminedFace> = {}): ExaminedFace => ({
  box: square(300),
  detectionScore: 0.99,
  embedding: unit(1, 0, 0),
  liveness: 0.9,
  sharpness: 100,
  span: 300,
  ...overrides,
});
/** A photo examined: its largest face first among `others`. */
const photo = (largest: ExaminedFace | null, ...others: number[]): PhotoExamination => ({
  width: 1000,
  height: 800,
  faces: [...(largest ? [largest.box] : []), ...others.map(square)],
  largest,
  modelVersions: { pipeline: 'test' },
});

describe('an enrollment photo', () => {
  it('gives its face: embedding, quality, liveness and model versions', () => {
    expect(decideEnrollment(photo(face()), POLICY)).toEqual({ embedding: unit(1, 0, 0), quality: 1, liveness: 0.9, modelVersions: { pipeline: 'test' } });
  });

  it.each<[string, PhotoExamination, string]>([
    ['no face', photo(null), 'NO_FACE'],
    ['a second face of the minimum size', photo(face(), POLICY.minFaceSide), 'MULTIPLE_FACES'],
    ['a face under the minimum size', photo(face({ box: square(POLICY.minFaceSide), span: POLICY.minFaceSide - 1 })), 'FACE_TOO_SMALL'],
    ['a face too blurred', photo(face({ sharpness: POLICY.minSharpness - 1 })), 'FACE_TOO_SMALL'],
    ['a face under the liveness threshold', photo(face({ liveness: POLICY.livenessThreshold / 2 })), 'LIVENESS_FAILED'],
    ['two faces both too small', photo(face({ box: square(100), span: 100 }), 90), 'FACE_TOO_SMALL'],
  ])('with %s is refused as %s', (_, examination, code) => {
    expect(() => decideEnrollment(examination, POLICY)).toThrow(expect.objectContaining({ name: 'FaceRefusal', code }));
  });

  it('ignores a face behind too small to be anyone enrolling', () => {
    expect(() => decideEnrollment(photo(face(), POLICY.minFaceSide - 1), POLICY)).not.toThrow();
  });

  it('scores quality by size and sharpness against twice their minimums, either spoiling it', () => {
    expect(faceQuality(face({ span: 2 * POLICY.minFaceSide, sharpness: 2 * POLICY.minSharpness }), POLICY)).toBe(1);
    expect(faceQuality(face({ span: POLICY.minFaceSide, sharpness: 1000 }), POLICY)).toBe(0.5);
    expect(faceQuality(face({ span: POLICY.minFaceSide, sharpness: POLICY.minSharpness }), POLICY)).toBe(0.25);
  });
});

describe('a door photo', () => {
  it('matches by the best of the enrolled embeddings, and says whether the face looked live', () => {
    const verification = decideVerification(photo(face({ liveness: 0.01 })), [unit(0, 1, 0), unit(1, 0.2, 0)], POLICY);
    expect(verification).toEqual({
      similarity: expect.closeTo(0.98, 2),
      threshold: POLICY.matchThreshold,
      liveness: 0.01,
      livenessThreshold: POLICY.livenessThreshold,
      match: true,
      live: false,
      modelVersions: { pipeline: 'test' },
    });
  });

  it('does not match below the threshold', () => {
    expect(decideVerification(photo(face()), [unit(1, 2, 0)], POLICY)).toMatchObject({ similarity: expect.closeTo(0.447, 3), match: false });
  });

  it('without a face is refused as NO_FACE', () => {
    expect(() => decideVerification(photo(null), [unit(1, 0, 0)], POLICY)).toThrow(expect.objectContaining({ code: 'NO_FACE' }));
  });
});
