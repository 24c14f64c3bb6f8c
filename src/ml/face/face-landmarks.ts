import type { FaceBox } from './face-detection.js';
import { type RgbImage, cropSquare } from './rgb-image.js';

export interface Point {
  x: number;
  y: number;
}

const SIZE = 64;

/** The face's square at 64 × 64, grey (0.299 R + 0.587 G + 0.114 B) / 256, as fr_landmark.onnx takes it. */
export const landmarkInput = (image: RgbImage, face: FaceBox): Float32Array => {
  const crop = cropSquare(image, face, SIZE);
  const input = new Float32Array(SIZE * SIZE);
  for (let i = 0; i < input.length; i++) input[i] = (0.299 * crop.data[i * 3]! + 0.587 * crop.data[i * 3 + 1]! + 0.114 * crop.data[i * 3 + 2]!) / 256;
  return input;
};

/** The model's 68 points (the iBUG 300-W layout), given as fractions of the square, in the image's pixels. */
export const landmarksFrom = (output: Float32Array, face: FaceBox): Point[] =>
  Array.from({ length: 68 }, (_, i) => ({ x: face.x + output[i * 2]! * face.side, y: face.y + output[i * 2 + 1]! * face.side }));

const mean = (points: readonly Point[], indices: readonly number[]): Point => ({
  x: indices.reduce((sum, i) => sum + points[i]!.x, 0) / indices.length,
  y: indices.reduce((sum, i) => sum + points[i]!.y, 0) / indices.length,
});

/**
 * The five points ArcFace alignment uses, in the template's order: the eyes' centres (the
 * mean of each eye's four lid points; its corners lie off the pupil), the nose tip, and the
 * mouth's corners (outer and inner corner averaged, as the library does).
 */
export const fivePoints = (landmarks: readonly Point[]): Point[] => [
  mean(landmarks, [37, 38, 40, 41]),
  mean(landmarks, [43, 44, 46, 47]),
  mean(landmarks, [30]),
  mean(landmarks, [48, 60]),
  mean(landmarks, [54, 64]),
];
