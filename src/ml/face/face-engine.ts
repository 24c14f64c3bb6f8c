/**
 * What the rest of Rollcall asks of face verification, whatever runs it (worker threads with
 * onnxruntime-node in production, a scripted fake in fast specs). Photos go in as the bytes a
 * client sent; nothing here stores them.
 */

/** Why a photo cannot be used, as the API names it (the GraphQL `extensions.code`). */
export type FaceRefusalCode = 'NO_FACE' | 'MULTIPLE_FACES' | 'FACE_TOO_SMALL' | 'LIVENESS_FAILED' | 'UNSUPPORTED_IMAGE' | 'IMAGE_TOO_LARGE';

export class FaceRefusal extends Error {
  override readonly name = 'FaceRefusal';
  constructor(
    readonly code: FaceRefusalCode,
    message: string,
  ) {
    super(message);
  }
}

/** The versions of the models that made a decision, recorded with it. */
export type ModelVersions = Record<string, string>;

/** One enrollment photo's face: its embedding (L2-normalised) and how good it was. */
export interface EnrollmentSample {
  embedding: Float32Array;
  /** 0-1: how big and sharp the face was. */
  quality: number;
  /** 0-1: the liveness model's probability that the face is live. */
  liveness: number;
  modelVersions: ModelVersions;
}

/** A door photo judged against a person's enrolled embeddings. */
export interface Verification {
  /** Best cosine similarity against the enrolled embeddings. */
  similarity: number;
  threshold: number;
  liveness: number;
  livenessThreshold: number;
  /** similarity ≥ threshold. */
  match: boolean;
  /** liveness ≥ livenessThreshold. */
  live: boolean;
  modelVersions: ModelVersions;
}

export interface FaceEngine {
  /**
   * The one face of an enrollment photo. Throws FaceRefusal when the photo is not an image
   * (UNSUPPORTED_IMAGE), too large (IMAGE_TOO_LARGE), has no face, several faces, a face too
   * small, or one that fails liveness.
   */
  enrollmentSample(photo: Buffer): Promise<EnrollmentSample>;
  /**
   * The largest face of a door photo against `enrolled` (at least one). Throws FaceRefusal
   * for a photo that is no image, too large, or holds no face.
   */
  verify(photo: Buffer, enrolled: readonly Float32Array[]): Promise<Verification>;
  /** Stops the workers. */
  close(): Promise<void>;
}
