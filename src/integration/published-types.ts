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
  CheckedIn: 1,
  CheckInAwaitingFace: 1,
  ScanRefused: 1,
  CheckInUndone: 1,
  UnreadableTicketScanned: 1,
  AccountSignedUp: 1,
  EmailVerified: 1,
  RoleGranted: 1,
  RoleRevoked: 1,
  AccountDisabled: 1,
  PersonalDataErased: 1,
} as const satisfies Partial<Record<DomainEventType, number>>;

/** Types kept inside: they carry token hashes or only matter to the account's own sessions. */
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
] as const satisfies readonly DomainEventType[];

export type PublishedType = keyof typeof PUBLISHED_VERSIONS;
