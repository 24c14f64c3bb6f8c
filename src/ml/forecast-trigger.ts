import { parseStream } from '../domain/streams.js';
import type { IntegrationEvent } from '../integration/contract.js';
import type { PublishedType } from '../integration/published-types.js';
import type { FollowerLog } from '../log-follower/follower-log.js';
import { causedBy } from '../eventstore/trace.js';
import { FORECAST_REFRESH_QUEUE } from '../jobs/queues.js';
import type { Jobs } from '../jobs/jobs.js';
import type { ForecastRefreshData } from './forecast/refresh-forecasts.js';
import type { WorkerReactor } from './reactors.js';

/**
 * Changes within one window of this many seconds refresh an event's forecast once, when the
 * window closes: a burst of registrations costs one refresh, and the refresh still comes
 * after the last change it covers.
 */
export const REFRESH_WINDOW_SECONDS = 30;

/**
 * What changes who is expected at an event, on the event's own stream. Forecasts cover
 * confirmed registrations only, so these are left out on purpose: RegistrationRejected (it
 * only ever refuses a pending or waitlisted one), RegistrationWaitlisted, and TicketReissued
 * (the same person keeps the same seat).
 */
const ON_EVENT_STREAM = [
  'RegistrationConfirmed',
  'RegistrationCancelled',
  'CapacityChanged',
  'SessionsScheduled',
  'EventCancelled',
] as const satisfies readonly PublishedType[];

/** Who actually came (a face match is a check-in): check-in streams are per session and ticket, so the event id is in the data. */
const CHECK_INS = ['CheckedIn', 'FaceMatched', 'CheckInUndone'] as const satisfies readonly PublishedType[];

const isOneOf = <T extends string>(types: readonly T[], type: string): type is T => (types as readonly string[]).includes(type);

/** The event whose forecast this integration event makes stale, if any. */
export const staleForecastOf = (event: IntegrationEvent): string | undefined => {
  const stream = parseStream(event.streamId);
  if (isOneOf(ON_EVENT_STREAM, event.type) && stream.kind === 'event') return stream.eventId;
  if (isOneOf(CHECK_INS, event.type) && typeof event.data.eventId === 'string') return event.data.eventId;
  return undefined;
};

/**
 * Queues a forecast refresh for an event whenever who is expected there changes. Idempotent:
 * a redelivered event falls into a window whose job exists already (pg-boss's unique
 * key, window and queue), or at worst queues one more refresh of the same forecast.
 */
export class ForecastTrigger implements WorkerReactor {
  readonly name = 'forecast-trigger';
  readonly categories = ['event', 'checkin'];

  constructor(
    private readonly jobs: Jobs,
    /** Where each refresh queued is told, with the trace of the change that made it stale. */
    private readonly log?: FollowerLog,
  ) {}

  reactsTo(event: IntegrationEvent): boolean {
    return staleForecastOf(event) !== undefined;
  }

  async handle(event: IntegrationEvent): Promise<void> {
    const eventId = staleForecastOf(event);
    if (eventId) await this.refresh(eventId, event);
  }

  /**
   * One refresh per event the batch makes stale, told with its first change: sent together,
   * the others would fall into the same window, and its refresh runs after all of them.
   */
  async handleBatch(events: readonly IntegrationEvent[]): Promise<void> {
    const first = new Map<string, IntegrationEvent>();
    for (const event of events) {
      const eventId = staleForecastOf(event);
      if (eventId && !first.has(eventId)) first.set(eventId, event);
    }
    for (const [eventId, event] of first) await this.refresh(eventId, event);
  }

  private async refresh(eventId: string, event: IntegrationEvent): Promise<void> {
    const trace = causedBy(event);
    // singletonSeconds keys the job to the window (PostgreSQL's clock, like startAfter's), so
    // sends within it are dropped; startAfter holds the job until the window has closed.
    const jobId = await (await this.jobs.boss()).send(FORECAST_REFRESH_QUEUE, { eventId, trace } satisfies ForecastRefreshData, {
      singletonKey: eventId,
      singletonSeconds: REFRESH_WINDOW_SECONDS,
      startAfter: REFRESH_WINDOW_SECONDS,
    });
    // A change within a window whose refresh is queued already queues nothing.
    if (jobId) this.log?.info({ reactor: this.name, ...trace, jobId }, `reactor ${this.name}: forecast refresh queued for ${event.type}`);
  }
}
