/**
 * One attendee's face enrollment: the photos they gave of their own face, by reference. The
 * embeddings themselves are biometric data and never enter an event: they are kept sealed
 * under the attendee's personal-data key outside the log (rollcall.face_embeddings), so that
 * erasing the data, or the key, leaves nothing readable behind. What the log keeps is that it
 * happened, under which references, and how good and how live each photo was.
 */

/** Why an enrollment photo was refused: the codes the API answers with (`extensions.code`). */
export const ENROLLMENT_REFUSALS = ['NO_FACE', 'MULTIPLE_FACES', 'FACE_TOO_SMALL', 'LIVENESS_FAILED', 'UNSUPPORTED_IMAGE', 'IMAGE_TOO_LARGE'] as const;
export type EnrollmentRefusal = (typeof ENROLLMENT_REFUSALS)[number];

/**
 * A photo the face models cannot use, with the code the API answers it with: the person at
 * the camera learns what to change (one face, closer, a real image).
 */
export class PhotoRefused extends Error {
  override readonly name = 'PhotoRefused';
  constructor(
    readonly code: EnrollmentRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** An enrollment takes one to three photos: one good photo verifies, more cover angles and light. */
export const MAX_ENROLLMENT_PHOTOS = 3;

/** The versions of the models that judged a face, recorded with what they judged. */
export type ModelVersions = { [model: string]: string };

/** One photo's face as enrolled: where its embedding is kept, and how good (0-1) and how live (0-1) it was. */
export type EnrolledSample = { reference: string; quality: number; liveness: number };

export type FaceEnrolled = {
  type: 'FaceEnrolled';
  data: { accountId: string; samples: EnrolledSample[]; modelVersions: ModelVersions; enrolledAt: string };
};
/** A refused photo is a fact worth keeping too: which one of the enrollment (1-based), and why. */
export type FaceEnrollmentRejected = {
  type: 'FaceEnrollmentRejected';
  data: { accountId: string; photo: number; code: EnrollmentRefusal; rejectedAt: string };
};
/** The embeddings are destroyed with this event; verification answers face_not_enrolled from then on. */
export type FaceDataErased = { type: 'FaceDataErased'; data: { accountId: string; erasedBy: string; erasedAt: string } };

export type FaceEvent = FaceEnrolled | FaceEnrollmentRejected | FaceDataErased;

export type FaceState = { status: 'not_enrolled' } | { status: 'enrolled'; references: string[]; enrolledAt: string };

export const initialState = (): FaceState => ({ status: 'not_enrolled' });

export const evolve = (state: FaceState, event: FaceEvent): FaceState => {
  switch (event.type) {
    // A new enrollment replaces the one before: its embeddings are what verification compares with.
    case 'FaceEnrolled':
      return { status: 'enrolled', references: event.data.samples.map((sample) => sample.reference), enrolledAt: event.data.enrolledAt };
    case 'FaceEnrollmentRejected':
      return state;
    case 'FaceDataErased':
      return { status: 'not_enrolled' };
    default: {
      // A type this code does not know (written by a newer version) changes nothing here.
      const _unknown: never = event;
      return state;
    }
  }
};
