// Generated from schema.graphql by `npm run codegen` (src/read-api/codegen.ts): do not edit.
import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { EventView as EventViewModel } from '../../projections/attendance/event-queries.js';
import type { RegistrationView as RegistrationViewModel } from '../../projections/attendance/registration-queries.js';
import type { TicketView as TicketViewModel } from '../read-models.js';
import type { CheckInEntry as CheckInEntryModel } from '../../projections/attendance/check-in-queries.js';
import type { ConsumerLag as ConsumerLagModel } from '../../integration/consumer-lag.js';
import type { MercuriusContext } from 'mercurius';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  DateTime: { input: string; output: string; }
  JSON: { input: unknown; output: unknown; }
};

export type Account = {
  __typename?: 'Account';
  /** Null only where the log holds a value the read model could not store. */
  email?: Maybe<Scalars['String']['output']>;
  emailVerified: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  name?: Maybe<Scalars['String']['output']>;
  roles: Array<AccountRole>;
};

export type AccountResult = {
  __typename?: 'AccountResult';
  account: Account;
  position: Scalars['String']['output'];
};

export type AccountRole =
  | 'admin'
  | 'attendee'
  | 'organizer'
  | 'staff';

export type AggregateState = {
  __typename?: 'AggregateState';
  position?: Maybe<Scalars['String']['output']>;
  /** The last revision folded in (null: none). */
  revision?: Maybe<Scalars['String']['output']>;
  /** What the domain's own evolve folds the stream to; password and token hashes redacted. */
  state: Scalars['JSON']['output'];
  streamId: Scalars['String']['output'];
};

export type AttendanceCounts = {
  __typename?: 'AttendanceCounts';
  confirmed: Scalars['Int']['output'];
  eventId: Scalars['ID']['output'];
  pending: Scalars['Int']['output'];
  /** The read side's position these counts hold at; a query with this atPosition sees them or later ones. */
  position: Scalars['String']['output'];
  sessions: Array<SessionCheckedIn>;
  waitlisted: Scalars['Int']['output'];
};

export type AttendanceForecast = {
  __typename?: 'AttendanceForecast';
  /** When the forecast was made (hourly, and when the event changes); null: not yet. */
  computedAt?: Maybe<Scalars['String']['output']>;
  eventId: Scalars['ID']['output'];
  /** The model that made it; null when there was none yet and everyone got the past show-up rate. */
  modelVersion?: Maybe<Scalars['Int']['output']>;
  /** The sessions that had not ended when the forecast was made. */
  sessions: Array<SessionForecast>;
};

export type AuditConnection = {
  __typename?: 'AuditConnection';
  nodes: Array<AuditEntry>;
  pageInfo: PageInfo;
};

/** An event of the log; an envelope field is null where it holds a value the read model cannot store. */
export type AuditEntry = {
  __typename?: 'AuditEntry';
  actorId?: Maybe<Scalars['ID']['output']>;
  commandId?: Maybe<Scalars['ID']['output']>;
  correlationId?: Maybe<Scalars['ID']['output']>;
  eventId: Scalars['ID']['output'];
  occurredAt?: Maybe<Scalars['String']['output']>;
  position: Scalars['String']['output'];
  streamId: Scalars['String']['output'];
  type: Scalars['String']['output'];
};

export type AuthSession = {
  __typename?: 'AuthSession';
  /** Send as 'Authorization: Bearer <accessToken>'. */
  accessToken: Scalars['String']['output'];
  account: Account;
  /** When the access token expires (ISO-8601), 15 minutes after it was issued. */
  expiresAt: Scalars['String']['output'];
  position: Scalars['String']['output'];
  /** Shown once; use it with refreshToken before it expires. */
  refreshToken: Scalars['String']['output'];
  refreshTokenExpiresAt: Scalars['String']['output'];
};

export type CheckInConnection = {
  __typename?: 'CheckInConnection';
  nodes: Array<CheckInEntry>;
  pageInfo: PageInfo;
};

/** A door action; what its event names is null where the log holds a value the read model cannot store. */
export type CheckInEntry = {
  __typename?: 'CheckInEntry';
  at: Scalars['String']['output'];
  attendeeId?: Maybe<Scalars['ID']['output']>;
  eventId: Scalars['ID']['output'];
  /** scan, manual or undo */
  kind?: Maybe<Scalars['String']['output']>;
  /** Position in the check-in log: increasing, so a dashboard can order and de-duplicate. */
  position: Scalars['String']['output'];
  reason?: Maybe<Scalars['String']['output']>;
  registrationId?: Maybe<Scalars['ID']['output']>;
  result?: Maybe<Scalars['String']['output']>;
  sessionId?: Maybe<Scalars['ID']['output']>;
  staffId?: Maybe<Scalars['ID']['output']>;
};

export type CheckInResult = {
  __typename?: 'CheckInResult';
  attendeeId?: Maybe<Scalars['ID']['output']>;
  position?: Maybe<Scalars['String']['output']>;
  registrationId?: Maybe<Scalars['ID']['output']>;
  result: ScanResult;
};

export type CommandReceipt = {
  __typename?: 'CommandReceipt';
  position: Scalars['String']['output'];
};

export type ConsumerLag = {
  __typename?: 'ConsumerLag';
  consumer: Scalars['String']['output'];
  /** Events (store) or messages (Kafka) not yet handled, as last reported. */
  lag: Scalars['Int']['output'];
  /** store (embedded default) or kafka */
  mode: Scalars['String']['output'];
  reportedAt: Scalars['String']['output'];
};

export type DeadLetter = {
  __typename?: 'DeadLetter';
  attempts: Scalars['Int']['output'];
  consumer: Scalars['String']['output'];
  error: Scalars['String']['output'];
  event: Scalars['JSON']['output'];
  eventId: Scalars['ID']['output'];
  failedAt: Scalars['String']['output'];
  type: Scalars['String']['output'];
};

export type DeadLetterReplay = {
  __typename?: 'DeadLetterReplay';
  /** Dead letters the reactor handled this time; they left the list. */
  replayed: Scalars['Int']['output'];
  /** Dead letters it failed on again, after its retries; they stay, with the new error. */
  stillFailing: Scalars['Int']['output'];
};

export type ErasureResult = {
  __typename?: 'ErasureResult';
  accountId: Scalars['ID']['output'];
  erasedAt: Scalars['String']['output'];
  position: Scalars['String']['output'];
};

export type EventChangesInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  faceVerification?: InputMaybe<FaceVerification>;
  registrationClosesAt?: InputMaybe<Scalars['DateTime']['input']>;
  registrationOpensAt?: InputMaybe<Scalars['DateTime']['input']>;
  requiresApproval?: InputMaybe<Scalars['Boolean']['input']>;
  timeZone?: InputMaybe<Scalars['String']['input']>;
  title?: InputMaybe<Scalars['String']['input']>;
  venue?: InputMaybe<Scalars['String']['input']>;
};

export type EventConnection = {
  __typename?: 'EventConnection';
  nodes: Array<EventDetails>;
  pageInfo: PageInfo;
};

export type EventCounts = {
  __typename?: 'EventCounts';
  confirmed: Scalars['Int']['output'];
  pending: Scalars['Int']['output'];
  waitlisted: Scalars['Int']['output'];
};

/** An event; what its own events set is null where the log holds a value the read model cannot store. */
export type EventDetails = {
  __typename?: 'EventDetails';
  capacity?: Maybe<Scalars['Int']['output']>;
  counts: EventCounts;
  description?: Maybe<Scalars['String']['output']>;
  eventId: Scalars['ID']['output'];
  faceVerification?: Maybe<FaceVerification>;
  organizerId?: Maybe<Scalars['ID']['output']>;
  registrationClosesAt?: Maybe<Scalars['String']['output']>;
  registrationOpensAt?: Maybe<Scalars['String']['output']>;
  requiresApproval?: Maybe<Scalars['Boolean']['output']>;
  sessions: Array<EventSession>;
  status: EventStatus;
  timeZone?: Maybe<Scalars['String']['output']>;
  title?: Maybe<Scalars['String']['output']>;
  venue?: Maybe<Scalars['String']['output']>;
};

export type EventDetailsInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  faceVerification?: InputMaybe<FaceVerification>;
  registrationClosesAt: Scalars['DateTime']['input'];
  registrationOpensAt: Scalars['DateTime']['input'];
  requiresApproval?: InputMaybe<Scalars['Boolean']['input']>;
  /** IANA time zone, e.g. Europe/Warsaw; recurring sessions keep their local time in it. */
  timeZone: Scalars['String']['input'];
  title: Scalars['String']['input'];
  venue: Scalars['String']['input'];
};

/** An event right after a command; position is the global position of the command's last event (null if it changed nothing). */
export type EventResult = {
  __typename?: 'EventResult';
  capacity: Scalars['Int']['output'];
  confirmed: Scalars['Int']['output'];
  eventId: Scalars['ID']['output'];
  position?: Maybe<Scalars['String']['output']>;
  sessions: Array<Session>;
  status: EventStatus;
  waitlisted: Scalars['Int']['output'];
};

/** A session; a time is null where the log holds one the read model cannot store. */
export type EventSession = {
  __typename?: 'EventSession';
  checkInClosesAt?: Maybe<Scalars['String']['output']>;
  checkInOpensAt?: Maybe<Scalars['String']['output']>;
  checkedIn: Scalars['Int']['output'];
  endsAt?: Maybe<Scalars['String']['output']>;
  sessionId: Scalars['ID']['output'];
  startsAt?: Maybe<Scalars['String']['output']>;
};

export type EventStatus =
  | 'cancelled'
  | 'draft'
  | 'published';

export type EventStoreKind =
  | 'eventstoredb'
  | 'memory'
  | 'postgres';

export type FaceVerification =
  | 'off'
  | 'optional'
  | 'required';

export type FailedJob = {
  __typename?: 'FailedJob';
  /** The job's input; one-time tokens and mail bodies redacted. */
  data?: Maybe<Scalars['JSON']['output']>;
  /** What the last attempt threw. */
  error?: Maybe<Scalars['JSON']['output']>;
  failedAt?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  queue: Scalars['String']['output'];
  retryCount: Scalars['Int']['output'];
  /** failed, or retry once an admin has asked for one more attempt */
  state: Scalars['String']['output'];
};

/** A log-in that failed or was refused, kept 30 days; the password tried is never kept. */
export type FailedLogin = {
  __typename?: 'FailedLogin';
  /** The account its email address belongs to; null for an address without one. */
  accountId?: Maybe<Scalars['ID']['output']>;
  /** The same for every log-in with one email address, account or not; the address cannot be read back from it. */
  addressKey: Scalars['String']['output'];
  at: Scalars['String']['output'];
  /** The client's address as the API saw it. */
  ip: Scalars['String']['output'];
  reason: FailedLoginReason;
};

export type FailedLoginConnection = {
  __typename?: 'FailedLoginConnection';
  nodes: Array<FailedLogin>;
  pageInfo: PageInfo;
};

/** A guess (wrong_password, unknown_account), or a log-in refused unchecked: its address was locked out (locked), or its network failed too often (ip_limited). */
export type FailedLoginReason =
  | 'ip_limited'
  | 'locked'
  | 'unknown_account'
  | 'wrong_password';

export type Health = {
  __typename?: 'Health';
  database: ServiceState;
  eventStore: EventStoreKind;
  status: HealthStatus;
};

export type HealthStatus =
  | 'degraded'
  | 'ok';

export type JobQueue = {
  __typename?: 'JobQueue';
  active: Scalars['Int']['output'];
  /** Where jobs of this queue go once their retries are spent. */
  deadLetter?: Maybe<Scalars['String']['output']>;
  /** Failed for good, retries spent; a copy waits in the dead letter queue. */
  failed: Scalars['Int']['output'];
  name: Scalars['String']['output'];
  /** Waiting to run: new, or failed and waiting for a retry. */
  queued: Scalars['Int']['output'];
};

export type LoginLockout = {
  __typename?: 'LoginLockout';
  /** Failed log-ins with the account's address since its last good one (forgotten after 12 quiet hours). */
  failures: Scalars['Int']['output'];
  /** Until when log-ins with the address are refused without a password check (ISO-8601); null when they are not. */
  lockedUntil?: Maybe<Scalars['String']['output']>;
};

export type Mutation = {
  __typename?: 'Mutation';
  approveRegistration: RegistrationResult;
  assignStaff: EventResult;
  cancelEvent: EventResult;
  cancelRegistration: RegistrationResult;
  changeCapacity: EventResult;
  /** Scan a ticket's QR code at a session's door. Limited per device (the log-in's session) and per staff member: RATE_LIMITED, with extensions.retryAfterSeconds. */
  checkIn: CheckInResult;
  /** commandId makes a command safe to resend: the same id takes effect once and answers the same. */
  createEvent: EventResult;
  /** Admins only, and not their own: ends every session of the account within seconds, and it can no longer log in. */
  disableAccount: AccountResult;
  /** Admins only: erases another account's personal data, as eraseMyAccount does (a person's request made through the organizer). */
  eraseAccount: ErasureResult;
  /** Erases your email and name for good: their key is destroyed, so the log keeps only ciphertext nobody can read. Ends every session and frees the address; your registrations stay, without your name. Confirm with your password. */
  eraseMyAccount: ErasureResult;
  /** Admins only. */
  grantRole: AccountResult;
  /** After 5 failures with one address, its log-ins are refused (RATE_LIMITED, with extensions.retryAfterSeconds) for a minute, longer as failures go on (at most 15 minutes), without the password being checked; so are a network's after 100 failures in an hour. */
  logIn: AuthSession;
  /** Ends the log-in the refresh token belongs to. */
  logOut: CommandReceipt;
  manualCheckIn: CheckInResult;
  publishEvent: EventResult;
  /** Admins only: rebuild a projection from the first event, in the background (pg-boss); the live tables keep serving until the swap. */
  rebuildProjection: RebuildJob;
  /** Exchanges a refresh token for a new pair; the old refresh token stops working. */
  refreshToken: AuthSession;
  register: RegistrationResult;
  reissueTicket: RegistrationResult;
  rejectRegistration: RegistrationResult;
  /** Admins only: hands a reactor's dead letters (or the one of eventId) to it again; VALIDATION for a consumer no reactor has. */
  replayDeadLetters: DeadLetterReplay;
  /** Mails a reset token if the address has an account; always true, so it reveals nothing. Limited per network and per address, whether or not it has an account: RATE_LIMITED, with extensions.retryAfterSeconds. */
  requestPasswordReset: Scalars['Boolean']['output'];
  /** Mails a new verification token (the one before stops working) if the address's account has not verified it; always true, so it reveals nothing. Limited per network and per address, whether or not it has an account: RATE_LIMITED, with extensions.retryAfterSeconds. */
  resendVerification: Scalars['Boolean']['output'];
  /** Sets a new password with the token from the reset mail and ends every log-in. */
  resetPassword: CommandReceipt;
  /** Admins only: puts a failed job back in its queue for one more attempt (and clears its dead letter copy); given a dead letter, queues its data again in the queue it came from and returns that new job. */
  retryJob: FailedJob;
  /** Admins only. */
  revokeRole: AccountResult;
  scheduleSessions: EventResult;
  /** Creates an attendee account and mails a verification token. Passwords are 10-200 characters, and neither the email address (nor its part before the @), the name, nor one of the 10,000 most common passwords. An address that has an account already is answered the same way, and its owner is mailed instead, so the answer tells nobody which addresses have accounts. Limited per network: RATE_LIMITED, with extensions.retryAfterSeconds. */
  signUp: SignUpResult;
  undoCheckIn: CheckInResult;
  /** Admins only: lets log-ins with the account's address be checked again at once, lifting the lockout failed log-ins put on it (see loginLockout). */
  unlockLogIn: AccountResult;
  updateEvent: EventResult;
  /** Confirms the email address with the token from the verification mail. */
  verifyEmail: AccountResult;
};


export type MutationApproveRegistrationArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  eventId: Scalars['ID']['input'];
  registrationId: Scalars['ID']['input'];
};


export type MutationAssignStaffArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  eventId: Scalars['ID']['input'];
  staffId: Scalars['ID']['input'];
};


export type MutationCancelEventArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  eventId: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


export type MutationCancelRegistrationArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  eventId: Scalars['ID']['input'];
  registrationId: Scalars['ID']['input'];
};


export type MutationChangeCapacityArgs = {
  capacity: Scalars['Int']['input'];
  commandId?: InputMaybe<Scalars['ID']['input']>;
  eventId: Scalars['ID']['input'];
};


export type MutationCheckInArgs = {
  code: Scalars['String']['input'];
  commandId?: InputMaybe<Scalars['ID']['input']>;
  eventId: Scalars['ID']['input'];
  sessionId: Scalars['ID']['input'];
};


export type MutationCreateEventArgs = {
  capacity: Scalars['Int']['input'];
  commandId?: InputMaybe<Scalars['ID']['input']>;
  details: EventDetailsInput;
};


export type MutationDisableAccountArgs = {
  accountId: Scalars['ID']['input'];
  commandId?: InputMaybe<Scalars['ID']['input']>;
};


export type MutationEraseAccountArgs = {
  accountId: Scalars['ID']['input'];
  commandId?: InputMaybe<Scalars['ID']['input']>;
};


export type MutationEraseMyAccountArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  password: Scalars['String']['input'];
};


export type MutationGrantRoleArgs = {
  accountId: Scalars['ID']['input'];
  commandId?: InputMaybe<Scalars['ID']['input']>;
  role: AccountRole;
};


export type MutationLogInArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
};


export type MutationLogOutArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  refreshToken: Scalars['String']['input'];
};


export type MutationManualCheckInArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  eventId: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
  registrationId: Scalars['ID']['input'];
  sessionId: Scalars['ID']['input'];
};


export type MutationPublishEventArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  eventId: Scalars['ID']['input'];
};


export type MutationRebuildProjectionArgs = {
  name: Scalars['String']['input'];
};


export type MutationRefreshTokenArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  refreshToken: Scalars['String']['input'];
};


export type MutationRegisterArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  eventId: Scalars['ID']['input'];
};


export type MutationReissueTicketArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  eventId: Scalars['ID']['input'];
  registrationId: Scalars['ID']['input'];
};


export type MutationRejectRegistrationArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  eventId: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
  registrationId: Scalars['ID']['input'];
};


export type MutationReplayDeadLettersArgs = {
  consumer: Scalars['String']['input'];
  eventId?: InputMaybe<Scalars['ID']['input']>;
};


export type MutationRequestPasswordResetArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  email: Scalars['String']['input'];
};


export type MutationResendVerificationArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  email: Scalars['String']['input'];
};


export type MutationResetPasswordArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  newPassword: Scalars['String']['input'];
  token: Scalars['String']['input'];
};


export type MutationRetryJobArgs = {
  id: Scalars['ID']['input'];
  queue: Scalars['String']['input'];
};


export type MutationRevokeRoleArgs = {
  accountId: Scalars['ID']['input'];
  commandId?: InputMaybe<Scalars['ID']['input']>;
  role: AccountRole;
};


export type MutationScheduleSessionsArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  eventId: Scalars['ID']['input'];
  plan: SessionPlanInput;
};


export type MutationSignUpArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  email: Scalars['String']['input'];
  name: Scalars['String']['input'];
  password: Scalars['String']['input'];
};


export type MutationUndoCheckInArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  eventId: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
  registrationId: Scalars['ID']['input'];
  sessionId: Scalars['ID']['input'];
};


export type MutationUnlockLogInArgs = {
  accountId: Scalars['ID']['input'];
  commandId?: InputMaybe<Scalars['ID']['input']>;
};


export type MutationUpdateEventArgs = {
  changes: EventChangesInput;
  commandId?: InputMaybe<Scalars['ID']['input']>;
  eventId: Scalars['ID']['input'];
};


export type MutationVerifyEmailArgs = {
  commandId?: InputMaybe<Scalars['ID']['input']>;
  token: Scalars['String']['input'];
};

export type PageInfo = {
  __typename?: 'PageInfo';
  /** Pass as `after` for the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type ProjectionStatus = {
  __typename?: 'ProjectionStatus';
  /** The event, the error and the lag, when it failed. */
  failure?: Maybe<Scalars['JSON']['output']>;
  name: Scalars['String']['output'];
  position?: Maybe<Scalars['String']['output']>;
  /** Events operators told it to skip (rollcall admin projections quarantine), in the order decided. */
  quarantined: Array<QuarantinedEvent>;
  /** running, stopped or failed */
  status: Scalars['String']['output'];
  updatedAt: Scalars['String']['output'];
};

export type QuarantinedEvent = {
  __typename?: 'QuarantinedEvent';
  at: Scalars['String']['output'];
  /** Who decided, as the operator gave it. */
  by: Scalars['String']['output'];
  eventId: Scalars['ID']['output'];
  reason: Scalars['String']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** Admins only: the stream's state at a revision (a number) or a time (ISO-8601), or now. */
  aggregateAt: AggregateState;
  /** Who will show up at an event's upcoming sessions, per attendee: for its organizer and admins. */
  attendanceForecast?: Maybe<AttendanceForecast>;
  /** Admins only: who did what, when. */
  auditLog: AuditConnection;
  checkIns: CheckInConnection;
  /** Admins only: how far behind each reactor is. */
  consumers: Array<ConsumerLag>;
  /** Admins only: events reactors kept failing on (replayDeadLetters hands them over again). */
  deadLetters: Array<DeadLetter>;
  event?: Maybe<EventDetails>;
  events: EventConnection;
  /** Admins only: a queue's jobs that failed for good, most recent first; for a dead letter queue (<queue>-dead), the copies it keeps of them. */
  failedJobs: Array<FailedJob>;
  /** Admins only: failed and refused log-ins, newest first; with accountId, those with that account's address. */
  failedLogins: FailedLoginConnection;
  /** Whether the API can reach its database, and which event store it writes to. */
  health: Health;
  /** Admins only: every background job queue (pg-boss) and its counts. */
  jobQueues: Array<JobQueue>;
  /** Admins only: where the account's address stands with the log-in lockout (unlockLogIn lifts it). */
  loginLockout: LoginLockout;
  me?: Maybe<Account>;
  myRegistrations: RegistrationConnection;
  /** Admins only: each projection's checkpoint and health. */
  projections: Array<ProjectionStatus>;
  /** Admins only: a rebuild job and how it went. */
  rebuildJob?: Maybe<RebuildJob>;
  registrations: RegistrationConnection;
  sessionAttendance: SessionAttendance;
  /** Admins only: every event of a stream with its metadata, replayed from the event store. */
  streamHistory: Array<StreamEvent>;
  /** A ticket, for its holder (with its code) and the event's organizer, staff and admins (without). */
  ticket?: Maybe<TicketView>;
};


export type QueryAggregateAtArgs = {
  at?: InputMaybe<Scalars['String']['input']>;
  streamId: Scalars['String']['input'];
};


export type QueryAttendanceForecastArgs = {
  eventId: Scalars['ID']['input'];
};


export type QueryAuditLogArgs = {
  actorId?: InputMaybe<Scalars['ID']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  atPosition?: InputMaybe<Scalars['String']['input']>;
  correlationId?: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  from?: InputMaybe<Scalars['String']['input']>;
  to?: InputMaybe<Scalars['String']['input']>;
};


export type QueryCheckInsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  atPosition?: InputMaybe<Scalars['String']['input']>;
  eventId: Scalars['ID']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  sessionId: Scalars['ID']['input'];
};


export type QueryDeadLettersArgs = {
  consumer?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryEventArgs = {
  atPosition?: InputMaybe<Scalars['String']['input']>;
  eventId: Scalars['ID']['input'];
};


export type QueryEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  atPosition?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryFailedJobsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  queue: Scalars['String']['input'];
};


export type QueryFailedLoginsArgs = {
  accountId?: InputMaybe<Scalars['ID']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryLoginLockoutArgs = {
  accountId: Scalars['ID']['input'];
};


export type QueryMeArgs = {
  atPosition?: InputMaybe<Scalars['String']['input']>;
};


export type QueryMyRegistrationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  atPosition?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryRebuildJobArgs = {
  id: Scalars['ID']['input'];
};


export type QueryRegistrationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  atPosition?: InputMaybe<Scalars['String']['input']>;
  eventId: Scalars['ID']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<RegistrationStatus>;
};


export type QuerySessionAttendanceArgs = {
  atPosition?: InputMaybe<Scalars['String']['input']>;
  eventId: Scalars['ID']['input'];
  sessionId: Scalars['ID']['input'];
};


export type QueryStreamHistoryArgs = {
  streamId: Scalars['String']['input'];
};


export type QueryTicketArgs = {
  atPosition?: InputMaybe<Scalars['String']['input']>;
  ticketId: Scalars['ID']['input'];
};

export type RebuildJob = {
  __typename?: 'RebuildJob';
  completedOn?: Maybe<Scalars['String']['output']>;
  createdOn: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** The rebuilt position and event count, or the error. */
  output?: Maybe<Scalars['JSON']['output']>;
  projection: Scalars['String']['output'];
  /** created, retry, active, completed, cancelled or failed */
  state: Scalars['String']['output'];
};

export type RegistrationConnection = {
  __typename?: 'RegistrationConnection';
  nodes: Array<RegistrationEntry>;
  pageInfo: PageInfo;
};

export type RegistrationEntry = {
  __typename?: 'RegistrationEntry';
  attendeeEmail?: Maybe<Scalars['String']['output']>;
  /** Null where the log holds an attendee id the read model cannot store. */
  attendeeId?: Maybe<Scalars['ID']['output']>;
  attendeeName?: Maybe<Scalars['String']['output']>;
  eventId: Scalars['ID']['output'];
  registeredAt: Scalars['String']['output'];
  registrationId: Scalars['ID']['output'];
  status: RegistrationStatus;
  ticketVersion: Scalars['Int']['output'];
};

export type RegistrationForecast = {
  __typename?: 'RegistrationForecast';
  attendeeId: Scalars['ID']['output'];
  /** The chance this attendee shows up, from 0 to 1. */
  probability: Scalars['Float']['output'];
  registrationId: Scalars['ID']['output'];
};

export type RegistrationResult = {
  __typename?: 'RegistrationResult';
  eventId: Scalars['ID']['output'];
  position?: Maybe<Scalars['String']['output']>;
  registrationId: Scalars['ID']['output'];
  status: RegistrationStatus;
  /** Present while the registration is confirmed, and only to its attendee: the code is their credential. */
  ticket?: Maybe<Ticket>;
};

export type RegistrationStatus =
  | 'cancelled'
  | 'confirmed'
  | 'pending'
  | 'rejected'
  | 'waitlisted';

export type RepeatEvery =
  | 'day'
  | 'week';

export type RepeatInput = {
  /** How many sessions in all, the first included. */
  count: Scalars['Int']['input'];
  every: RepeatEvery;
};

export type ScanResult =
  | 'already_redeemed'
  | 'face_pending'
  | 'invalid'
  | 'not_confirmed'
  | 'ok'
  | 'outside_window'
  | 'revoked'
  | 'wrong_event';

export type ServiceState =
  | 'down'
  | 'up';

export type Session = {
  __typename?: 'Session';
  checkInClosesAt: Scalars['String']['output'];
  checkInOpensAt: Scalars['String']['output'];
  endsAt: Scalars['String']['output'];
  sessionId: Scalars['ID']['output'];
  startsAt: Scalars['String']['output'];
};

export type SessionAttendance = {
  __typename?: 'SessionAttendance';
  checkedIn: Scalars['Int']['output'];
  confirmed: Scalars['Int']['output'];
  sessionId: Scalars['ID']['output'];
};

export type SessionCheckedIn = {
  __typename?: 'SessionCheckedIn';
  checkedIn: Scalars['Int']['output'];
  sessionId: Scalars['ID']['output'];
};

export type SessionForecast = {
  __typename?: 'SessionForecast';
  /** Confirmed registrations when the forecast was made. */
  confirmed: Scalars['Int']['output'];
  /** The sum of the registrations' probabilities. */
  expectedAttendance: Scalars['Float']['output'];
  /** Its high end, at most confirmed. */
  high: Scalars['Int']['output'];
  /** The low end of a 90% interval of the head count (normal approximation to independent show-ups). */
  low: Scalars['Int']['output'];
  registrations: Array<RegistrationForecast>;
  sessionId: Scalars['ID']['output'];
  startsAt: Scalars['String']['output'];
};

export type SessionPlanInput = {
  /** Check-in stays open this many minutes after the end (default 0). */
  checkInClosesMinutesAfter?: InputMaybe<Scalars['Int']['input']>;
  /** Check-in opens this many minutes before the start (default 60). */
  checkInOpensMinutesBefore?: InputMaybe<Scalars['Int']['input']>;
  endsAt: Scalars['DateTime']['input'];
  repeat?: InputMaybe<RepeatInput>;
  startsAt: Scalars['DateTime']['input'];
};

export type SignUpResult = {
  __typename?: 'SignUpResult';
  accountId: Scalars['ID']['output'];
  /** Global position of the command's last event. */
  position: Scalars['String']['output'];
};

export type StreamEvent = {
  __typename?: 'StreamEvent';
  data: Scalars['JSON']['output'];
  eventId: Scalars['ID']['output'];
  metadata: Scalars['JSON']['output'];
  position: Scalars['String']['output'];
  recordedAt: Scalars['String']['output'];
  revision: Scalars['String']['output'];
  type: Scalars['String']['output'];
};

export type Subscription = {
  __typename?: 'Subscription';
  /** The event's counts, after its registrations or check-ins changed them. */
  attendanceChanged: AttendanceCounts;
  /** Each new row of the event's check-in log, refused scans and undos included. */
  checkInRecorded: CheckInEntry;
};


export type SubscriptionAttendanceChangedArgs = {
  eventId: Scalars['ID']['input'];
};


export type SubscriptionCheckInRecordedArgs = {
  eventId: Scalars['ID']['input'];
};

export type Ticket = {
  __typename?: 'Ticket';
  /** The signed code the QR carries (a JWT). */
  code: Scalars['String']['output'];
  qrPngUrl: Scalars['String']['output'];
  qrSvgUrl: Scalars['String']['output'];
  ticketId: Scalars['ID']['output'];
  version: Scalars['Int']['output'];
};

export type TicketView = {
  __typename?: 'TicketView';
  /** Null where the log holds an attendee id the read model cannot store. */
  attendeeId?: Maybe<Scalars['ID']['output']>;
  /** The signed code for the QR; only its holder sees it, and only while the registration is confirmed. */
  code?: Maybe<Scalars['String']['output']>;
  eventId: Scalars['ID']['output'];
  qrPngUrl: Scalars['String']['output'];
  qrSvgUrl: Scalars['String']['output'];
  registrationId: Scalars['ID']['output'];
  status: RegistrationStatus;
  ticketId: Scalars['ID']['output'];
  version: Scalars['Int']['output'];
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Account: ResolverTypeWrapper<Partial<Account>>;
  AccountResult: ResolverTypeWrapper<Partial<AccountResult>>;
  AccountRole: ResolverTypeWrapper<Partial<AccountRole>>;
  AggregateState: ResolverTypeWrapper<Partial<AggregateState>>;
  AttendanceCounts: ResolverTypeWrapper<Partial<AttendanceCounts>>;
  AttendanceForecast: ResolverTypeWrapper<Partial<AttendanceForecast>>;
  AuditConnection: ResolverTypeWrapper<Partial<AuditConnection>>;
  AuditEntry: ResolverTypeWrapper<Partial<AuditEntry>>;
  AuthSession: ResolverTypeWrapper<Partial<AuthSession>>;
  Boolean: ResolverTypeWrapper<Partial<Scalars['Boolean']['output']>>;
  CheckInConnection: ResolverTypeWrapper<Partial<Omit<CheckInConnection, 'nodes'> & { nodes: Array<ResolversTypes['CheckInEntry']> }>>;
  CheckInEntry: ResolverTypeWrapper<CheckInEntryModel>;
  CheckInResult: ResolverTypeWrapper<Partial<CheckInResult>>;
  CommandReceipt: ResolverTypeWrapper<Partial<CommandReceipt>>;
  ConsumerLag: ResolverTypeWrapper<ConsumerLagModel>;
  DateTime: ResolverTypeWrapper<Partial<Scalars['DateTime']['output']>>;
  DeadLetter: ResolverTypeWrapper<Partial<DeadLetter>>;
  DeadLetterReplay: ResolverTypeWrapper<Partial<DeadLetterReplay>>;
  ErasureResult: ResolverTypeWrapper<Partial<ErasureResult>>;
  EventChangesInput: ResolverTypeWrapper<Partial<EventChangesInput>>;
  EventConnection: ResolverTypeWrapper<Partial<Omit<EventConnection, 'nodes'> & { nodes: Array<ResolversTypes['EventDetails']> }>>;
  EventCounts: ResolverTypeWrapper<Partial<EventCounts>>;
  EventDetails: ResolverTypeWrapper<EventViewModel>;
  EventDetailsInput: ResolverTypeWrapper<Partial<EventDetailsInput>>;
  EventResult: ResolverTypeWrapper<Partial<EventResult>>;
  EventSession: ResolverTypeWrapper<Partial<EventSession>>;
  EventStatus: ResolverTypeWrapper<Partial<EventStatus>>;
  EventStoreKind: ResolverTypeWrapper<Partial<EventStoreKind>>;
  FaceVerification: ResolverTypeWrapper<Partial<FaceVerification>>;
  FailedJob: ResolverTypeWrapper<Partial<FailedJob>>;
  FailedLogin: ResolverTypeWrapper<Partial<FailedLogin>>;
  FailedLoginConnection: ResolverTypeWrapper<Partial<FailedLoginConnection>>;
  FailedLoginReason: ResolverTypeWrapper<Partial<FailedLoginReason>>;
  Float: ResolverTypeWrapper<Partial<Scalars['Float']['output']>>;
  Health: ResolverTypeWrapper<Partial<Health>>;
  HealthStatus: ResolverTypeWrapper<Partial<HealthStatus>>;
  ID: ResolverTypeWrapper<Partial<Scalars['ID']['output']>>;
  Int: ResolverTypeWrapper<Partial<Scalars['Int']['output']>>;
  JSON: ResolverTypeWrapper<Partial<Scalars['JSON']['output']>>;
  JobQueue: ResolverTypeWrapper<Partial<JobQueue>>;
  LoginLockout: ResolverTypeWrapper<Partial<LoginLockout>>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<Partial<PageInfo>>;
  ProjectionStatus: ResolverTypeWrapper<Partial<ProjectionStatus>>;
  QuarantinedEvent: ResolverTypeWrapper<Partial<QuarantinedEvent>>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RebuildJob: ResolverTypeWrapper<Partial<RebuildJob>>;
  RegistrationConnection: ResolverTypeWrapper<Partial<Omit<RegistrationConnection, 'nodes'> & { nodes: Array<ResolversTypes['RegistrationEntry']> }>>;
  RegistrationEntry: ResolverTypeWrapper<RegistrationViewModel>;
  RegistrationForecast: ResolverTypeWrapper<Partial<RegistrationForecast>>;
  RegistrationResult: ResolverTypeWrapper<Partial<RegistrationResult>>;
  RegistrationStatus: ResolverTypeWrapper<Partial<RegistrationStatus>>;
  RepeatEvery: ResolverTypeWrapper<Partial<RepeatEvery>>;
  RepeatInput: ResolverTypeWrapper<Partial<RepeatInput>>;
  ScanResult: ResolverTypeWrapper<Partial<ScanResult>>;
  ServiceState: ResolverTypeWrapper<Partial<ServiceState>>;
  Session: ResolverTypeWrapper<Partial<Session>>;
  SessionAttendance: ResolverTypeWrapper<Partial<SessionAttendance>>;
  SessionCheckedIn: ResolverTypeWrapper<Partial<SessionCheckedIn>>;
  SessionForecast: ResolverTypeWrapper<Partial<SessionForecast>>;
  SessionPlanInput: ResolverTypeWrapper<Partial<SessionPlanInput>>;
  SignUpResult: ResolverTypeWrapper<Partial<SignUpResult>>;
  StreamEvent: ResolverTypeWrapper<Partial<StreamEvent>>;
  String: ResolverTypeWrapper<Partial<Scalars['String']['output']>>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Ticket: ResolverTypeWrapper<Partial<Ticket>>;
  TicketView: ResolverTypeWrapper<TicketViewModel>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Account: Partial<Account>;
  AccountResult: Partial<AccountResult>;
  AggregateState: Partial<AggregateState>;
  AttendanceCounts: Partial<AttendanceCounts>;
  AttendanceForecast: Partial<AttendanceForecast>;
  AuditConnection: Partial<AuditConnection>;
  AuditEntry: Partial<AuditEntry>;
  AuthSession: Partial<AuthSession>;
  Boolean: Partial<Scalars['Boolean']['output']>;
  CheckInConnection: Partial<Omit<CheckInConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['CheckInEntry']> }>;
  CheckInEntry: CheckInEntryModel;
  CheckInResult: Partial<CheckInResult>;
  CommandReceipt: Partial<CommandReceipt>;
  ConsumerLag: ConsumerLagModel;
  DateTime: Partial<Scalars['DateTime']['output']>;
  DeadLetter: Partial<DeadLetter>;
  DeadLetterReplay: Partial<DeadLetterReplay>;
  ErasureResult: Partial<ErasureResult>;
  EventChangesInput: Partial<EventChangesInput>;
  EventConnection: Partial<Omit<EventConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['EventDetails']> }>;
  EventCounts: Partial<EventCounts>;
  EventDetails: EventViewModel;
  EventDetailsInput: Partial<EventDetailsInput>;
  EventResult: Partial<EventResult>;
  EventSession: Partial<EventSession>;
  FailedJob: Partial<FailedJob>;
  FailedLogin: Partial<FailedLogin>;
  FailedLoginConnection: Partial<FailedLoginConnection>;
  Float: Partial<Scalars['Float']['output']>;
  Health: Partial<Health>;
  ID: Partial<Scalars['ID']['output']>;
  Int: Partial<Scalars['Int']['output']>;
  JSON: Partial<Scalars['JSON']['output']>;
  JobQueue: Partial<JobQueue>;
  LoginLockout: Partial<LoginLockout>;
  Mutation: Record<PropertyKey, never>;
  PageInfo: Partial<PageInfo>;
  ProjectionStatus: Partial<ProjectionStatus>;
  QuarantinedEvent: Partial<QuarantinedEvent>;
  Query: Record<PropertyKey, never>;
  RebuildJob: Partial<RebuildJob>;
  RegistrationConnection: Partial<Omit<RegistrationConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['RegistrationEntry']> }>;
  RegistrationEntry: RegistrationViewModel;
  RegistrationForecast: Partial<RegistrationForecast>;
  RegistrationResult: Partial<RegistrationResult>;
  RepeatInput: Partial<RepeatInput>;
  Session: Partial<Session>;
  SessionAttendance: Partial<SessionAttendance>;
  SessionCheckedIn: Partial<SessionCheckedIn>;
  SessionForecast: Partial<SessionForecast>;
  SessionPlanInput: Partial<SessionPlanInput>;
  SignUpResult: Partial<SignUpResult>;
  StreamEvent: Partial<StreamEvent>;
  String: Partial<Scalars['String']['output']>;
  Subscription: Record<PropertyKey, never>;
  Ticket: Partial<Ticket>;
  TicketView: TicketViewModel;
};

export type AccountResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['Account'] = ResolversParentTypes['Account']> = {
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  emailVerified?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  roles?: Resolver<Array<ResolversTypes['AccountRole']>, ParentType, ContextType>;
};

export type AccountResultResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['AccountResult'] = ResolversParentTypes['AccountResult']> = {
  account?: Resolver<ResolversTypes['Account'], ParentType, ContextType>;
  position?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AggregateStateResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['AggregateState'] = ResolversParentTypes['AggregateState']> = {
  position?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  revision?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  state?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  streamId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AttendanceCountsResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['AttendanceCounts'] = ResolversParentTypes['AttendanceCounts']> = {
  confirmed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  pending?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  position?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sessions?: Resolver<Array<ResolversTypes['SessionCheckedIn']>, ParentType, ContextType>;
  waitlisted?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type AttendanceForecastResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['AttendanceForecast'] = ResolversParentTypes['AttendanceForecast']> = {
  computedAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  modelVersion?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  sessions?: Resolver<Array<ResolversTypes['SessionForecast']>, ParentType, ContextType>;
};

export type AuditConnectionResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['AuditConnection'] = ResolversParentTypes['AuditConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['AuditEntry']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type AuditEntryResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['AuditEntry'] = ResolversParentTypes['AuditEntry']> = {
  actorId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  commandId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  correlationId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  occurredAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  position?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  streamId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AuthSessionResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['AuthSession'] = ResolversParentTypes['AuthSession']> = {
  accessToken?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  account?: Resolver<ResolversTypes['Account'], ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  position?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  refreshToken?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  refreshTokenExpiresAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type CheckInConnectionResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['CheckInConnection'] = ResolversParentTypes['CheckInConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['CheckInEntry']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type CheckInEntryResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['CheckInEntry'] = ResolversParentTypes['CheckInEntry']> = {
  at?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  attendeeId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  position?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  registrationId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  result?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  sessionId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  staffId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
};

export type CheckInResultResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['CheckInResult'] = ResolversParentTypes['CheckInResult']> = {
  attendeeId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  position?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  registrationId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  result?: Resolver<ResolversTypes['ScanResult'], ParentType, ContextType>;
};

export type CommandReceiptResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['CommandReceipt'] = ResolversParentTypes['CommandReceipt']> = {
  position?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ConsumerLagResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['ConsumerLag'] = ResolversParentTypes['ConsumerLag']> = {
  consumer?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  lag?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  mode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reportedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type DeadLetterResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['DeadLetter'] = ResolversParentTypes['DeadLetter']> = {
  attempts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  consumer?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  error?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  event?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  failedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type DeadLetterReplayResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['DeadLetterReplay'] = ResolversParentTypes['DeadLetterReplay']> = {
  replayed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  stillFailing?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ErasureResultResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['ErasureResult'] = ResolversParentTypes['ErasureResult']> = {
  accountId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  erasedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  position?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type EventConnectionResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['EventConnection'] = ResolversParentTypes['EventConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['EventDetails']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type EventCountsResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['EventCounts'] = ResolversParentTypes['EventCounts']> = {
  confirmed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  pending?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  waitlisted?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type EventDetailsResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['EventDetails'] = ResolversParentTypes['EventDetails']> = {
  capacity?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  counts?: Resolver<ResolversTypes['EventCounts'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  faceVerification?: Resolver<Maybe<ResolversTypes['FaceVerification']>, ParentType, ContextType>;
  organizerId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  registrationClosesAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  registrationOpensAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  requiresApproval?: Resolver<Maybe<ResolversTypes['Boolean']>, ParentType, ContextType>;
  sessions?: Resolver<Array<ResolversTypes['EventSession']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['EventStatus'], ParentType, ContextType>;
  timeZone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  title?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  venue?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type EventResultResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['EventResult'] = ResolversParentTypes['EventResult']> = {
  capacity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  confirmed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  position?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  sessions?: Resolver<Array<ResolversTypes['Session']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['EventStatus'], ParentType, ContextType>;
  waitlisted?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type EventSessionResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['EventSession'] = ResolversParentTypes['EventSession']> = {
  checkInClosesAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  checkInOpensAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  checkedIn?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  endsAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  sessionId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  startsAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type FailedJobResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['FailedJob'] = ResolversParentTypes['FailedJob']> = {
  data?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  failedAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  queue?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  retryCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type FailedLoginResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['FailedLogin'] = ResolversParentTypes['FailedLogin']> = {
  accountId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  addressKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  at?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  ip?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['FailedLoginReason'], ParentType, ContextType>;
};

export type FailedLoginConnectionResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['FailedLoginConnection'] = ResolversParentTypes['FailedLoginConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['FailedLogin']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type HealthResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['Health'] = ResolversParentTypes['Health']> = {
  database?: Resolver<ResolversTypes['ServiceState'], ParentType, ContextType>;
  eventStore?: Resolver<ResolversTypes['EventStoreKind'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['HealthStatus'], ParentType, ContextType>;
};

export interface JsonScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['JSON'], any> {
  name: 'JSON';
}

export type JobQueueResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['JobQueue'] = ResolversParentTypes['JobQueue']> = {
  active?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  deadLetter?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  failed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  queued?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type LoginLockoutResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['LoginLockout'] = ResolversParentTypes['LoginLockout']> = {
  failures?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  lockedUntil?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type MutationResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  approveRegistration?: Resolver<ResolversTypes['RegistrationResult'], ParentType, ContextType, RequireFields<MutationApproveRegistrationArgs, 'eventId' | 'registrationId'>>;
  assignStaff?: Resolver<ResolversTypes['EventResult'], ParentType, ContextType, RequireFields<MutationAssignStaffArgs, 'eventId' | 'staffId'>>;
  cancelEvent?: Resolver<ResolversTypes['EventResult'], ParentType, ContextType, RequireFields<MutationCancelEventArgs, 'eventId' | 'reason'>>;
  cancelRegistration?: Resolver<ResolversTypes['RegistrationResult'], ParentType, ContextType, RequireFields<MutationCancelRegistrationArgs, 'eventId' | 'registrationId'>>;
  changeCapacity?: Resolver<ResolversTypes['EventResult'], ParentType, ContextType, RequireFields<MutationChangeCapacityArgs, 'capacity' | 'eventId'>>;
  checkIn?: Resolver<ResolversTypes['CheckInResult'], ParentType, ContextType, RequireFields<MutationCheckInArgs, 'code' | 'eventId' | 'sessionId'>>;
  createEvent?: Resolver<ResolversTypes['EventResult'], ParentType, ContextType, RequireFields<MutationCreateEventArgs, 'capacity' | 'details'>>;
  disableAccount?: Resolver<ResolversTypes['AccountResult'], ParentType, ContextType, RequireFields<MutationDisableAccountArgs, 'accountId'>>;
  eraseAccount?: Resolver<ResolversTypes['ErasureResult'], ParentType, ContextType, RequireFields<MutationEraseAccountArgs, 'accountId'>>;
  eraseMyAccount?: Resolver<ResolversTypes['ErasureResult'], ParentType, ContextType, RequireFields<MutationEraseMyAccountArgs, 'password'>>;
  grantRole?: Resolver<ResolversTypes['AccountResult'], ParentType, ContextType, RequireFields<MutationGrantRoleArgs, 'accountId' | 'role'>>;
  logIn?: Resolver<ResolversTypes['AuthSession'], ParentType, ContextType, RequireFields<MutationLogInArgs, 'email' | 'password'>>;
  logOut?: Resolver<ResolversTypes['CommandReceipt'], ParentType, ContextType, RequireFields<MutationLogOutArgs, 'refreshToken'>>;
  manualCheckIn?: Resolver<ResolversTypes['CheckInResult'], ParentType, ContextType, RequireFields<MutationManualCheckInArgs, 'eventId' | 'reason' | 'registrationId' | 'sessionId'>>;
  publishEvent?: Resolver<ResolversTypes['EventResult'], ParentType, ContextType, RequireFields<MutationPublishEventArgs, 'eventId'>>;
  rebuildProjection?: Resolver<ResolversTypes['RebuildJob'], ParentType, ContextType, RequireFields<MutationRebuildProjectionArgs, 'name'>>;
  refreshToken?: Resolver<ResolversTypes['AuthSession'], ParentType, ContextType, RequireFields<MutationRefreshTokenArgs, 'refreshToken'>>;
  register?: Resolver<ResolversTypes['RegistrationResult'], ParentType, ContextType, RequireFields<MutationRegisterArgs, 'eventId'>>;
  reissueTicket?: Resolver<ResolversTypes['RegistrationResult'], ParentType, ContextType, RequireFields<MutationReissueTicketArgs, 'eventId' | 'registrationId'>>;
  rejectRegistration?: Resolver<ResolversTypes['RegistrationResult'], ParentType, ContextType, RequireFields<MutationRejectRegistrationArgs, 'eventId' | 'reason' | 'registrationId'>>;
  replayDeadLetters?: Resolver<ResolversTypes['DeadLetterReplay'], ParentType, ContextType, RequireFields<MutationReplayDeadLettersArgs, 'consumer'>>;
  requestPasswordReset?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationRequestPasswordResetArgs, 'email'>>;
  resendVerification?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationResendVerificationArgs, 'email'>>;
  resetPassword?: Resolver<ResolversTypes['CommandReceipt'], ParentType, ContextType, RequireFields<MutationResetPasswordArgs, 'newPassword' | 'token'>>;
  retryJob?: Resolver<ResolversTypes['FailedJob'], ParentType, ContextType, RequireFields<MutationRetryJobArgs, 'id' | 'queue'>>;
  revokeRole?: Resolver<ResolversTypes['AccountResult'], ParentType, ContextType, RequireFields<MutationRevokeRoleArgs, 'accountId' | 'role'>>;
  scheduleSessions?: Resolver<ResolversTypes['EventResult'], ParentType, ContextType, RequireFields<MutationScheduleSessionsArgs, 'eventId' | 'plan'>>;
  signUp?: Resolver<ResolversTypes['SignUpResult'], ParentType, ContextType, RequireFields<MutationSignUpArgs, 'email' | 'name' | 'password'>>;
  undoCheckIn?: Resolver<ResolversTypes['CheckInResult'], ParentType, ContextType, RequireFields<MutationUndoCheckInArgs, 'eventId' | 'reason' | 'registrationId' | 'sessionId'>>;
  unlockLogIn?: Resolver<ResolversTypes['AccountResult'], ParentType, ContextType, RequireFields<MutationUnlockLogInArgs, 'accountId'>>;
  updateEvent?: Resolver<ResolversTypes['EventResult'], ParentType, ContextType, RequireFields<MutationUpdateEventArgs, 'changes' | 'eventId'>>;
  verifyEmail?: Resolver<ResolversTypes['AccountResult'], ParentType, ContextType, RequireFields<MutationVerifyEmailArgs, 'token'>>;
};

export type PageInfoResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type ProjectionStatusResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['ProjectionStatus'] = ResolversParentTypes['ProjectionStatus']> = {
  failure?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  position?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  quarantined?: Resolver<Array<ResolversTypes['QuarantinedEvent']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type QuarantinedEventResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['QuarantinedEvent'] = ResolversParentTypes['QuarantinedEvent']> = {
  at?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  by?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  aggregateAt?: Resolver<ResolversTypes['AggregateState'], ParentType, ContextType, RequireFields<QueryAggregateAtArgs, 'streamId'>>;
  attendanceForecast?: Resolver<Maybe<ResolversTypes['AttendanceForecast']>, ParentType, ContextType, RequireFields<QueryAttendanceForecastArgs, 'eventId'>>;
  auditLog?: Resolver<ResolversTypes['AuditConnection'], ParentType, ContextType, RequireFields<QueryAuditLogArgs, 'first'>>;
  checkIns?: Resolver<ResolversTypes['CheckInConnection'], ParentType, ContextType, RequireFields<QueryCheckInsArgs, 'eventId' | 'first' | 'sessionId'>>;
  consumers?: Resolver<Array<ResolversTypes['ConsumerLag']>, ParentType, ContextType>;
  deadLetters?: Resolver<Array<ResolversTypes['DeadLetter']>, ParentType, ContextType, RequireFields<QueryDeadLettersArgs, 'first'>>;
  event?: Resolver<Maybe<ResolversTypes['EventDetails']>, ParentType, ContextType, RequireFields<QueryEventArgs, 'eventId'>>;
  events?: Resolver<ResolversTypes['EventConnection'], ParentType, ContextType, RequireFields<QueryEventsArgs, 'first'>>;
  failedJobs?: Resolver<Array<ResolversTypes['FailedJob']>, ParentType, ContextType, RequireFields<QueryFailedJobsArgs, 'first' | 'queue'>>;
  failedLogins?: Resolver<ResolversTypes['FailedLoginConnection'], ParentType, ContextType, RequireFields<QueryFailedLoginsArgs, 'first'>>;
  health?: Resolver<ResolversTypes['Health'], ParentType, ContextType>;
  jobQueues?: Resolver<Array<ResolversTypes['JobQueue']>, ParentType, ContextType>;
  loginLockout?: Resolver<ResolversTypes['LoginLockout'], ParentType, ContextType, RequireFields<QueryLoginLockoutArgs, 'accountId'>>;
  me?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType, Partial<QueryMeArgs>>;
  myRegistrations?: Resolver<ResolversTypes['RegistrationConnection'], ParentType, ContextType, RequireFields<QueryMyRegistrationsArgs, 'first'>>;
  projections?: Resolver<Array<ResolversTypes['ProjectionStatus']>, ParentType, ContextType>;
  rebuildJob?: Resolver<Maybe<ResolversTypes['RebuildJob']>, ParentType, ContextType, RequireFields<QueryRebuildJobArgs, 'id'>>;
  registrations?: Resolver<ResolversTypes['RegistrationConnection'], ParentType, ContextType, RequireFields<QueryRegistrationsArgs, 'eventId' | 'first'>>;
  sessionAttendance?: Resolver<ResolversTypes['SessionAttendance'], ParentType, ContextType, RequireFields<QuerySessionAttendanceArgs, 'eventId' | 'sessionId'>>;
  streamHistory?: Resolver<Array<ResolversTypes['StreamEvent']>, ParentType, ContextType, RequireFields<QueryStreamHistoryArgs, 'streamId'>>;
  ticket?: Resolver<Maybe<ResolversTypes['TicketView']>, ParentType, ContextType, RequireFields<QueryTicketArgs, 'ticketId'>>;
};

export type RebuildJobResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['RebuildJob'] = ResolversParentTypes['RebuildJob']> = {
  completedOn?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdOn?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  output?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  projection?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type RegistrationConnectionResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['RegistrationConnection'] = ResolversParentTypes['RegistrationConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['RegistrationEntry']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type RegistrationEntryResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['RegistrationEntry'] = ResolversParentTypes['RegistrationEntry']> = {
  attendeeEmail?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  attendeeId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  attendeeName?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  registeredAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  registrationId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['RegistrationStatus'], ParentType, ContextType>;
  ticketVersion?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type RegistrationForecastResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['RegistrationForecast'] = ResolversParentTypes['RegistrationForecast']> = {
  attendeeId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  probability?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  registrationId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type RegistrationResultResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['RegistrationResult'] = ResolversParentTypes['RegistrationResult']> = {
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  position?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  registrationId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['RegistrationStatus'], ParentType, ContextType>;
  ticket?: Resolver<Maybe<ResolversTypes['Ticket']>, ParentType, ContextType>;
};

export type SessionResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['Session'] = ResolversParentTypes['Session']> = {
  checkInClosesAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  checkInOpensAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  endsAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sessionId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  startsAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type SessionAttendanceResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['SessionAttendance'] = ResolversParentTypes['SessionAttendance']> = {
  checkedIn?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  confirmed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sessionId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type SessionCheckedInResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['SessionCheckedIn'] = ResolversParentTypes['SessionCheckedIn']> = {
  checkedIn?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sessionId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type SessionForecastResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['SessionForecast'] = ResolversParentTypes['SessionForecast']> = {
  confirmed?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  expectedAttendance?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  high?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  low?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  registrations?: Resolver<Array<ResolversTypes['RegistrationForecast']>, ParentType, ContextType>;
  sessionId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  startsAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type SignUpResultResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['SignUpResult'] = ResolversParentTypes['SignUpResult']> = {
  accountId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  position?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type StreamEventResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['StreamEvent'] = ResolversParentTypes['StreamEvent']> = {
  data?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  metadata?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  position?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  recordedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  revision?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type SubscriptionResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  attendanceChanged?: SubscriptionResolver<ResolversTypes['AttendanceCounts'], "attendanceChanged", ParentType, ContextType, RequireFields<SubscriptionAttendanceChangedArgs, 'eventId'>>;
  checkInRecorded?: SubscriptionResolver<ResolversTypes['CheckInEntry'], "checkInRecorded", ParentType, ContextType, RequireFields<SubscriptionCheckInRecordedArgs, 'eventId'>>;
};

export type TicketResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['Ticket'] = ResolversParentTypes['Ticket']> = {
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  qrPngUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  qrSvgUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  ticketId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type TicketViewResolvers<ContextType = MercuriusContext, ParentType extends ResolversParentTypes['TicketView'] = ResolversParentTypes['TicketView']> = {
  attendeeId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  code?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  qrPngUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  qrSvgUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  registrationId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['RegistrationStatus'], ParentType, ContextType>;
  ticketId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type Resolvers<ContextType = MercuriusContext> = {
  Account?: AccountResolvers<ContextType>;
  AccountResult?: AccountResultResolvers<ContextType>;
  AggregateState?: AggregateStateResolvers<ContextType>;
  AttendanceCounts?: AttendanceCountsResolvers<ContextType>;
  AttendanceForecast?: AttendanceForecastResolvers<ContextType>;
  AuditConnection?: AuditConnectionResolvers<ContextType>;
  AuditEntry?: AuditEntryResolvers<ContextType>;
  AuthSession?: AuthSessionResolvers<ContextType>;
  CheckInConnection?: CheckInConnectionResolvers<ContextType>;
  CheckInEntry?: CheckInEntryResolvers<ContextType>;
  CheckInResult?: CheckInResultResolvers<ContextType>;
  CommandReceipt?: CommandReceiptResolvers<ContextType>;
  ConsumerLag?: ConsumerLagResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  DeadLetter?: DeadLetterResolvers<ContextType>;
  DeadLetterReplay?: DeadLetterReplayResolvers<ContextType>;
  ErasureResult?: ErasureResultResolvers<ContextType>;
  EventConnection?: EventConnectionResolvers<ContextType>;
  EventCounts?: EventCountsResolvers<ContextType>;
  EventDetails?: EventDetailsResolvers<ContextType>;
  EventResult?: EventResultResolvers<ContextType>;
  EventSession?: EventSessionResolvers<ContextType>;
  FailedJob?: FailedJobResolvers<ContextType>;
  FailedLogin?: FailedLoginResolvers<ContextType>;
  FailedLoginConnection?: FailedLoginConnectionResolvers<ContextType>;
  Health?: HealthResolvers<ContextType>;
  JSON?: GraphQLScalarType;
  JobQueue?: JobQueueResolvers<ContextType>;
  LoginLockout?: LoginLockoutResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  ProjectionStatus?: ProjectionStatusResolvers<ContextType>;
  QuarantinedEvent?: QuarantinedEventResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RebuildJob?: RebuildJobResolvers<ContextType>;
  RegistrationConnection?: RegistrationConnectionResolvers<ContextType>;
  RegistrationEntry?: RegistrationEntryResolvers<ContextType>;
  RegistrationForecast?: RegistrationForecastResolvers<ContextType>;
  RegistrationResult?: RegistrationResultResolvers<ContextType>;
  Session?: SessionResolvers<ContextType>;
  SessionAttendance?: SessionAttendanceResolvers<ContextType>;
  SessionCheckedIn?: SessionCheckedInResolvers<ContextType>;
  SessionForecast?: SessionForecastResolvers<ContextType>;
  SignUpResult?: SignUpResultResolvers<ContextType>;
  StreamEvent?: StreamEventResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  Ticket?: TicketResolvers<ContextType>;
  TicketView?: TicketViewResolvers<ContextType>;
};

