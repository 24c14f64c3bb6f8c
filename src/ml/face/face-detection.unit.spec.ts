import { describe, expect, it } from 'vitest';
import { facesFromDetector } from './face-detection.js';

/** The detector's two outputs for these candidates: normalised corners and a face score each. */
const output = (candidates: { corners: [number, number, number, number]; score: number }[]) => ({
  scores: Float32Array.from(candidates.flatMap(({ score }) => [1 - score, score])),
  boxes: Float32Array.from(candidates.flatMap(({ corners }) => corners)),
});

describe('faces from the detector', () => {
  it('keeps boxes scoring 0.7 or more (not 0.69), as squares as tall as the box about its centre, in the image pixels, largest first', () => {
    const { scores, boxes } = output([
      { corners: [0.1, 0.1, 0.2, 0.3], score: 0.9 },
      { corners: [0.5, 0.5, 0.7, 0.9], score: 0.71 },
      { corners: [0.8, 0.1, 0.9, 0.2], score: 0.69 },
    ]);
    expect(facesFromDetector(scores, boxes, 1000, 500)).toEqual([
      { x: expect.closeTo(500, 3), y: expect.closeTo(250, 3), side: expect.closeTo(200, 3), score: expect.closeTo(0.71, 3) },
      { x: expect.closeTo(100, 3), y: expect.closeTo(50, 3), side: expect.closeTo(100, 3), score: expect.closeTo(0.9, 3) },
    ]);
  });

  it('keeps the most confident of boxes overlapping by more than 0.4, and boxes overlapping less', () => {
    const { scores, boxes } = output([
      { corners: [0.1, 0.1, 0.3, 0.3], score: 0.8 },
      { corners: [0.11, 0.1, 0.31, 0.3], score: 0.95 },
      { corners: [0.25, 0.1, 0.45, 0.3], score: 0.9 },
    ]);
    expect(facesFromDetector(scores, boxes, 100, 100).map((face) => face.score)).toEqual([expect.closeTo(0.95, 3), expect.closeTo(0.9, 3)]);
  });
});
