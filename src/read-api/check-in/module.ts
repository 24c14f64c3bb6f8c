import type { MercuriusContext } from 'mercurius';
import type pg from 'pg';
import { DomainError } from '../../domain/domain-error.js';
import type { Position } from '../../eventstore/position.js';
import { CHECK_INS_PAGE, type CheckInEntry } from '../../projections/attendance/check-in-queries.js';
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

  type CheckInResult {
    result: ScanResult!
    registrationId: ID
    attendeeId: ID
    position: String
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
    at: String!
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
};

const Mutation: MutationResolvers = {
  checkIn: async (_root, args, ctx, info) => {
    // Per device and per staff member: generous for a door, and a wall for a script guessing ticket codes.
    await ctx.app.throttle.attempt({ scansPerSession: ctx.logInSession, scansPerAccount: ctx.actor?.accountId });
    // How long the client waits is no part of the command: a resend that waits is the same scan.
    const { waitForFace, ...sent } = args;
    const request = mutationRequest(ctx, sent, info);
    const photo = args.photo ? await uploadedPhoto(args.photo) : undefined;
    const scanned = await ctx.app.attendance.checkIns.checkIn(request, args.eventId, args.sessionId, args.code, photo);
    return waitForFace ? ctx.app.reads.faceVerdicts.verdictOn(args.eventId, args.sessionId, scanned) : scanned;
  },
  manualCheckIn: (_root, args, ctx, info) =>
    ctx.app.attendance.checkIns.manualCheckIn(mutationRequest(ctx, args, info), args.eventId, args.sessionId, args.registrationId, args.reason),
  undoCheckIn: (_root, args, ctx, info) =>
    ctx.app.attendance.checkIns.undoCheckIn(mutationRequest(ctx, args, info), args.eventId, args.sessionId, args.registrationId, args.reason),
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
export const checkIn: GraphqlModule = { typeDefs, resolvers: { Query, Mutation, Subscription } };
