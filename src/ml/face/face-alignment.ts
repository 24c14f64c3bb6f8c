import type { Point } from './face-landmarks.js';
import { type Affine, type RgbImage, warpAffine } from './rgb-image.js';

/** InsightFace's five reference points for a 112 × 112 ArcFace crop (eyes, nose tip, mouth corners), in pixel indices. */
export const ARCFACE_TEMPLATE: readonly Point[] = [
  { x: 38.2946, y: 51.6963 },
  { x: 73.5318, y: 51.5014 },
  { x: 56.0252, y: 71.7366 },
  { x: 41.5493, y: 92.3655 },
  { x: 70.7299, y: 92.2041 },
];
export const ALIGNED_SIZE = 112;

/** to ≈ [a −b; b a]·from + t: a rotation, a uniform scale and a shift, no reflection nor shear. */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

/**
 * The similarity mapping `from` onto `to` with the least squared error (Umeyama's solution,
 * which in two dimensions is closed form). Five points fitted this way align markedly better
 * than the library's exact affine through three of them, which shears the face.
 */
export const similarityTransform = (from: readonly Point[], to: readonly Point[]): Similarity => {
  const n = from.length;
  const centre = (points: readonly Point[]): Point => ({ x: points.reduce((s, p) => s + p.x, 0) / n, y: points.reduce((s, p) => s + p.y, 0) / n });
  const f = centre(from);
  const t = centre(to);
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const [fx, fy] = [from[i]!.x - f.x, from[i]!.y - f.y];
    const [tx, ty] = [to[i]!.x - t.x, to[i]!.y - t.y];
    dot += fx * tx + fy * ty;
    cross += fx * ty - fy * tx;
    norm += fx * fx + fy * fy;
  }
  const a = dot / norm;
  const b = cross / norm;
  return { a, b, tx: t.x - (a * f.x - b * f.y), ty: t.y - (b * f.x + a * f.y) };
};

/** Where each output pixel of the similarity reads from: its inverse. */
const inverse = ({ a, b, tx, ty }: Similarity): Affine => {
  const r = a * a + b * b;
  return [a / r, b / r, -(a * tx + b * ty) / r, -b / r, a / r, (b * tx - a * ty) / r];
};

/** A face cut out and turned upright, and how big it was. */
export interface AlignedFace {
  /** 112 × 112. */
  image: RgbImage;
  /**
   * The side, in the source's pixels, of the square the 112 × 112 came from: the face's size,
   * steadier than the detector's box (which swells with hair or a tilted head), and below 112
   * the face had to be enlarged.
   */
  span: number;
}

/**
 * The face warped so that its five points (in the image's continuous coordinates) land on
 * the template: 112 × 112, bilinear.
 */
export const alignFace = (image: RgbImage, five: readonly Point[]): AlignedFace => {
  // Continuous coordinates put pixel centres at .5; the template is in pixel indices.
  const indices = five.map((p) => ({ x: p.x - 0.5, y: p.y - 0.5 }));
  const similarity = similarityTransform(indices, ARCFACE_TEMPLATE);
  return { image: warpAffine(image, inverse(similarity), ALIGNED_SIZE, ALIGNED_SIZE), span: ALIGNED_SIZE / Math.hypot(similarity.a, similarity.b) };
};
