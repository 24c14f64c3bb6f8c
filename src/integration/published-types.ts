import type { DomainEventType } from '../domain/domain-events.js';

/**
 * What leaves the system on Kafka, by type: the schema version published now. Types left out
 * are internal (secrets or session plumbing) and are never published.
 */
export const PUBLISHED_VERSIONS = {
  EventCreated: 1,
  EventDetailsUpdated: 1,
  SessionsScheduled: 1,
  EventPublished: 1,
  CapacityChanged: 1,
  StaffAssigned: 1,
  EventCancelled: 1,
  RegistrationSubmitted: 1,
  RegistrationConfirmed: 1,
  RegistrationWaitlisted: 1,
  RegistrationRejected: 1,
  RegistrationCancelled: 1,
  TicketReissued: 1,
  // Without its note (PRIVATE_FIELDS), as AccountSignedUp without its address and name.
  RegistrationNoteAdded: 1,
  // 2: where and when the scan was made (deviceId, scannedAt, offline), for scanner devices and offline scans.
  CheckedIn: 2,
  // 2: the scan id of the held scan, which the face verdict names. 3: the scanner device.
  CheckInAwaitingFace: 3,
  FaceMatched: 1,
  FaceMismatched: 1,
  FaceUnverifiable: 1,
  // 2: where and when, as CheckedIn's, and whether two offline doors let the ticket in.
  ScanRefused: 2,
  CheckInSuperseded: 1,
  CheckInUndone: 1,
  UnreadableTicketScanned: 2,
  AccountSignedUp: 1,
  // Without its address, name and token (PRIVATE_FIELDS), as AccountSignedUp.
  AccountInvited: 1,
  EmailVerified: 1,
  RoleGranted: 1,
  RoleRevoked: 1,
  AccountDisabled: 1,
  PersonalDataErased: 1,
  // Without its registrations' probabilities (PRIVATE_FIELDS).
  AttendanceForecasted: 1,
} as const satisfies Partial<Record<DomainEventType, number>>;

/**
 * Types kept inside: they carry token hashes or only matter to the account's own sessions; or
 * they are an attendee's face enrollment, which no consumer needs (the door outcomes are
 * published on their check-in streams), so nothing biometric-adjacent leaves at all.
 */
export const INTERNAL_TYPES = [
  'EmailVerificationRequested',
  'LoggedIn',
  'RefreshTokenRotated',
  'RefreshTokenReuseDetected',
  'LoggedOut',
  'PasswordResetRequested',
  'PasswordReset',
  'PasswordRehashed',
  'LogInUnlocked',
  'EmailClaimed',
  'EmailClaimConfirmed',
  'FaceEnrolled',
  'FaceEnrollmentRejected',
  'FaceDataErased',
  // A door tablet's token hash, and its revocation, which only its own token checks need.
  'ScannerDeviceRegistered',
  'ScannerDeviceRevoked',
] as const satisfies readonly DomainEventType[];

export type PublishedType = keyof typeof PUBLISHED_VERSIONS;
