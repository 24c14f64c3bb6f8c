import { type Actor, hasRole } from '../actor.js';
import type { Decider } from '../decider.js';
import { DomainError } from '../domain-error.js';
import {
  ENROLLMENT_REFUSALS,
  type EnrolledSample,
  type EnrollmentRefusal,
  type FaceDataErased,
  type FaceEnrolled,
  type FaceEnrollmentRejected,
  type FaceEvent,
  type FaceState,
  MAX_ENROLLMENT_PHOTOS,
  type ModelVersions,
  evolve,
  initialState,
} from './face.js';

/**
 * The command side judges each photo with the face models before deciding (slow work that has
 * no place in a pure decision) and stores the embeddings sealed; these commands carry only
 * what the log keeps of them.
 */
export type EnrollFace = {
  type: 'EnrollFace';
  data: { accountId: string; by: Actor; samples: EnrolledSample[]; modelVersions: ModelVersions; now: Date };
};
export type RejectEnrollment = {
  type: 'RejectEnrollment';
  data: { accountId: string; by: Actor; photo: number; code: EnrollmentRefusal; now: Date };
};
/** By the attendee, or by an admin on their behalf (an account erasure erases the face too). */
export type EraseFaceData = { type: 'EraseFaceData'; data: { accountId: string; by: Actor; now: Date } };

export type FaceCommand = EnrollFace | RejectEnrollment | EraseFaceData;

/** A face is enrolled by its own person only: nobody may enroll someone else's face for them. */
const ownFace = (accountId: string, by: Actor): void => {
  if (by.accountId !== accountId) throw new DomainError('FORBIDDEN', 'Only attendees can enroll their own face');
};

const score = (value: number, name: string): number => {
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new DomainError('VALIDATION', `${name} must be a number from 0 to 1`);
  return value;
};

export const enrollFace = ({ data }: EnrollFace): [FaceEnrolled] => {
  ownFace(data.accountId, data.by);
  if (data.samples.length < 1 || data.samples.length > MAX_ENROLLMENT_PHOTOS)
    throw new DomainError('VALIDATION', `Enroll 1 to ${MAX_ENROLLMENT_PHOTOS} photos of your face`);
  const samples = data.samples.map(({ reference, quality, liveness }) => ({
    reference,
    quality: score(quality, 'quality'),
    liveness: score(liveness, 'liveness'),
  }));
  return [{ type: 'FaceEnrolled', data: { accountId: data.accountId, samples, modelVersions: { ...data.modelVersions }, enrolledAt: data.now.toISOString() } }];
};

export const rejectEnrollment = ({ data }: RejectEnrollment): [FaceEnrollmentRejected] => {
  ownFace(data.accountId, data.by);
  if (!ENROLLMENT_REFUSALS.includes(data.code)) throw new DomainError('VALIDATION', `code must be one of ${ENROLLMENT_REFUSALS.join(', ')}`);
  if (!Number.isInteger(data.photo) || data.photo < 1 || data.photo > MAX_ENROLLMENT_PHOTOS)
    throw new DomainError('VALIDATION', `photo must be 1 to ${MAX_ENROLLMENT_PHOTOS}`);
  return [{ type: 'FaceEnrollmentRejected', data: { accountId: data.accountId, photo: data.photo, code: data.code, rejectedAt: data.now.toISOString() } }];
};

/** Erasing what is not enrolled records nothing: asking twice is harmless. */
export const eraseFaceData = ({ data }: EraseFaceData, state: FaceState): [] | [FaceDataErased] => {
  if (data.by.accountId !== data.accountId && !hasRole(data.by, 'admin'))
    throw new DomainError('FORBIDDEN', 'Only attendees can erase their own face data');
  if (state.status !== 'enrolled') return [];
  return [{ type: 'FaceDataErased', data: { accountId: data.accountId, erasedBy: data.by.accountId, erasedAt: data.now.toISOString() } }];
};

export const decide = (command: FaceCommand, state: FaceState): FaceEvent[] => {
  switch (command.type) {
    case 'EnrollFace':
      return enrollFace(command);
    case 'RejectEnrollment':
      return rejectEnrollment(command);
    case 'EraseFaceData':
      return eraseFaceData(command, state);
    default: {
      const unknown: never = command;
      throw new DomainError('VALIDATION', `Unknown command ${(unknown as { type: string }).type}`);
    }
  }
};

export const faceDecider: Decider<FaceCommand, FaceState, FaceEvent> = { initialState, evolve, decide };
