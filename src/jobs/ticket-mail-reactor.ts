import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { parseStream } from '../domain/streams.js';
import { type Position, comparePositions, formatPosition, parsePosition } from '../eventstore/position.js';
import type { IntegrationEvent } from '../integration/contract.js';
import type { Reactor } from '../integration/delivery.js';
import type { PublishedType } from '../integration/published-types.js';
import type { FollowerLog } from '../log-follower/follower-log.js';
import { causedBy } from '../eventstore/trace.js';
import { ticketRegistrations } from '../projections/attendance/registration-queries.js';
import { ATTENDANCE, LIVE, VERSION } from '../projections/attendance/tables.js';
import type { Jobs } from './jobs.js';
import { readCheckpoint } from '../projections/runner.js';
import { readSchemaVersion } from '../projections/schema-version.js';
import { isUuid } from '../uuid.js';
import { TICKET_DELIVERY_QUEUE } from './queues.js';
import { TICKET_MAIL_HORIZON_MS, type TicketDeliveryData, ticketDeliveryJobId } from './ticket-delivery.js';

/**
 * How long the reactor waits for the attendance projection to apply an event before it gives
 * up on this try (delivery retries, then sets the event aside as a dead letter). Below
 * Kafka's default session timeout of 30 s, so one try does not cost a consumer its partitions.
 */
const DEFAULT_WAIT_MS = 20_000;
const POLL_MS = 100;

/** The types of event that issue a ticket. */
const ISSUING: ReadonlySet<string> = new Set(['RegistrationConfirmed', 'TicketReissued'] satisfies PublishedType[]);

/** The registration whose ticket an event issues, when it issues one recent enough to mail. */
export const ticketIssuedBy = (event: IntegrationEvent, now: Date): { eventId: string; registrationId: string } | undefined => {
  if (!ISSUING.has(event.type)) return undefined;
  const stream = parseStream(event.streamId);
  const { registrationId } = event.data;
  if (stream.kind !== 'event' || !isUuid(stream.eventId) || typeof registrationId !== 'string' || !isUuid(registrationId)) return undefined;
  // A read of old history (a first start on an existing store) mails nothing: those tickets went out long ago.
  if (now.getTime() - Date.parse(event.occurredAt) > TICKET_MAIL_HORIZON_MS) return undefined;
  return { eventId: stream.eventId, registrationId };
};

export interface TicketMailDependencies {
  jobs: Jobs;
  pool: pg.Pool;
  waitMs?: number;
  now?: () => Date;
  /** Where each ticket mail queued is told, with the trace of the event that issued it. */
  log?: FollowerLog;
}

/**
 * Mails a ticket when a registration is confirmed or its ticket reissued: queues a
 * `ticket-delivery` job for the ticket's current version, once the attendance projection has
 * applied the event, so that the job reads the version, the holder and the event the mail
 * shows. The job id is the ticket version's, so a redelivered or replayed event queues
 * nothing more, and an event whose ticket a later reissue superseded queues the later version
 * once, as that reissue does. pg-boss keeps jobs past the mail horizon (`Jobs`), so within it
 * the id is always there to match.
 */
export class TicketMail implements Reactor {
  readonly name = 'ticket-mail';
  readonly categories = ['event'];
  /**
   * A position the live tables of this code's version are known to have applied. Live tables
   * only move on (a rebuild swaps in tables caught up further, of a version no older), so the
   * events up to it need no look (a connection and two queries): during an on-sale the
   * projector is mostly ahead.
   */
  private applied: Position | undefined;

  constructor(private readonly deps: TicketMailDependencies) {}

  reactsTo(event: IntegrationEvent): boolean {
    return ISSUING.has(event.type);
  }

  handle(event: IntegrationEvent): Promise<void> {
    return this.handleBatch([event]);
  }

  /**
   * The tickets a batch of events issues, as one: one wait for the projection, the
   * registrations read in one query, one insert for all their jobs. A sell-out confirms
   * thousands at once; one at a time, each waiting for its own look, read and insert, they
   * queued at 70 a second under bench:onsale's load: over two minutes for 10,000 tickets.
   */
  async handleBatch(events: readonly IntegrationEvent[]): Promise<void> {
    const now = this.deps.now?.() ?? new Date();
    const issued = events.flatMap((event) => {
      const ticket = ticketIssuedBy(event, now);
      return ticket ? [{ event, ...ticket }] : [];
    });
    if (issued.length === 0) return;
    await this.projected(issued.map(({ event }) => parsePosition(event.position)).reduce((a, b) => (comparePositions(a, b) >= 0 ? a : b)));
    const tickets = await ticketRegistrations(this.deps.pool, issued);
    const queued = new Map<string, { job: PgBoss.JobInsert<TicketDeliveryData>; event: IntegrationEvent }>();
    issued.forEach(({ event }, i) => {
      const ticket = tickets[i];
      // Cancelled since, or held by an attendee id the read model could not store: no ticket to mail.
      if (!ticket || ticket.status !== 'confirmed' || ticket.attendeeId === null) return;
      const { eventId, registrationId, attendeeId, ticketVersion: version } = ticket;
      const id = ticketDeliveryJobId(eventId, registrationId, version);
      // A reissue later in the batch has already made this version the current one: one job, as the reissue's.
      if (queued.has(id)) queued.delete(id);
      const data = { eventId, registrationId, attendeeId, version, trace: causedBy(event) } satisfies TicketDeliveryData;
      queued.set(id, { job: { name: TICKET_DELIVERY_QUEUE, id, data, singletonKey: `${eventId}:${registrationId}:${version}` }, event });
    });
    if (queued.size === 0) return;
    // A job id already taken (a redelivered or replayed event) inserts nothing: pg-boss skips conflicts.
    await (await this.deps.jobs.boss()).insert([...queued.values()].map(({ job }) => job));
    for (const { job, event } of queued.values())
      this.deps.log?.info({ reactor: this.name, ...job.data!.trace, jobId: job.id }, `reactor ${this.name}: ticket ${job.data!.version > 1 ? 'reissue ' : ''}mail queued for ${event.type}`);
  }

  /**
   * Resolves once the live attendance tables are of this code's version and have applied
   * `position`; throws after the wait. Tables of an older version are being rebuilt aside
   * (their checkpoint stands still meanwhile), and this code's queries may not fit them.
   */
  private async projected(position: Position): Promise<void> {
    if (this.applied && comparePositions(this.applied, position) >= 0) return;
    const waitMs = this.deps.waitMs ?? DEFAULT_WAIT_MS;
    const deadline = Date.now() + waitMs;
    while (!(await this.hasApplied(position))) {
      if (Date.now() >= deadline) throw new Error(`The attendance tables of version ${VERSION} have not applied position ${formatPosition(position)} within ${waitMs} ms`);
      await sleep(POLL_MS);
    }
  }

  private async hasApplied(position: Position): Promise<boolean> {
    const client = await this.deps.pool.connect();
    try {
      const applied = (await readCheckpoint(client, ATTENDANCE))?.position;
      if (applied === undefined || comparePositions(applied, position) < 0 || (await readSchemaVersion(client, LIVE)) !== VERSION) return false;
      this.applied = applied;
      return true;
    } finally {
      client.release();
    }
  }
}
