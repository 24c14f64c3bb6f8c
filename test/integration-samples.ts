import type { AnyDomainEvent, DomainEventType } from '../src/domain/domain-events.js';

const details = {
  title: 'Meetup',
  description: 'Talks',
  venue: 'Hall',
  timeZone: 'Europe/Warsaw',
  registrationOpensAt: '2026-05-01T00:00:00.000Z',
  registrationClosesAt: '2026-07-01T00:00:00.000Z',
  requiresApproval: false,
  faceVerification: 'off' as const,
};
const session = {
  sessionId: 's-1',
  startsAt: '2026-07-02T16:00:00.000Z',
  endsAt: '2026-07-02T18:00:00.000Z',
  checkInOpensAt: '2026-07-02T15:00:00.000Z',
  checkInClosesAt: '2026-07-02T18:00:00.000Z',
};
const door = { eventId: 'e-1', sessionId: 's-1', staffId: 'staff-1' };
const faceCheck = { ...door, registrationId: 'r-1', attendeeId: 'a-1', scanId: '9f8e7d6c-5b4a-5392-8170-6f5e4d3c2b1a' };
const faceScores = { similarity: 0.71, threshold: 0.5, liveness: 0.93, livenessThreshold: 0.6, modelVersions: { recognition: 'r-1', liveness: 'l-1' } };

/**
 * One event of every type the domain records, typed by the domain itself: a field added,
 * renamed or dropped in the domain breaks this file's compilation or its schema's test.
 */
export const samples: { [T in DomainEventType]: Extract<AnyDomainEvent, { type: T }>['data'] } = {
  EventCreated: { eventId: 'e-1', organizerId: 'org-1', details, capacity: 100 },
  EventDetailsUpdated: { details },
  SessionsScheduled: { sessions: [session] },
  EventPublished: { eventId: 'e-1' },
  CapacityChanged: { capacity: 120 },
  StaffAssigned: { staffId: 'staff-1' },
  EventCancelled: { reason: 'Storm' },
  RegistrationSubmitted: { registrationId: 'r-1', attendeeId: 'a-1' },
  RegistrationConfirmed: { registrationId: 'r-1', attendeeId: 'a-1', via: 'registration' },
  RegistrationWaitlisted: { registrationId: 'r-1', attendeeId: 'a-1' },
  RegistrationRejected: { registrationId: 'r-1', reason: 'Members only' },
  RegistrationCancelled: { registrationId: 'r-1', cancelledBy: 'a-1' },
  TicketReissued: { registrationId: 'r-1', version: 2 },
  CheckedIn: { ...door, registrationId: 'r-1', attendeeId: 'a-1', method: 'scan', reason: null },
  CheckInAwaitingFace: faceCheck,
  FaceMatched: { ...faceCheck, ...faceScores },
  FaceMismatched: { ...faceCheck, ...faceScores, similarity: 0.2, result: 'face_mismatch' },
  FaceUnverifiable: { ...faceCheck, result: 'face_not_enrolled' },
  ScanRefused: { ...door, registrationId: 'r-1', result: 'already_redeemed' },
  CheckInUndone: { ...door, registrationId: 'r-1', reason: 'Wrong person' },
  UnreadableTicketScanned: door,
  AccountSignedUp: {
    accountId: 'a-1',
    email: 'ann@example.org',
    name: 'Ann',
    passwordHash: 'scrypt$…',
    roles: ['attendee'],
    signedUpAt: '2026-05-01T00:00:00.000Z',
  },
  EmailVerificationRequested: { tokenHash: 'h', expiresAt: '2026-05-02T00:00:00.000Z', requestedAt: '2026-05-01T00:00:00.000Z' },
  EmailVerified: { verifiedAt: '2026-05-01T00:00:00.000Z' },
  PersonalDataErased: { erasedBy: 'a-1', erasedAt: '2026-05-01T00:00:00.000Z' },
  LoggedIn: { familyId: 'f', refreshTokenHash: 'h', expiresAt: '2026-06-01T00:00:00.000Z', loggedInAt: '2026-05-01T00:00:00.000Z' },
  RefreshTokenRotated: { familyId: 'f', refreshTokenHash: 'h', expiresAt: '2026-06-01T00:00:00.000Z', rotatedAt: '2026-05-01T00:00:00.000Z' },
  RefreshTokenReuseDetected: { familyId: 'f', detectedAt: '2026-05-01T00:00:00.000Z' },
  LoggedOut: { familyId: 'f', loggedOutAt: '2026-05-01T00:00:00.000Z' },
  PasswordResetRequested: { tokenHash: 'h', expiresAt: '2026-05-01T01:00:00.000Z', requestedAt: '2026-05-01T00:00:00.000Z' },
  PasswordReset: { passwordHash: 'scrypt$…', resetAt: '2026-05-01T00:00:00.000Z' },
  PasswordRehashed: { passwordHash: '$argon2id$…', rehashedAt: '2026-05-01T00:00:00.000Z' },
  LogInUnlocked: { unlockedBy: 'admin-1', unlockedAt: '2026-05-01T00:00:00.000Z' },
  RoleGranted: { role: 'organizer', grantedBy: 'admin-1', grantedAt: '2026-05-01T00:00:00.000Z' },
  RoleRevoked: { role: 'organizer', revokedBy: 'admin-1', revokedAt: '2026-05-01T00:00:00.000Z' },
  AccountDisabled: { disabledBy: 'admin-1', disabledAt: '2026-05-01T00:00:00.000Z' },
  EmailClaimed: { accountId: 'a-1', claimedAt: '2026-05-01T00:00:00.000Z', expiresAt: '2026-05-08T00:00:00.000Z' },
  EmailClaimConfirmed: { accountId: 'a-1', confirmedAt: '2026-05-01T00:00:00.000Z' },
  FaceEnrolled: {
    accountId: 'a-1',
    samples: [{ reference: '0b7f1a52-55a4-4b0c-9a52-7b0c9a5255a4', quality: 0.8, liveness: 0.95 }],
    modelVersions: { detection: 'd-1', recognition: 'r-1', liveness: 'l-1' },
    enrolledAt: '2026-05-01T00:00:00.000Z',
  },
  FaceEnrollmentRejected: { accountId: 'a-1', photo: 1, code: 'NO_FACE', rejectedAt: '2026-05-01T00:00:00.000Z' },
  FaceDataErased: { accountId: 'a-1', erasedBy: 'a-1', erasedAt: '2026-05-01T00:00:00.000Z' },
};
