import { randomBytes } from 'node:crypto';
import type { AuditTarget } from './audit-target.js';
import {
  APPROVE_REGISTRATION,
  ASSIGN_STAFF,
  CREATE_EVENT,
  GRANT_ROLE,
  LOG_IN,
  PUBLISH_EVENT,
  REGISTER,
  SCHEDULE_SESSIONS,
  SIGN_UP,
  STREAM_HISTORY,
  STREAM_HISTORY_PAGE,
  TICKET,
  VERIFY_EMAIL,
} from './documents.js';
import { AuditClient, type GraphqlAnswer } from './http-client.js';
import { OutboxReader } from './outbox.js';
import { eventually, expectField, fail } from './probe.js';

/** Someone the probes act as: a verified, logged-in account. */
export interface Person {
  email: string;
  password: string;
  name: string;
  accountId: string;
  accessToken: string;
  refreshToken: string;
}

export interface EventUnderTest {
  eventId: string;
  sessionId: string;
}

/**
 * Everything the probes share, made once per run through the API alone: the people of each
 * role, two published events with their own organizer and staff, drafts, and one confirmed
 * ticket. Probes that use an account up (disable it, lock it out, erase it) get one of their own.
 */
export interface World {
  client: AuditClient;
  outbox: OutboxReader;
  /** In every address the run makes, so runs against one long-lived server do not collide. */
  run: string;
  admin: Person;
  /** Organizes event A, where `attendee` holds the ticket and `staffA` works the door. */
  organizerA: Person;
  /** Organizes event B, where `staffB` works the door. */
  organizerB: Person;
  staffA: Person;
  staffB: Person;
  /** Holds the confirmed ticket for event A. */
  attendee: Person;
  /** Holds no ticket of anyone's. */
  otherAttendee: Person;
  /** For the probes that disable, lock out and erase an account. */
  toDisable: Person;
  /** Also the authorization policy's bystander: an account none of the callers is. */
  toLockOut: Person;
  toErase: Person;
  /** Signed up and never verified: the new address whose answer a taken one must match, and whom an admin erases. */
  unverified: { email: string; accountId: string; signUp: GraphqlAnswer };
  eventA: EventUnderTest;
  eventB: EventUnderTest;
  /** Organizer A's, never published. */
  draft: { eventId: string };
  /** Organizer A's draft that the authorization matrix cancels. */
  toCancel: { eventId: string };
  /** The attendee's registration for event A, approved. */
  ticket: { registrationId: string; ticketId: string };
  /** Organizer A's webhook on event A, hearing only its cancellation (which never comes), at a documentation address. */
  webhookOfA: { webhookId: string };
}

/** TEST-NET-1 (RFC 5737): a public address, so webhooks may point to it, that routes nowhere. */
export const AUDIT_WEBHOOK_URL = 'https://192.0.2.10/audit';

/** A webhook on the event's cancellation alone: nothing the probes do is delivered to it. */
export const CREATE_WEBHOOK = 'mutation ($url: String!, $eventId: ID) { createWebhook(url: $url, eventTypes: [EventCancelled], eventId: $eventId) { webhook { id } } }';

export const newPassword = (): string => `pw-${randomBytes(12).toString('base64url')}`;

export const addressFor = (run: string, label: string): string => `audit-${run}-${label}@example.org`;

/** Details of an event open for registration now, under the rules EventDetailsInput states. */
export const eventDetails = (title: string) => ({
  title,
  venue: 'Audit hall',
  timeZone: 'Europe/Warsaw',
  registrationOpensAt: new Date(Date.now() - 60 * 60_000).toISOString(),
  registrationClosesAt: new Date(Date.now() + 7 * 24 * 60 * 60_000).toISOString(),
  requiresApproval: true,
});

/** A session whose check-in is open now: it starts in ten minutes, and the door opens an hour before. */
export const sessionOpenNow = () => ({ startsAt: new Date(Date.now() + 10 * 60_000).toISOString(), endsAt: new Date(Date.now() + 2 * 60 * 60_000).toISOString() });

/** Positions are `"42"`, or `"42/40"` on EventStoreDB: the first number orders them. */
const positionValue = (position: string): bigint => BigInt(position.split('/')[0] ?? '0');

export const logIn = async (client: AuditClient, email: string, password: string) =>
  expectField<{ accessToken: string; refreshToken: string; expiresAt: string; account: { id: string } }>(await client.graphql(LOG_IN, { email, password }), 'logIn');

/** Follows the link of the `count`-th verification mail to `email`, as its owner would. */
export const verifyByMail = async (client: AuditClient, outbox: OutboxReader, email: string, count = 1): Promise<void> => {
  const mail = await outbox.waitFor(email, 'email-verification', count);
  if (!mail) fail(`expected verification mail number ${count} to ${email} in ${outbox.directory}`);
  expectField(await client.graphql(VERIFY_EMAIL, { token: mail!.token }), 'verifyEmail');
};

/** The accounts every run signs up and verifies, one per part they play. */
const LABELS = ['organizer-a', 'organizer-b', 'staff-a', 'staff-b', 'attendee', 'other-attendee', 'to-disable', 'to-lock-out', 'to-erase'] as const;
type Label = (typeof LABELS)[number];
const ROLES_GRANTED: [Label, string][] = [
  ['organizer-a', 'organizer'],
  ['organizer-b', 'organizer'],
  ['staff-a', 'staff'],
  ['staff-b', 'staff'],
];

export const buildWorld = async (target: AuditTarget): Promise<World> => {
  const client = new AuditClient(target.url);
  const outbox = new OutboxReader(target.outboxDir);
  const run = randomBytes(4).toString('hex');
  let latest = '0';
  const note = (position: string) => {
    if (positionValue(position) > positionValue(latest)) latest = position;
  };

  const signUp = async (label: string) => {
    const account = { email: addressFor(run, label), password: newPassword(), name: `Audit ${label}` };
    const answer = await client.graphql(SIGN_UP, account);
    return { ...account, accountId: expectField<{ accountId: string }>(answer, 'signUp').accountId, signUp: answer };
  };
  const [accounts, unverified] = await Promise.all([Promise.all(LABELS.map(signUp)), signUp('unverified')]);
  await Promise.all(accounts.map((account) => verifyByMail(client, outbox, account.email)));
  const signedUp = Object.fromEntries(LABELS.map((label, i) => [label, accounts[i]!])) as Record<Label, (typeof accounts)[number]>;

  const adminSession = await logIn(client, target.admin.email, target.admin.password);
  const admin: Person = { ...target.admin, name: 'Audit Admin', accountId: adminSession.account.id, accessToken: adminSession.accessToken, refreshToken: adminSession.refreshToken };
  for (const [label, role] of ROLES_GRANTED)
    note(expectField<{ position: string }>(await client.graphql(GRANT_ROLE, { accountId: signedUp[label].accountId, role }, admin.accessToken), 'grantRole').position);
  // After the grants: a token carries the roles its account had when it was issued.
  const loggedIn = await Promise.all(
    LABELS.map(async (label): Promise<Person> => {
      const { email, password, name, accountId } = signedUp[label];
      const { accessToken, refreshToken } = await logIn(client, email, password);
      return { email, password, name, accountId, accessToken, refreshToken };
    }),
  );
  const person = (label: Label): Person => loggedIn[LABELS.indexOf(label)]!;

  const call = async <T extends { position: string | null }>(field: string, document: string, variables: Record<string, unknown>, as: Person): Promise<T> => {
    const value = expectField<T>(await client.graphql(document, variables, as.accessToken), field);
    if (value.position) note(value.position);
    return value;
  };
  const createEvent = async (as: Person, title: string) =>
    (await call<{ eventId: string; position: string }>('createEvent', CREATE_EVENT, { details: eventDetails(title), capacity: 10 }, as)).eventId;
  const publishedEvent = async (as: Person, staff: Person, title: string): Promise<EventUnderTest> => {
    const eventId = await createEvent(as, title);
    const scheduled = await call<{ sessions: { sessionId: string }[]; position: string }>('scheduleSessions', SCHEDULE_SESSIONS, { eventId, plan: sessionOpenNow() }, as);
    await call('assignStaff', ASSIGN_STAFF, { eventId, staffId: staff.accountId }, as);
    await call('publishEvent', PUBLISH_EVENT, { eventId }, as);
    return { eventId, sessionId: scheduled.sessions[0]!.sessionId };
  };
  const [eventA, eventB, draft, toCancel] = await Promise.all([
    publishedEvent(person('organizer-a'), person('staff-a'), 'Audit event A'),
    publishedEvent(person('organizer-b'), person('staff-b'), 'Audit event B'),
    createEvent(person('organizer-a'), 'Audit draft'),
    createEvent(person('organizer-a'), 'Audit draft to cancel'),
  ]);

  const { registrationId } = await call<{ registrationId: string; position: string }>('register', REGISTER, { eventId: eventA.eventId }, person('attendee'));
  const webhookOfA = expectField<{ webhook: { id: string } }>(
    await client.graphql(CREATE_WEBHOOK, { url: AUDIT_WEBHOOK_URL, eventId: eventA.eventId }, person('organizer-a').accessToken),
    'createWebhook',
  ).webhook.id;
  await call('approveRegistration', APPROVE_REGISTRATION, { eventId: eventA.eventId, registrationId }, person('organizer-a'));

  // The read side must hold all of it before probes ask who is on which event's team.
  const caughtUp = await eventually(async () => {
    const answer = await client.graphql(`query ($e: ID!, $at: String) { registrations(eventId: $e, atPosition: $at, first: 1) { nodes { registrationId } } }`, { e: eventA.eventId, at: latest }, admin.accessToken);
    return answer.errors?.length ? undefined : answer;
  }, 20_000);
  if (!caughtUp) fail(`expected the read side to reach position ${latest} within 20 s`);

  return {
    client,
    outbox,
    run,
    admin,
    organizerA: person('organizer-a'),
    organizerB: person('organizer-b'),
    staffA: person('staff-a'),
    staffB: person('staff-b'),
    attendee: person('attendee'),
    otherAttendee: person('other-attendee'),
    toDisable: person('to-disable'),
    toLockOut: person('to-lock-out'),
    toErase: person('to-erase'),
    unverified: { email: unverified.email, accountId: unverified.accountId, signUp: unverified.signUp },
    eventA,
    eventB,
    draft: { eventId: draft },
    toCancel: { eventId: toCancel },
    ticket: { registrationId, ticketId: `${eventA.eventId}_${registrationId}` },
    webhookOfA: { webhookId: webhookOfA },
  };
};

/** The attendee's ticket code as their app shows it now (signed afresh for the current version). */
export const currentTicketCode = async (world: World): Promise<string> => {
  const ticket = expectField<{ code: string | null }>(await world.client.graphql(TICKET, { ticketId: world.ticket.ticketId }, world.attendee.accessToken), 'ticket');
  if (!ticket.code) fail(`expected the holder to see the code of ticket ${world.ticket.ticketId}`);
  return ticket.code!;
};

/** Every event of a stream, as an admin's replay of the store shows it page after page, each after the last revision of the one before. */
export const replayedStream = async (
  world: Pick<World, 'client'> & { admin: Pick<Person, 'accessToken'> },
  streamId: string,
): Promise<{ revision: string; eventId: string; type: string; data: unknown }[]> => {
  const events: { revision: string; eventId: string; type: string; data: unknown }[] = [];
  for (;;) {
    const answer = await world.client.graphql(STREAM_HISTORY, { streamId, after: events.at(-1)?.revision ?? null }, world.admin.accessToken);
    const page = expectField<typeof events>(answer, 'streamHistory');
    events.push(...page);
    if (page.length < STREAM_HISTORY_PAGE) return events;
  }
};
