import { AUDIT_WEBHOOK_URL, CREATE_WEBHOOK, eventDetails, type World } from './world.js';

/**
 * Who may do what: every query that shows personal data or operations, and every mutation
 * that changes state, against every kind of caller. This table is the policy the
 * authorization probes hold the server to; read it as the answer to "can X do Y?".
 */

/** The callers, in the table's column order. "Of A" means on event A's team; the attendee holds a ticket for A. */
export const CALLERS = ['anonymous', 'attendee', 'otherAttendee', 'organizerA', 'organizerB', 'staffA', 'staffB', 'admin'] as const;
export type Caller = (typeof CALLERS)[number];

/**
 * `allowed`: answered with data, or with CONFLICT, which every command here gives only after
 * it has checked who asks (it found nothing to do: an approved registration approved again).
 * `null`: answered, but the thing is hidden from this caller, as if it did not exist.
 */
export type Outcome = 'allowed' | 'null' | 'FORBIDDEN' | 'UNAUTHENTICATED';

const A = 'allowed';
const N = 'null';
const F = 'FORBIDDEN';
const U = 'UNAUTHENTICATED';

export interface Rule {
  field: string;
  /** Which thing of the world it is asked about. */
  about: string;
  document: string;
  variables(world: World): Record<string, unknown>;
  /** One outcome per caller, in CALLERS order. */
  outcomes: readonly [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome];
  /** Set when the allowed cells are not sent, with why: sending them would change what other probes rely on. */
  allowedNotSent?: string;
}

const attendeeTicket = (w: World) => ({ ticketId: w.ticket.ticketId });
const eventA = (w: World) => ({ eventId: w.eventA.eventId });
const sessionOfA = (w: World) => ({ eventId: w.eventA.eventId, sessionId: w.eventA.sessionId });
const registrationOfA = (w: World) => ({ eventId: w.eventA.eventId, registrationId: w.ticket.registrationId });
/** None of the callers: an account acting on itself is a question of its own (eraseAccount on oneself asks for a password). */
const bystander = (w: World) => ({ accountId: w.toLockOut.accountId });
const attendeeStream = (w: World) => ({ streamId: `account-${w.attendee.accountId}` });
const none = () => ({});
const period = () => ({ from: '2020-01-01T00:00:00Z', to: '2040-01-01T00:00:00Z' });
const draft = (w: World) => ({ eventId: w.draft.eventId });
/** No scanner has this id: asked about, it tells the allowed callers NOT_FOUND, after who asks is checked. */
const NO_SCANNER = '00000000-0000-4000-8000-00000000d00e';
const atTheDoorOfA = (w: World) => ({ ...sessionOfA(w), registrationId: w.ticket.registrationId });
const webhookOfA = (w: World) => ({ webhookId: w.webhookOfA.webhookId });

const rule = (outcomes: Rule['outcomes'], field: string, about: string, variables: Rule['variables'], document: string, allowedNotSent?: string): Rule => ({
  outcomes,
  field,
  about,
  variables,
  document,
  ...(allowedNotSent ? { allowedNotSent } : {}),
});

// prettier-ignore
export const POLICY: Rule[] = [
  // anonymous, attendee, otherAttendee, organizerA, organizerB, staffA, staffB, admin
  rule([U, A, A, A, A, A, A, A], 'me', 'the caller', none, '{ me { id email } }'),
  rule([A, A, A, A, A, A, A, A], 'health', 'the service', none, '{ health { status } }'),
  rule([A, A, A, A, A, A, A, A], 'event', 'published event A', eventA, 'query ($eventId: ID!) { event(eventId: $eventId) { eventId } }'),
  rule([N, N, N, A, N, N, N, A], 'event', "organizer A's draft", draft, 'query ($eventId: ID!) { event(eventId: $eventId) { eventId } }'),
  rule([A, A, A, A, A, A, A, A], 'events', 'the list', none, '{ events { nodes { eventId } } }'),
  rule([U, F, F, A, F, A, F, A], 'registrations', 'event A, with names and emails', eventA, 'query ($eventId: ID!) { registrations(eventId: $eventId) { nodes { attendeeEmail } } }'),
  rule([U, A, A, A, A, A, A, A], 'myRegistrations', "the caller's", none, '{ myRegistrations { nodes { registrationId } } }'),
  rule([U, A, F, A, F, A, F, A], 'ticket', "the attendee's ticket for A", attendeeTicket, 'query ($ticketId: ID!) { ticket(ticketId: $ticketId) { ticketId } }'),
  rule([U, F, F, A, F, A, F, A], 'sessionAttendance', "A's session", sessionOfA, 'query ($eventId: ID!, $sessionId: ID!) { sessionAttendance(eventId: $eventId, sessionId: $sessionId) { checkedIn } }'),
  rule([U, F, F, A, F, A, F, A], 'checkIns', "A's door log", sessionOfA, 'query ($eventId: ID!, $sessionId: ID!) { checkIns(eventId: $eventId, sessionId: $sessionId) { nodes { attendeeId } } }'),
  rule([U, F, F, A, F, A, F, A], 'scannerDevices', "A's door tablets", eventA, 'query ($eventId: ID!) { scannerDevices(eventId: $eventId) { deviceId } }'),
  rule([U, F, F, A, F, F, F, A], 'attendanceForecast', "A's, per attendee", eventA, 'query ($eventId: ID!) { attendanceForecast(eventId: $eventId) { eventId } }'),
  rule([U, F, F, A, F, F, F, A], 'forecastHistory', "A's, what was predicted when", eventA, 'query ($eventId: ID!) { forecastHistory(eventId: $eventId) { nodes { sessionId } } }'),
  rule([U, F, F, A, F, A, F, A], 'eventReport', "A's", eventA, 'query ($eventId: ID!) { eventReport(eventId: $eventId) { eventId } }'),
  rule([U, F, F, A, A, F, F, A], 'organizerReport', "the caller's own, with people's names", period, 'query ($from: DateTime!, $to: DateTime!) { organizerReport(from: $from, to: $to) { attendees } }'),
  rule([U, F, F, A, F, F, F, A], 'organizerReport', "organizer A's", (w) => ({ ...period(), organizerId: w.organizerA.accountId }), 'query ($from: DateTime!, $to: DateTime!, $organizerId: ID) { organizerReport(from: $from, to: $to, organizerId: $organizerId) { attendees } }'),
  rule([U, F, F, F, F, F, F, A], 'auditLog', 'who did what', none, '{ auditLog(first: 1) { nodes { eventId } } }'),
  rule([U, F, F, F, F, F, F, A], 'streamHistory', "the attendee's account stream", attendeeStream, 'query ($streamId: String!) { streamHistory(streamId: $streamId) { type } }'),
  rule([U, F, F, F, F, F, F, A], 'aggregateAt', "the attendee's account", attendeeStream, 'query ($streamId: String!) { aggregateAt(streamId: $streamId) { streamId } }'),
  rule([U, F, F, F, F, F, F, A], 'failedLogins', "everyone's", none, '{ failedLogins(first: 1) { nodes { ip } } }'),
  rule([U, F, F, F, F, F, F, A], 'loginLockout', "the attendee's address", (w) => ({ accountId: w.attendee.accountId }), 'query ($accountId: ID!) { loginLockout(accountId: $accountId) { failures } }'),
  rule([U, F, F, F, F, F, F, A], 'consumers', 'reactor lag', none, '{ consumers { consumer } }'),
  rule([U, F, F, F, F, F, F, A], 'deadLetters', 'failed reactor events', none, '{ deadLetters(first: 1) { eventId } }'),
  rule([U, F, F, F, F, F, F, A], 'jobQueues', 'background jobs', none, '{ jobQueues { name } }'),
  rule([U, F, F, F, F, F, F, A], 'failedJobs', 'the mail queue', none, '{ failedJobs(queue: "mail", first: 1) { id } }'),
  rule([U, F, F, F, F, F, F, A], 'projections', 'read model status', none, '{ projections { name } }'),
  rule([U, F, F, A, A, F, F, A], 'webhooks', "the caller's own (an admin's: everyone's)", none, '{ webhooks { id } }'),
  rule([U, F, F, A, F, F, F, A], 'webhookDeliveries', "organizer A's webhook", webhookOfA, 'query ($webhookId: ID!) { webhookDeliveries(webhookId: $webhookId) { nodes { id } } }'),

  // Mutations, sent with arguments that change nothing other probes rely on; where any would, the allowed callers are not sent.
  rule([U, F, F, F, F, F, F, A], 'grantRole', 'attendee to a bystander, who has it: CONFLICT', bystander, 'mutation ($accountId: ID!) { grantRole(accountId: $accountId, role: attendee) { position } }'),
  rule([U, F, F, F, F, F, F, A], 'revokeRole', 'organizer from a bystander, who lacks it: CONFLICT', bystander, 'mutation ($accountId: ID!) { revokeRole(accountId: $accountId, role: organizer) { position } }'),
  rule([U, F, F, F, F, F, F, A], 'unlockLogIn', 'a bystander', bystander, 'mutation ($accountId: ID!) { unlockLogIn(accountId: $accountId) { position } }'),
  rule([U, F, F, F, F, F, F, A], 'disableAccount', 'a bystander', bystander, 'mutation ($accountId: ID!) { disableAccount(accountId: $accountId) { position } }',
    'the tokens probe disables an account of its own'),
  rule([U, F, F, F, F, F, F, A], 'eraseAccount', 'a bystander', bystander, 'mutation ($accountId: ID!) { eraseAccount(accountId: $accountId) { position } }',
    'the accounts probe has an admin erase an account of its own'),
  rule([U, F, F, A, A, F, F, A], 'createEvent', 'a new draft', () => ({ details: eventDetails('Audit matrix draft') }), 'mutation ($details: EventDetailsInput!) { createEvent(details: $details, capacity: 5) { eventId } }'),
  rule([U, F, F, A, F, F, F, A], 'scheduleSessions', "organizer A's draft", (w) => ({ ...draft(w), plan: { startsAt: '2030-01-01T10:00:00Z', endsAt: '2030-01-01T12:00:00Z' } }), 'mutation ($eventId: ID!, $plan: SessionPlanInput!) { scheduleSessions(eventId: $eventId, plan: $plan) { eventId } }'),
  rule([U, F, F, A, F, F, F, A], 'updateEvent', "organizer A's draft", draft, 'mutation ($eventId: ID!) { updateEvent(eventId: $eventId, changes: { description: "audited" }) { eventId } }'),
  rule([U, F, F, A, F, F, F, A], 'publishEvent', 'event A, published already: CONFLICT', eventA, 'mutation ($eventId: ID!) { publishEvent(eventId: $eventId) { eventId } }'),
  rule([U, F, F, A, F, F, F, A], 'changeCapacity', 'event A, to what it is', eventA, 'mutation ($eventId: ID!) { changeCapacity(eventId: $eventId, capacity: 10) { eventId } }'),
  rule([U, F, F, A, F, F, F, A], 'assignStaff', 'staff A to A again: CONFLICT', (w) => ({ ...eventA(w), staffId: w.staffA.accountId }), 'mutation ($eventId: ID!, $staffId: ID!) { assignStaff(eventId: $eventId, staffId: $staffId) { eventId } }'),
  rule([U, F, F, A, F, F, F, A], 'cancelEvent', "organizer A's draft to cancel", (w) => ({ eventId: w.toCancel.eventId }), 'mutation ($eventId: ID!) { cancelEvent(eventId: $eventId, reason: "audit") { eventId } }'),
  rule([U, A, A, A, A, A, A, A], 'register', 'event A', eventA, 'mutation ($eventId: ID!) { register(eventId: $eventId) { registrationId } }'),
  rule([U, F, F, A, F, F, F, A], 'approveRegistration', "the attendee's, approved already: CONFLICT", registrationOfA, 'mutation ($eventId: ID!, $registrationId: ID!) { approveRegistration(eventId: $eventId, registrationId: $registrationId) { status } }'),
  rule([U, F, F, A, F, F, F, A], 'rejectRegistration', "the attendee's, confirmed: CONFLICT", registrationOfA, 'mutation ($eventId: ID!, $registrationId: ID!) { rejectRegistration(eventId: $eventId, registrationId: $registrationId, reason: "audit") { status } }'),
  rule([U, A, F, A, F, F, F, A], 'cancelRegistration', "the attendee's", registrationOfA, 'mutation ($eventId: ID!, $registrationId: ID!) { cancelRegistration(eventId: $eventId, registrationId: $registrationId) { status } }',
    'it would void the ticket the ticket probes scan'),
  rule([U, A, F, A, F, F, F, A], 'reissueTicket', "the attendee's", registrationOfA, 'mutation ($eventId: ID!, $registrationId: ID!) { reissueTicket(eventId: $eventId, registrationId: $registrationId) { status } }',
    'the ticket probes reissue as the holder and as the organizer'),
  rule([U, F, F, A, F, A, F, A], 'checkIn', "A's door, a code that is no ticket", sessionOfA, 'mutation ($eventId: ID!, $sessionId: ID!) { checkIn(eventId: $eventId, sessionId: $sessionId, code: "not-a-ticket") { result } }'),
  rule([U, F, F, A, F, A, F, A], 'manualCheckIn', "the attendee, at A's door", atTheDoorOfA, 'mutation ($eventId: ID!, $sessionId: ID!, $registrationId: ID!) { manualCheckIn(eventId: $eventId, sessionId: $sessionId, registrationId: $registrationId, reason: "audit") { result } }',
    'it would change who is checked in, which the ticket probes rely on'),
  rule([U, F, F, A, F, A, F, A], 'undoCheckIn', "the attendee, at A's door", atTheDoorOfA, 'mutation ($eventId: ID!, $sessionId: ID!, $registrationId: ID!) { undoCheckIn(eventId: $eventId, sessionId: $sessionId, registrationId: $registrationId, reason: "audit") { result } }',
    'it would change who is checked in, which the ticket probes rely on'),
  rule([U, F, F, A, F, A, F, A], 'uploadScans', "A's door, for a scanner A does not have", (w) => ({ ...sessionOfA(w), deviceId: NO_SCANNER }), 'mutation ($eventId: ID!, $sessionId: ID!, $deviceId: ID!) { uploadScans(eventId: $eventId, sessionId: $sessionId, deviceId: $deviceId, scans: []) { nonce } }',
    'it needs a registered scanner; the offline scan specs upload for one'),
  rule([U, F, F, A, F, F, F, A], 'registerScannerDevice', 'a door tablet for A', (w) => ({ ...eventA(w), name: 'Audit tablet' }), 'mutation ($eventId: ID!, $name: String!) { registerScannerDevice(eventId: $eventId, name: $name) { deviceId } }'),
  rule([U, F, F, A, F, F, F, A], 'revokeScannerDevice', "a scanner A does not have", (w) => ({ ...eventA(w), deviceId: NO_SCANNER }), 'mutation ($eventId: ID!, $deviceId: ID!) { revokeScannerDevice(eventId: $eventId, deviceId: $deviceId) { deviceId } }',
    'it needs a registered scanner; the scanner device specs revoke one'),
  // Only ever the caller's own face: nobody's argument names anyone else's. (enrollFace takes a multipart request and the face models; its specs cover it.)
  rule([U, A, A, A, A, A, A, A], 'eraseFaceData', "the caller's own, none enrolled: nothing erased", none, 'mutation { eraseFaceData { erased } }'),
  rule([U, F, F, A, F, F, F, A], 'createWebhook', "event A's cancellation, at a documentation address", (w) => ({ ...eventA(w), url: AUDIT_WEBHOOK_URL }), CREATE_WEBHOOK),
  rule([U, F, F, A, F, F, F, A], 'updateWebhook', "organizer A's, to what it is", webhookOfA, 'mutation ($webhookId: ID!) { updateWebhook(webhookId: $webhookId, eventTypes: [EventCancelled]) { id } }'),
  rule([U, F, F, A, F, F, F, A], 'rotateWebhookSecret', "organizer A's", webhookOfA, 'mutation ($webhookId: ID!) { rotateWebhookSecret(webhookId: $webhookId) { secret } }'),
  rule([U, F, F, A, F, F, F, A], 'deleteWebhook', "organizer A's", webhookOfA, 'mutation ($webhookId: ID!) { deleteWebhook(webhookId: $webhookId) }',
    'it would delete the webhook the other webhook probes ask about'),
  rule([U, F, F, F, F, F, F, A], 'redeliverWebhookDelivery', 'one more attempt', () => ({ deliveryId: '00000000-0000-4000-8000-000000000000' }), 'mutation ($deliveryId: ID!) { redeliverWebhookDelivery(deliveryId: $deliveryId) { id } }',
    'the audit world has no delivery: its only webhook hears nothing that happens'),
  rule([U, F, F, F, F, F, F, A], 'rebuildProjection', 'attendance', none, 'mutation { rebuildProjection(name: "attendance") { id } }',
    'a rebuild would run under every other probe'),
  rule([U, F, F, F, F, F, F, A], 'replayDeadLetters', 'ticket mail', none, 'mutation { replayDeadLetters(consumer: "ticket-mail") { replayed } }',
    'it would hand reactors their failures again'),
];
