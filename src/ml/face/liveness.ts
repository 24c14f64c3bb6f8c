import type { FaceBox } from './face-detection.js';
import { type RgbImage, rectangleToOutput, warpAffine } from './rgb-image.js';

const SIZE = 128;
/** The liveness model looks at the face with its surroundings: a phone's or a print's edges are its evidence. */
const CONTEXT = 2.7;

/**
 * The face's square enlarged 2.7 times about its centre (less where the image is smaller,
 * then shifted to stay inside it, as the library does), at 128 × 128, BGR, raw 0-255, channels first.
 */
export const livenessInput = (image: RgbImage, face: FaceBox): Float32Array => {
  const scale = Math.min(CONTEXT, image.width / face.side, image.height / face.side);
  const side = face.side * scale;
  const clamp = (start: number, limit: number) => Math.min(Math.max(start, 0), limit - side);
  const x = clamp(face.x + face.side / 2 - side / 2, image.width);
  const y = clamp(face.y + face.side / 2 - side / 2, image.height);
  const crop = warpAffine(image, rectangleToOutput(x, y, side, side, SIZE, SIZE), SIZE, SIZE);
  const plane = SIZE * SIZE;
  const input = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) input[c * plane + i] = crop.data[i * 3 + 2 - c]!;
  return input;
};

/** The model's probability that the face is live: class 0 of the softmax over its three outputs. */
export const livenessScore = (output: Float32Array): number => {
  const top = Math.max(...output);
  const exps = Array.from(output, (v) => Math.exp(v - top));
  return exps[0]! / exps.reduce((sum, v) => sum + v, 0);
};
