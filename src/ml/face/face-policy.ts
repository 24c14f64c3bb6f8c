/**
 * The numbers that turn the models' outputs into decisions, and how each was chosen. Measured
 * on the 22 faces of test/fixtures/faces/sample1…6.jpg (labelled in sample-faces.fixture.ts)
 * with this pipeline at its default working size (1024 px); sample-photos.unit.spec.ts checks
 * that they still hold.
 */
export interface FacePolicy {
  /** Cosine similarity at or above which two faces are taken for the same person. */
  matchThreshold: number;
  /** Liveness probability at or above which a face is taken for live. */
  livenessThreshold: number;
  /** Smallest face an enrollment photo may have: the side of its square, in the photo's own pixels. */
  minFaceSide: number;
  /** Least sharpness (face-sharpness.ts) an enrollment face may have. */
  minSharpness: number;
}

export const DEFAULT_FACE_POLICY: FacePolicy = {
  /*
   * 0.47. Of the 231 pairs of sample faces, 228 are of different people: highest 0.386 (two
   * women side by side in sample3; across photos 0.363), median 0.05. The one pair sure to be
   * one person (sample1's nurse in sample3) scores 0.707. Two cross-photo pairs we could not
   * label by eye score 0.430 and 0.420. Every threshold in [0.431, 0.707) makes no error here
   * whatever those two are: false matches 0/228 (0/230), false non-matches 0/1 (2/3 if both
   * unsure pairs are one person each). On another set of real portraits (17 photos of 6
   * people, ../shared/notes/face-models.md) the same pipeline put the same person at 0.52 or
   * more and different people at 0.16 or less. 0.47 lies about midway between 0.43 and 0.52.
   * Degraded copies of a face (160 px, JPEG quality 30, brightened, mirrored, rotated 10°)
   * keep 0.86 or more of their original for frontal faces; only faces looking steeply down or
   * in profile fall apart (see the README's face section).
   */
  matchThreshold: 0.47,
  /*
   * 0.02, deliberately lax. The liveness model is weakly validated (no spoof photos here), and
   * real faces score low on it: of the 22 sample faces, four score under 0.4 (0.047, 0.24,
   * 0.30, 0.37; the lowest before window blinds). 0.5 would refuse 4 of 22 real people; 0.02
   * refuses none and still catches what the model is sure is a spoof. The score is recorded
   * with every decision, so a stricter value can be set once spoof photos have been measured.
   */
  livenessThreshold: 0.02,
  /*
   * 112 px: the size of the aligned face the embedding model sees, so smaller faces are
   * upscaled and carry less than the model can use. The sample faces measure 207-310 px;
   * a portrait shrunk to 160 px holds a face of 75-99 px, and is refused.
   */
  minFaceSide: 112,
  /*
   * 10. The sample faces measure 43 (downscaled) to 1095; blurring the photos by σ = 5 px brings
   * them to 4-21, by σ = 8 px to 2-7.
   */
  minSharpness: 10,
};
