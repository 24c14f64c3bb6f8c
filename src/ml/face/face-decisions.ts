import { cosineSimilarity } from './face-embedding.js';
import { type EnrollmentSample, FaceRefusal, type Verification } from './face-engine.js';
import type { FacePolicy } from './face-policy.js';
import type { ExaminedFace, PhotoExamination } from './photo-examination.js';

/**
 * 0-1, how usable a face is: its size and its sharpness, each against twice its minimum
 * (at the minimum a face scores a quarter), multiplied so that either can spoil it.
 */
export const faceQuality = (face: ExaminedFace, policy: FacePolicy): number =>
  Math.min(1, face.span / (2 * policy.minFaceSide)) * Math.min(1, face.sharpness / (2 * policy.minSharpness));

const largestFace = (examination: PhotoExamination): ExaminedFace => {
  if (!examination.largest) throw new FaceRefusal('NO_FACE', 'No face was found in the photo');
  return examination.largest;
};

/**
 * An enrollment photo's one face, or why it cannot be used. Faces smaller than the minimum
 * (by the detector's box: only the largest face is aligned) do not count as another face: a
 * poster or a passer-by far behind cannot be mistaken for the person enrolling, and refusing
 * them would only annoy.
 */
export const decideEnrollment = (examination: PhotoExamination, policy: FacePolicy): EnrollmentSample => {
  const face = largestFace(examination);
  const usable = examination.faces.filter((square) => square.side >= policy.minFaceSide).length;
  if (usable > 1) throw new FaceRefusal('MULTIPLE_FACES', `The photo shows ${usable} faces; it must show only yours`);
  const size = Math.round(face.span);
  if (size < policy.minFaceSide)
    throw new FaceRefusal('FACE_TOO_SMALL', `The face is ${size} pixels across; it must be at least ${policy.minFaceSide}: come closer or use a larger photo`);
  if (face.sharpness < policy.minSharpness) throw new FaceRefusal('FACE_TOO_SMALL', 'The face is too blurred to be recognised: hold still and retake the photo');
  if (face.liveness < policy.livenessThreshold) throw new FaceRefusal('LIVENESS_FAILED', 'The photo does not look like a live face: take it of yourself, not of a picture or a screen');
  return { embedding: face.embedding, quality: faceQuality(face, policy), liveness: face.liveness, modelVersions: examination.modelVersions };
};

/** A door photo's largest face against the enrolled embeddings, the best of them decides. */
export const decideVerification = (examination: PhotoExamination, enrolled: readonly Float32Array[], policy: FacePolicy): Verification => {
  if (enrolled.length === 0) throw new Error('Verification needs at least one enrolled embedding');
  const face = largestFace(examination);
  const similarity = Math.max(...enrolled.map((embedding) => cosineSimilarity(face.embedding, embedding)));
  return {
    similarity,
    threshold: policy.matchThreshold,
    liveness: face.liveness,
    livenessThreshold: policy.livenessThreshold,
    match: similarity >= policy.matchThreshold,
    live: face.liveness >= policy.livenessThreshold,
    modelVersions: examination.modelVersions,
  };
};
