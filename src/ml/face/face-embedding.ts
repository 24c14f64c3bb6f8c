import { ALIGNED_SIZE } from './face-alignment.js';
import type { RgbImage } from './rgb-image.js';

/**
 * The aligned face as fr_feature.onnx takes it: BGR, (v − 127) / 128, channels first. The
 * library fed RGBA pixels to a model its author took for BGR; BGR measured best.
 */
export const embeddingInput = (aligned: RgbImage): Float32Array => {
  const plane = ALIGNED_SIZE * ALIGNED_SIZE;
  const input = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++)
    for (let c = 0; c < 3; c++) input[c * plane + i] = (aligned.data[i * 3 + 2 - c]! - 127) / 128;
  return input;
};

/** The model's 512 numbers scaled to length 1, so that a dot product is the cosine. */
export const normalised = (output: Float32Array): Float32Array => {
  const length = Math.hypot(...output);
  return output.map((v) => v / length);
};

/** Cosine similarity of two L2-normalised embeddings: 1 the same direction, about 0 unrelated. */
export const cosineSimilarity = (p: Float32Array, q: Float32Array): number => {
  if (p.length !== q.length) throw new Error(`Embeddings of different lengths (${p.length}, ${q.length}) cannot be compared`);
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += p[i]! * q[i]!;
  return sum;
};
