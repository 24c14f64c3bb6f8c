import { alignFace } from './face-alignment.js';
import { type FaceBox, detectorInput, facesFromDetector } from './face-detection.js';
import { embeddingInput, normalised } from './face-embedding.js';
import { fivePoints, landmarkInput, landmarksFrom } from './face-landmarks.js';
import type { ModelVersions } from './face-engine.js';
import type { FaceModels } from './face-models.js';
import { sharpness } from './face-sharpness.js';
import { livenessInput, livenessScore } from './liveness.js';
import { type DecodingLimits, decodePhoto } from './photo-decoding.js';
import type { RgbImage } from './rgb-image.js';

/** A square in the photo's own pixels (before any downscaling). */
export interface PhotoSquare {
  x: number;
  y: number;
  side: number;
}

/** The largest face of a photo, everything the decisions need about it. */
export interface ExaminedFace {
  box: PhotoSquare;
  detectionScore: number;
  /** L2-normalised. */
  embedding: Float32Array;
  /** The liveness model's probability that the face is live, 0-1. */
  liveness: number;
  /** Laplacian variance of the aligned face (see face-sharpness.ts). */
  sharpness: number;
  /** The face's size: the side, in the photo's pixels, of the square that became the aligned face (face-alignment.ts). */
  span: number;
}

export interface PhotoExamination {
  width: number;
  height: number;
  /** Every face the detector found, largest first, in the photo's pixels. */
  faces: PhotoSquare[];
  /** The largest face examined; null when there is none. */
  largest: ExaminedFace | null;
  modelVersions: ModelVersions;
}

export const STAGES = ['decode', 'detect', 'landmarks', 'align', 'embed', 'liveness'] as const;
export type Stage = (typeof STAGES)[number];
/** Told how long each stage took (the bench listens; production passes nothing). */
export type StageTimer = (stage: Stage, milliseconds: number) => void;

const timed = async <T>(stage: Stage, timer: StageTimer | undefined, work: () => T | Promise<T>): Promise<T> => {
  const start = performance.now();
  const result = await work();
  timer?.(stage, performance.now() - start);
  return result;
};

/** Every face of the image, largest first, in the image's pixels. */
export const detectFaces = async (models: FaceModels, image: RgbImage): Promise<FaceBox[]> => {
  const { scores, boxes } = await models.detect(detectorInput(image));
  return facesFromDetector(scores, boxes, image.width, image.height);
};

/** One face through landmarks, alignment, embedding and liveness. */
export const examineFace = async (models: FaceModels, image: RgbImage, face: FaceBox, timer?: StageTimer) => {
  const five = await timed('landmarks', timer, async () => fivePoints(landmarksFrom(await models.landmarks(landmarkInput(image, face)), face)));
  const aligned = await timed('align', timer, () => alignFace(image, five));
  const embedding = await timed('embed', timer, async () => normalised(await models.embed(embeddingInput(aligned.image))));
  const liveness = await timed('liveness', timer, async () => livenessScore(await models.liveness(livenessInput(image, face))));
  return { aligned: aligned.image, span: aligned.span, embedding, liveness, sharpness: sharpness(aligned.image) };
};

/**
 * The photo through the whole pipeline: decode, detect every face, then landmarks, alignment,
 * embedding and liveness for the largest one only (the others are only counted). Throws
 * FaceRefusal when the bytes are not a usable image.
 */
export const examinePhoto = async (models: FaceModels, bytes: Uint8Array, limits: DecodingLimits, timer?: StageTimer): Promise<PhotoExamination> => {
  const { image, scale } = await timed('decode', timer, () => decodePhoto(bytes, limits));
  const found = await timed('detect', timer, () => detectFaces(models, image));
  const inPhoto = ({ x, y, side }: FaceBox): PhotoSquare => ({ x: x * scale, y: y * scale, side: side * scale });
  const examination = {
    width: Math.round(image.width * scale),
    height: Math.round(image.height * scale),
    faces: found.map(inPhoto),
    modelVersions: models.versions,
  };
  const face = found[0];
  if (!face) return { ...examination, largest: null };
  const { embedding, liveness, sharpness, span } = await examineFace(models, image, face, timer);
  return { ...examination, largest: { box: inPhoto(face), detectionScore: face.score, embedding, liveness, sharpness, span: span * scale } };
};
