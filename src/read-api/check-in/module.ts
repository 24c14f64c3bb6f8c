import type { GraphQLResolveInfo } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import type pg from 'pg';
import { type DoorRequest, MAX_UPLOADED_SCANS } from '../../commands/check-in-commands.js';
import { commandRequest } from '../../commands/request.js';
import { DomainError } from '../../domain/domain-error.js';
import type { Position } from '../../eventstore/position.js';
import { CHECK_INS_PAGE, type CheckInEntry, attendeeNames } from '../../projections/attendance/check-in-queries.js';
import { eventScannerDevices } from '../../projections/attendance/scanner-device-queries.js';
import type { MutationResolvers, QueryResolvers, SubscriptionResolvers } from '../generated/graphql.js';
import { subscriptionError } from '../graphql-errors.js';
import type { GraphqlModule } from '../graphql-module.js';
import { type AttendanceCounts, liveTopics } from '../live-feed.js';
import { mutationRequest } from '../mutation-request.js';
import { uploadedPhoto } from '../photo-uploads.js';
import { waitForPosition } from '../read-your-writes.js';
import { type Backlog, missedCheckIns, missedCounts, resumePosition, resumed } from '../resumed-feed.js';

const typeDefs = /* GraphQL */ `
  enum ScanResult {
    ok
    already_redeemed
    revoked
    invalid
    wrong_event
    outside_window
    not_confirmed
    "A good ticket held for its face check, not redeemed yet: the verdict comes by checkInRecorded, or by waitForFace."
    face_pending
    "The face did not match the attendee's enrolled face: the ticket stays redeemable."
    face_mismatch
    "The face did not look live (a photo of a photo, a screen): the ticket stays redeemable."
    liveness_failed
    "The attendee has no enrolled face (never enrolled, or erased it): check them in by hand."
    face_not_enrolled
    "The photo held no face, or no image the models could read: take it again."
    face_unreadable
    "The photo was gone (kept 10 minutes) before it could be judged: scan again."
    photo_expired
  }

  enum CheckInFlag {
    "Two doors let one ticket in while offline: this scan was refused (or its check-in superseded) as already_redeemed on another device than the check-in's, which could not know."
    offline_conflict
  }

  "Whose ticket was scanned, for the door to act on without another query."
  type TicketHolder {
    attendeeId: ID!
    "Null for an attendee who erased their data, or one the read side does not have yet."
    name: String
    "The registration's status as the event stands now: confirmed, pending, waitlisted, rejected or cancelled."
    registrationStatus: String!
  }

  "The check-in that used a ticket first, told with already_redeemed."
  type FirstUse {
    "When the door saw the ticket (the device's clock for an offline scan); null for check-ins recorded before scan times were kept."
    at: String
    "The scanner device it was made on; null for a staff member's own log-in."
    deviceId: ID
    staffId: ID!
    offline: Boolean!
  }

  type CheckInResult {
    result: ScanResult!
    registrationId: ID
    attendeeId: ID
    position: String
    "Null for a code that is no ticket of this event."
    holder: TicketHolder
    firstUse: FirstUse
    flags: [CheckInFlag!]!
  }

  "A scan a device decided alone, offline, uploaded later."
  input OfflineScanInput {
    "The QR code's text, as scanned."
    code: String!
    "When the device scanned it, by its clock: an RFC 3339 date-time. Checked per scan, so that one bad time does not refuse the upload."
    scannedAt: String!
    "The device's own id for this scan (1-100 of letters, digits, _ . : -): an upload sent again records it once."
    nonce: String!
  }

  type ScanError {
    code: String!
    message: String!
  }

  "One uploaded scan's outcome: the door's answer as it would have been, or why it could not be recorded."
  type OfflineScanResult {
    nonce: String!
    scan: CheckInResult
    error: ScanError
  }

  type RegisteredScannerDevice {
    deviceId: ID!
    eventId: ID!
    name: String!
    "Send as Authorization: Bearer <token>. Shown this once: only its hash is kept."
    token: String!
    position: String
  }

  type RevokedScannerDevice {
    deviceId: ID!
    position: String
  }

  "A door tablet registered for an event (its token is never shown again)."
  type ScannerDevice {
    deviceId: ID!
    "Null where the log holds a name the read model cannot store."
    name: String
    registeredBy: ID
    registeredAt: String!
    "Null while its token works."
    revokedAt: String
  }

  type SessionAttendance {
    sessionId: ID!
    confirmed: Int!
    checkedIn: Int!
  }

  "A door action; what its event names is null where the log holds a value the read model cannot store."
  type CheckInEntry {
    "Position in the check-in log: increasing, so a dashboard can order and de-duplicate."
    position: String!
    eventId: ID!
    sessionId: ID
    registrationId: ID
    attendeeId: ID
    staffId: ID
    "scan, manual, undo, or face (the face verdict on a held scan: result ok or why not)"
    kind: String
    result: String
    reason: String
    "When it was recorded."
    at: String!
    "The scanner device it was made on; null for a staff member's own log-in."
    deviceId: ID
    "When the door saw the ticket (the device's clock for an offline scan); null before scan times were kept."
    scannedAt: String
    "Decided on the device, offline, and uploaded later."
    offline: Boolean!
    flags: [CheckInFlag!]!
  }

  type CheckInConnection {
    nodes: [CheckInEntry!]!
    pageInfo: PageInfo!
  }

  type SessionCheckedIn {
    sessionId: ID!
    checkedIn: Int!
  }

  type AttendanceCounts {
    eventId: ID!
    "The read side's position these counts hold at; a query with this atPosition sees them or later ones."
    position: String!
    confirmed: Int!
    pending: Int!
    waitlisted: Int!
    sessions: [SessionCheckedIn!]!
  }

  extend type Query {
    sessionAttendance(eventId: ID!, sessionId: ID!, atPosition: String): SessionAttendance!
    checkIns(eventId: ID!, sessionId: ID!, first: Int = ${CHECK_INS_PAGE}, after: String, atPosition: String): CheckInConnection!
    "The scanner devices registered for the event's doors, revoked ones included: for its organizer, staff and admins."
    scannerDevices(eventId: ID!, atPosition: String): [ScannerDevice!]!
  }

  extend type Mutation {
    """
    Scan a ticket's QR code at a session's door. Limited per device (the log-in's session) and
    per staff member: RATE_LIMITED, with extensions.retryAfterSeconds. At an event with
    faceVerification required (or optional, when a photo is sent), send a photo of the
    attendee (a GraphQL multipart request, at most 10 MB): a good ticket is then held as
    face_pending, and its verdict (ok, face_mismatch, liveness_failed, face_not_enrolled,
    face_unreadable, photo_expired) comes by checkInRecorded, or in this answer with
    waitForFace: true, which waits up to 5 s for it (then answers face_pending).
    """
    checkIn(eventId: ID!, sessionId: ID!, code: String!, photo: Upload, waitForFace: Boolean = false, commandId: ID): CheckInResult!
    manualCheckIn(eventId: ID!, sessionId: ID!, registrationId: ID!, reason: String!, commandId: ID): CheckInResult!
    undoCheckIn(eventId: ID!, sessionId: ID!, registrationId: ID!, reason: String!, commandId: ID): CheckInResult!
    """
    Scans a device made offline (at most ${MAX_UPLOADED_SCANS}), each decided as it would have been at its
    scannedAt: the check-in window is widened by 2 minutes either way for the device's clock, and
    a scannedAt more than 2 minutes ahead of the server's is refused. Each is answered on its own,
    in order. Sent again, an upload records nothing twice (scans are named by device and nonce).
    When two devices let one ticket in, the earlier scannedAt is the check-in whichever arrives
    first, and the other is already_redeemed, flagged offline_conflict. With the device's own
    token, or as a member of the event's team for a device registered for the event.
    """
    uploadScans(eventId: ID!, sessionId: ID!, deviceId: ID!, scans: [OfflineScanInput!]!): [OfflineScanResult!]!
    "A door tablet for the event (its organizer or an admin): its token checks tickets at the event's doors and nothing else, until revoked."
    registerScannerDevice(eventId: ID!, name: String!, commandId: ID): RegisteredScannerDevice!
    revokeScannerDevice(eventId: ID!, deviceId: ID!, commandId: ID): RevokedScannerDevice!
  }

  # Live door dashboards, over GraphQL on websockets (graphql-transport-ws or graphql-ws) at
  # /graphql. Authenticate with "Authorization: Bearer <access token>" on the upgrade request
  # or as the connection_init payload's authorization. The event's organizer, its staff and
  # admins only, checked when subscribing. When that token expires the server closes the
  # connection with code 4403 "The access token has expired": reconnect with a fresh one, and
  # pass the position of the last entry or counts you got as after to miss nothing.
  extend type Subscription {
    "Each new row of the event's check-in log, refused scans and undos included. With after (the position of the last entry you got), first every row after it, then the new ones, none twice."
    checkInRecorded(eventId: ID!, after: String): CheckInEntry!
    "The event's counts, after its registrations or check-ins changed them. With after (the position of the last counts you got), first the counts as they stand if they changed since, then the new ones."
    attendanceChanged(eventId: ID!, after: String): AttendanceCounts!
  }
`;

const ATTENDANCE = ['attendance'];

const Query: QueryResolvers = {
  sessionAttendance: async (_root, args, ctx) => {
    await waitForPosition(ctx, ATTENDANCE, args.atPosition, () => ctx.app.reads.models.requireEventTeamUnlessNew(ctx.actor, args.eventId));
    return ctx.app.reads.models.sessionAttendance(ctx.actor, args.eventId, args.sessionId);
  },
  checkIns: async (_root, args, ctx) => {
    await waitForPosition(ctx, ATTENDANCE, args.atPosition, () => ctx.app.reads.models.requireEventTeamUnlessNew(ctx.actor, args.eventId));
    return ctx.app.reads.models.checkIns(ctx.actor, args);
  },
  scannerDevices: async (_root, args, ctx) => {
    await waitForPosition(ctx, ATTENDANCE, args.atPosition, () => ctx.app.reads.models.requireEventTeamUnlessNew(ctx.actor, args.eventId));
    await ctx.app.reads.models.requireEventTeam(ctx.actor, args.eventId);
    return eventScannerDevices(ctx.app.pool, args.eventId);
  },
};

/**
 * The request of a door mutation: a scanner device's, when its token came (its own account id,
 * no roles: the decider lets it work its own event's doors only), a staff member's otherwise.
 */
const doorRequest = (ctx: MercuriusContext, args: { readonly [name: string]: unknown; commandId?: string | null }, info: GraphQLResolveInfo): DoorRequest => {
  const device = ctx.scannerDevice;
  if (!device) return mutationRequest(ctx, args, info);
  const request = commandRequest(device.actor, args.commandId, { operation: info.fieldName, args }, { correlationId: ctx.requestId });
  return { ...request, device: { deviceId: device.deviceId, eventId: device.eventId } };
};

/**
 * Per device (the log-in's session, or the scanner) and per account: generous for a door, and a
 * wall for a script. An upload counts once: it carries what a door already scanned.
 */
const throttleScans = (ctx: MercuriusContext, request: DoorRequest): Promise<void> =>
  ctx.app.throttle.attempt({ scansPerSession: ctx.logInSession ?? request.device?.deviceId, scansPerAccount: request.actor.accountId });

const Mutation: MutationResolvers = {
  checkIn: async (_root, args, ctx, info) => {
    // How long the client waits is no part of the command: a resend that waits is the same scan.
    const { waitForFace, ...sent } = args;
    const request = doorRequest(ctx, sent, info);
    await throttleScans(ctx, request);
    const photo = args.photo ? await uploadedPhoto(args.photo) : undefined;
    const scanned = await ctx.app.attendance.checkIns.checkIn(request, args.eventId, args.sessionId, args.code, photo);
    return waitForFace ? ctx.app.reads.faceVerdicts.verdictOn(args.eventId, args.sessionId, scanned) : scanned;
  },
  manualCheckIn: (_root, args, ctx, info) =>
    ctx.app.attendance.checkIns.manualCheckIn(doorRequest(ctx, args, info), args.eventId, args.sessionId, args.registrationId, args.reason),
  undoCheckIn: (_root, args, ctx, info) =>
    ctx.app.attendance.checkIns.undoCheckIn(doorRequest(ctx, args, info), args.eventId, args.sessionId, args.registrationId, args.reason),
  uploadScans: async (_root, args, ctx, info) => {
    const request = doorRequest(ctx, args, info);
    await throttleScans(ctx, request);
    return ctx.app.attendance.checkIns.uploadScans(request, args.eventId, args.sessionId, args.deviceId, args.scans);
  },
  registerScannerDevice: (_root, args, ctx, info) => ctx.app.attendance.checkIns.scanners.register(mutationRequest(ctx, args, info), args.eventId, args.name),
  revokeScannerDevice: (_root, args, ctx, info) =>
    ctx.app.attendance.checkIns.scanners.revoke(mutationRequest(ctx, args, info), args.eventId, args.deviceId),
};

/** The holders' names in one read-model query per request, however many scans an upload answers. */
const loaders = {
  TicketHolder: {
    name: (queries: { obj: { attendeeId: string } }[], ctx: MercuriusContext) => attendeeNames(ctx.app.pool, queries.map(({ obj }) => obj.attendeeId)),
  },
};

/** The event's organizer, its staff and admins; not a connection whose token was refused (see subscription-connection.ts). */
const mayWatch = async (ctx: MercuriusContext, eventId: string): Promise<void> => {
  if (ctx.tokenRefusal !== undefined) throw new DomainError('UNAUTHENTICATED', ctx.tokenRefusal);
  await ctx.app.reads.models.requireEventTeam(ctx.actor, eventId);
};

/** What a dashboard missed after a position, read from the read model. */
type Missed<T> = (pool: pg.Pool, eventId: string, after: Position) => Promise<Backlog<T>>;

/**
 * An event's live topic, opened to those who may watch it until their token expires; with
 * `after`, resumed there: what was missed first, by the same rule as the live topic.
 */
const watch = async <T extends { position: string }>(ctx: MercuriusContext, args: { eventId: string; after?: string | null }, topic: string, missed: Missed<T>) => {
  try {
    const after = args.after == null ? undefined : resumePosition(args.after);
    await mayWatch(ctx, args.eventId);
    // Only websockets subscribe, and mayWatch let an actor through: all are set (see subscription-connection.ts).
    ctx.closeConnectionAt!(ctx.tokenExpiresAt!, ctx.accessToken!);
    const subscribe = () => ctx.pubsub.subscribe<T>(topic);
    if (!after) return await subscribe();
    return await resumed(subscribe, () => missed(ctx.app.pool, args.eventId, after), after, () => ctx.pubsub.close());
  } catch (error) {
    throw subscriptionError(error, ctx.app.log);
  }
};

// The live feed publishes each field's value itself, so resolve passes it on.
const Subscription: SubscriptionResolvers = {
  checkInRecorded: {
    subscribe: (_root, args, ctx) => watch(ctx, args, liveTopics.checkInRecorded(args.eventId), missedCheckIns),
    resolve: (entry: CheckInEntry) => entry,
  },
  attendanceChanged: {
    subscribe: (_root, args, ctx) => watch(ctx, args, liveTopics.attendanceChanged(args.eventId), missedCounts),
    resolve: (counts: AttendanceCounts) => counts,
  },
};

/** The door: scanning tickets, checking in by hand, what each session's log and counts say, and the live dashboards. */
export const checkIn: GraphqlModule = { typeDefs, resolvers: { Query, Mutation, Subscription }, loaders };
