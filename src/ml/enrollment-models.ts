import type { EnrollmentModels } from '../commands/faces/face-enrollments.js';
import { PhotoRefused } from '../domain/face/face.js';
import { type FaceEngine, FaceRefusal } from './face/face-engine.js';

/** The face engine as enrollment asks for it: its refusals as the domain's PhotoRefused, which the API answers with their codes. */
export const enrollmentModels = (engine: FaceEngine): EnrollmentModels => ({
  enrollmentSample: async (photo) => {
    try {
      return await engine.enrollmentSample(photo);
    } catch (error) {
      if (error instanceof FaceRefusal) throw new PhotoRefused(error.code, error.message);
      throw error;
    }
  },
});
