import { describe, it } from 'vitest';
import { deciderSpec } from '../../../test/decider-spec.js';
import type { Actor } from '../actor.js';
import { type FaceCommand, faceDecider } from './business-logic.js';
import type { FaceEvent } from './face.js';

const spec = deciderSpec(faceDecider);
const ann: Actor = { accountId: 'ann', roles: ['attendee'] };
const bob: Actor = { accountId: 'bob', roles: ['attendee'] };
const admin: Actor = { accountId: 'root', roles: ['admin'] };
const now = new Date('2026-07-01T10:00:00.000Z');
const sample = (reference: string) => ({ reference, quality: 0.8, liveness: 0.95 });
const modelVersions = { detection: 'd1', recognition: 'r1', liveness: 'l1' };

const enroll = (samples = [sample('ref-1')], by = ann): FaceCommand => ({ type: 'EnrollFace', data: { accountId: 'ann', by, samples, modelVersions, now } });
const reject = (code: string, photo = 1, by = ann): FaceCommand =>
  ({ type: 'RejectEnrollment', data: { accountId: 'ann', by, photo, code, now } }) as FaceCommand;
const erase = (by = ann): FaceCommand => ({ type: 'EraseFaceData', data: { accountId: 'ann', by, now } });

const enrolled = (...references: string[]): FaceEvent => ({
  type: 'FaceEnrolled',
  data: { accountId: 'ann', samples: references.map(sample), modelVersions, enrolledAt: now.toISOString() },
});
const erased: FaceEvent = { type: 'FaceDataErased', data: { accountId: 'ann', erasedBy: 'ann', erasedAt: now.toISOString() } };

describe('When not enrolled', () => {
  it('enrolls one to three photos of the attendee, by reference and scores only', () => {
    spec([]).when(enroll()).then([enrolled('ref-1')]);
    spec([]).when(enroll([sample('a'), sample('b'), sample('c')])).then([enrolled('a', 'b', 'c')]);
  });
  it('refuses no photo, or more than three', () => {
    spec([]).when(enroll([])).thenRefuses('VALIDATION', /1 to 3/);
    spec([]).when(enroll(['a', 'b', 'c', 'd'].map(sample))).thenRefuses('VALIDATION');
  });
  it('refuses scores outside 0-1 (a model gone wrong)', () =>
    spec([]).when(enroll([{ reference: 'a', quality: Number.NaN, liveness: 0.9 }])).thenRefuses('VALIDATION', /quality/));
  it("refuses to enroll someone else's face, even for an admin", () => {
    spec([]).when(enroll(undefined, bob)).thenRefuses('FORBIDDEN');
    spec([]).when(enroll(undefined, admin)).thenRefuses('FORBIDDEN');
  });
  it('records a refused photo with its code', () =>
    spec([]).when(reject('MULTIPLE_FACES', 2)).then([{ type: 'FaceEnrollmentRejected', data: { accountId: 'ann', photo: 2, code: 'MULTIPLE_FACES', rejectedAt: now.toISOString() } }]));
  it('refuses a refusal code the API does not know', () => spec([]).when(reject('BLURRY')).thenRefuses('VALIDATION'));
  it('records nothing when asked to erase: there is nothing to erase', () => spec([]).when(erase()).then([]));
});

describe('When enrolled', () => {
  it('replaces the enrollment with a new one', () => spec([enrolled('ref-1')]).when(enroll([sample('ref-2')])).then([enrolled('ref-2')]));
  it('erases the face data at the attendee’s request, or an admin’s', () => {
    spec([enrolled('ref-1')]).when(erase()).then([erased]);
    spec([enrolled('ref-1')]).when(erase(admin)).then([{ type: 'FaceDataErased', data: { ...erased.data, erasedBy: 'root' } } as FaceEvent]);
  });
  it("refuses another attendee's erasure", () => spec([enrolled('ref-1')]).when(erase(bob)).thenRefuses('FORBIDDEN'));
});

describe('When erased', () => {
  it('has nothing left to erase, and enrolls again', () => {
    spec([enrolled('ref-1'), erased]).when(erase()).then([]);
    spec([enrolled('ref-1'), erased]).when(enroll([sample('ref-3')])).then([enrolled('ref-3')]);
  });
});
