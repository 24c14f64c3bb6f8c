import {
  APPROVE_REGISTRATION,
  ASSIGN_STAFF,
  CHECK_IN,
  CREATE_EVENT,
  GRANT_ROLE,
  PUBLISH_EVENT,
  REGISTER,
  SCHEDULE_SESSIONS,
  SIGN_UP,
  TICKET,
  VERIFY_EMAIL,
} from '../../src/security/audit/documents.js';
import type { AuditClient } from '../../src/security/audit/http-client.js';
import type { OutboxReader } from '../../src/security/audit/outbox.js';
import { eventually, expectField, fail } from '../../src/security/audit/probe.js';
import { type Person, eventDetails, logIn, newPassword, sessionOpenNow } from '../../src/security/audit/world.js';
import { ATTENDANCE_FORECAST, CANCEL_REGISTRATION, EVENT_COUNTS, REBUILD_JOB, REBUILD_PROJECTION, REGISTRATIONS, REJECT_REGISTRATION } from './documents.js';

/**
 * The fleet proof's steps, through the GraphQL API alone, as the people of an event take them:
 * each request names the API process it goes to, and batches spread over both, as a load
 * balancer would. The security audit's HTTP client keeps every 5xx answer for the last check.
 */

/** Several verification mails leave per second; a busy machine (or a projector killed mid-run) takes longer. */
const MAIL_WAIT_MS = 90_000;
/** Requests in flight at once, per batch: a few per API process, as clients at a door or a sign-up page. */
export const IN_FLIGHT = 8;

/** Runs `each` over `items` at most `limit` at a time; the results come in the order of `items`. */
export const atMost = async <T, R>(limit: number, items: readonly T[], each: (item: T, index: number) => Promise<R>): Promise<R[]> => {
  const results: R[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await each(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
};

/** {@link atMost} under way: how many items are done so far, to act while the rest are still in flight. */
export const underWay = <T, R>(limit: number, items: readonly T[], each: (item: T, index: number) => Promise<R>) => {
  let done = 0;
  const all = atMost(limit, items, async (item, index) => {
    const result = await each(item, index);
    done++;
    return result;
  });
  return { all, done: () => done, reached: (count: number) => eventually(async () => (done >= count ? true : undefined), 60_000, 10) };
};

/** Request number `index` of a batch goes to API process `index % 2`. */
export const spread = (apis: readonly AuditClient[], index: number): AuditClient => apis[index % apis.length]!;

/** The root field `field` of a request that must succeed, sent as `as` (or anonymously). */
export const ask = async <T>(api: AuditClient, field: string, document: string, variables: Record<string, unknown>, as?: Pick<Person, 'accessToken'>): Promise<T> =>
  expectField<T>(await api.graphql(document, variables, as?.accessToken), field);

/** Positions are decimal strings on the PostgreSQL store: the largest of them, to read one's own writes at. */
export const latest = (positions: readonly string[]): string => positions.reduce((a, b) => (BigInt(b) > BigInt(a) ? b : a), '0');

/** The verification token mailed to each address, once every one of them has arrived. */
const verificationTokens = async (outbox: OutboxReader, emails: readonly string[]): Promise<Map<string, string>> => {
  const wanted = new Set(emails);
  const tokens = await eventually(async () => {
    const mails = (await outbox.mails()).filter((mail) => mail.kind === 'email-verification' && wanted.has(mail.to));
    const found = new Map(mails.map((mail) => [mail.to, mail.token]));
    return found.size === wanted.size ? found : undefined;
  }, MAIL_WAIT_MS, 1_000);
  if (!tokens) fail(`expected ${wanted.size} verification mails in ${outbox.directory} within ${MAIL_WAIT_MS / 1000} s`);
  return tokens!;
};

/** One account per label: signed up, verified with the token from its mail, and logged in. */
export const signUpEveryone = async (apis: readonly AuditClient[], outbox: OutboxReader, run: string, labels: readonly string[]): Promise<Person[]> => {
  const accounts = await atMost(IN_FLIGHT, labels, async (label, i) => {
    const account = { email: `fleet-${run}-${label}@example.org`, password: newPassword(), name: `Fleet ${label}` };
    return { ...account, ...(await ask<{ accountId: string }>(spread(apis, i), 'signUp', SIGN_UP, account)) };
  });
  const tokens = await verificationTokens(
    outbox,
    accounts.map((account) => account.email),
  );
  return atMost(IN_FLIGHT, accounts, async ({ email, password, name, accountId }, i) => {
    await ask(spread(apis, i + 1), 'verifyEmail', VERIFY_EMAIL, { token: tokens.get(email) });
    const { accessToken, refreshToken } = await logIn(spread(apis, i), email, password);
    return { email, password, name, accountId, accessToken, refreshToken };
  });
};

/** `person` with `role` granted by `admin`, logged in again: a token carries the roles its account had when it was issued. */
export const granted = async (api: AuditClient, admin: Person, person: Person, role: 'organizer' | 'staff'): Promise<Person> => {
  await ask(api, 'grantRole', GRANT_ROLE, { accountId: person.accountId, role }, admin);
  const { accessToken, refreshToken } = await logIn(api, person.email, person.password);
  return { ...person, accessToken, refreshToken };
};

export interface FleetEvent {
  eventId: string;
  /** Two days running; the first starts in ten minutes, so its door is open now. */
  sessionIds: string[];
}

/** A published event that needs the organizer's approval, with `capacity` seats, two sessions and `staff` at the door. */
export const publishedEvent = async (api: AuditClient, organizer: Person, staff: Person, capacity: number): Promise<FleetEvent> => {
  const { eventId } = await ask<{ eventId: string }>(api, 'createEvent', CREATE_EVENT, { details: eventDetails('Fleet conference'), capacity }, organizer);
  const plan = { ...sessionOpenNow(), repeat: { count: 2, every: 'day' } };
  const { sessions } = await ask<{ sessions: { sessionId: string }[] }>(api, 'scheduleSessions', SCHEDULE_SESSIONS, { eventId, plan }, organizer);
  await ask(api, 'assignStaff', ASSIGN_STAFF, { eventId, staffId: staff.accountId }, organizer);
  await ask(api, 'publishEvent', PUBLISH_EVENT, { eventId }, organizer);
  return { eventId, sessionIds: sessions.map((session) => session.sessionId) };
};

/** What a registration command answered. */
export interface Decided {
  registrationId: string;
  status: string;
  position: string;
}

export const register = (api: AuditClient, { eventId }: FleetEvent, attendee: Person): Promise<Decided> =>
  ask<Decided>(api, 'register', REGISTER, { eventId }, attendee);

export const approve = (api: AuditClient, { eventId }: FleetEvent, organizer: Person, registrationId: string): Promise<Decided> =>
  ask<Decided>(api, 'approveRegistration', APPROVE_REGISTRATION, { eventId, registrationId }, organizer).then((answer) => ({ ...answer, registrationId }));

export const reject = (api: AuditClient, { eventId }: FleetEvent, organizer: Person, registrationId: string): Promise<Decided> =>
  ask<Decided>(api, 'rejectRegistration', REJECT_REGISTRATION, { eventId, registrationId, reason: 'The hall is for members only' }, organizer).then(
    (answer) => ({ ...answer, registrationId }),
  );

export const cancel = (api: AuditClient, { eventId }: FleetEvent, attendee: Person, registrationId: string): Promise<Decided> =>
  ask<Decided>(api, 'cancelRegistration', CANCEL_REGISTRATION, { eventId, registrationId }, attendee).then((answer) => ({ ...answer, registrationId }));

export interface EventCounts {
  counts: { confirmed: number; pending: number; waitlisted: number };
  sessions: { sessionId: string; checkedIn: number }[];
}

/** The event's counts on the read side once it holds `at`. */
export const eventCounts = (api: AuditClient, { eventId }: FleetEvent, organizer: Person, at?: string): Promise<EventCounts> =>
  ask<EventCounts>(api, 'event', EVENT_COUNTS, { eventId, at: at ?? null }, organizer);

/** Every registration of the event in `status` on the read side once it holds `at`, page after page. */
export const registrationIds = async (api: AuditClient, { eventId }: FleetEvent, organizer: Person, status: string, at: string): Promise<string[]> => {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    type Page = { nodes: { registrationId: string }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } };
    const page: Page = await ask<Page>(api, 'registrations', REGISTRATIONS, { eventId, status, after, at }, organizer);
    ids.push(...page.nodes.map((node) => node.registrationId));
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
  }
};

/** The code of the attendee's ticket as their app shows it. */
export const ticketCode = async (api: AuditClient, { eventId }: FleetEvent, attendee: Person, registrationId: string): Promise<string> => {
  const { code } = await ask<{ code: string | null }>(api, 'ticket', TICKET, { ticketId: `${eventId}_${registrationId}` }, attendee);
  if (!code) fail(`expected ${attendee.email} to see the code of their ticket`);
  return code!;
};

/** A scan at the door of the event's first session: what the person at the door sees. */
export const scan = (api: AuditClient, { eventId, sessionIds }: FleetEvent, staff: Person, code: string) =>
  ask<{ result: string; registrationId: string | null }>(api, 'checkIn', CHECK_IN, { eventId, sessionId: sessionIds[0], code }, staff);

/** The addresses the outbox holds a ticket mail for. */
export const ticketMailed = async (outbox: OutboxReader): Promise<Set<string>> =>
  new Set((await outbox.mails()).filter((mail) => mail.kind === 'ticket').map((mail) => mail.to));

export interface Forecast {
  computedAt: string | null;
  sessions: {
    sessionId: string;
    confirmed: number;
    expectedAttendance: number;
    low: number;
    high: number;
    registrations: { registrationId: string; probability: number }[];
  }[];
}

/** The event's forecast as its organizer sees it; null before the first one was made. */
export const forecastOf = async (api: AuditClient, { eventId }: FleetEvent, organizer: Person): Promise<Forecast | null> =>
  ((await api.graphql(ATTENDANCE_FORECAST, { eventId }, organizer.accessToken)).data?.attendanceForecast as Forecast | null | undefined) ?? null;

/**
 * Has `admin` ask for a rebuild of `projection`, then asks both APIs for the event's counts, one
 * after the other, until the job completed or failed: the job as it ended (undefined if it did
 * not within a minute), and every answer given before it had.
 */
export const rebuildWhileAsking = async (
  apis: readonly AuditClient[],
  { admin, organizer }: { admin: Person; organizer: Person },
  event: FleetEvent,
  projection: string,
): Promise<{ ended: { state: string; output: unknown } | undefined; answered: EventCounts[] }> => {
  const { id } = await ask<{ id: string }>(apis[0]!, 'rebuildProjection', REBUILD_PROJECTION, { name: projection }, admin);
  const answered: EventCounts[] = [];
  const ended = await eventually(async () => {
    const counts = await eventCounts(spread(apis, answered.length), event, organizer);
    const job = await ask<{ state: string; output: unknown }>(apis[0]!, 'rebuildJob', REBUILD_JOB, { id }, admin);
    if (job.state === 'completed' || job.state === 'failed') return job;
    answered.push(counts);
    return undefined;
  }, 60_000, 50);
  return { ended, answered };
};
