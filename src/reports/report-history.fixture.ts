import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { AccountEvent } from '../domain/account/account.js';
import type { CheckInEvent } from '../domain/check-in/check-in.js';
import { schemaVersionOf } from '../domain/decode.js';
import type { EventEvent, RegistrationConfirmedVia } from '../domain/event/event.js';
import { accountStream, checkInStream, eventStream } from '../domain/streams.js';
import type { EventStore, JsonObject } from '../eventstore/event-store.js';
import { projections } from '../projections/projections.js';
import { type ProjectionFailure, ProjectionRunner } from '../projections/runner.js';

/** A session per [start, end], its check-in open while it runs. */
const sessionsOf = (periods: readonly [string, string][]) =>
  periods.map(([startsAt, endsAt]) => ({ sessionId: randomUUID(), startsAt, endsAt, checkInOpensAt: startsAt, checkInClosesAt: endsAt }));

/**
 * A past written to a real event store as the deciders would have written it, each fact at
 * the time it happened (`metadata.occurredAt`): the command side cannot write a past (it
 * checks windows against the clock), and reports and exports read what the projections make
 * of the log, times included. Every projection runs over it, names sealed as the store seals
 * them.
 */
export class ReportHistory {
  constructor(private readonly store: EventStore) {}

  private async record(streamId: string, events: readonly (EventEvent | CheckInEvent | AccountEvent)[], at: string): Promise<void> {
    await this.store.append(
      streamId,
      events.map((event) => ({
        id: randomUUID(),
        type: event.type,
        data: event.data as unknown as JsonObject,
        metadata: { correlationId: randomUUID(), causationId: randomUUID(), actorId: 'history', commandId: randomUUID(), occurredAt: at, schemaVersion: schemaVersionOf(event.type) },
      })),
      'any',
    );
  }

  /** An account with this name and address, verified; returns its id. */
  async person(name: string, email = `${randomUUID()}@example.org`): Promise<string> {
    const accountId = randomUUID();
    const at = '2025-01-01T00:00:00.000Z';
    await this.record(
      accountStream(accountId),
      [
        { type: 'AccountSignedUp', data: { accountId, email, name, passwordHash: 'none', roles: ['attendee'], signedUpAt: at } },
        { type: 'EmailVerified', data: { verifiedAt: at } },
      ],
      at,
    );
    return accountId;
  }

  /** A published event of `organizerId`'s with a session per [start, end], created at `at`. */
  async event(
    organizerId: string,
    options: { title?: string; timeZone?: string; requiresApproval?: boolean; staffId?: string; sessions: readonly [string, string][] },
    at: string,
  ): Promise<{ eventId: string; sessionIds: string[] }> {
    const eventId = randomUUID();
    const sessions = sessionsOf(options.sessions);
    const details = {
      title: options.title ?? 'Reported event',
      description: '',
      venue: 'Hall',
      timeZone: options.timeZone ?? 'UTC',
      registrationOpensAt: at,
      registrationClosesAt: sessions[0]?.startsAt ?? at,
      requiresApproval: options.requiresApproval ?? false,
      faceVerification: 'off' as const,
    };
    await this.record(
      eventStream(eventId),
      [
        { type: 'EventCreated', data: { eventId, organizerId, details, capacity: 100 } },
        { type: 'SessionsScheduled', data: { sessions } },
        ...(options.staffId ? [{ type: 'StaffAssigned' as const, data: { staffId: options.staffId } }] : []),
        { type: 'EventPublished', data: { eventId } },
      ],
      at,
    );
    return { eventId, sessionIds: sessions.map((s) => s.sessionId) };
  }

  /** More sessions of an event, one per [start, end], scheduled at `at`; returns their ids. */
  async schedule(eventId: string, periods: readonly [string, string][], at: string): Promise<string[]> {
    const sessions = sessionsOf(periods);
    await this.record(eventStream(eventId), [{ type: 'SessionsScheduled', data: { sessions } }], at);
    return sessions.map((s) => s.sessionId);
  }

  /** A registration asking for approval (pending); returns its id. */
  async submit(eventId: string, attendeeId: string, at: string): Promise<string> {
    const registrationId = randomUUID();
    await this.record(eventStream(eventId), [{ type: 'RegistrationSubmitted', data: { registrationId, attendeeId } }], at);
    return registrationId;
  }

  /** A registration confirmed at once; returns its id. */
  async register(eventId: string, attendeeId: string, at: string): Promise<string> {
    const registrationId = randomUUID();
    await this.confirm(eventId, registrationId, attendeeId, 'registration', at);
    return registrationId;
  }

  async confirm(eventId: string, registrationId: string, attendeeId: string, via: RegistrationConfirmedVia, at: string): Promise<void> {
    await this.record(eventStream(eventId), [{ type: 'RegistrationConfirmed', data: { registrationId, attendeeId, via } }], at);
  }

  /** The organizer's note on a registration, sealed under its attendee's key as the store seals it. */
  async note(eventId: string, registrationId: string, attendeeId: string, note: string, at: string): Promise<void> {
    await this.record(eventStream(eventId), [{ type: 'RegistrationNoteAdded', data: { registrationId, attendeeId, note } }], at);
  }

  async waitlist(eventId: string, attendeeId: string, at: string): Promise<string> {
    const registrationId = randomUUID();
    await this.record(eventStream(eventId), [{ type: 'RegistrationWaitlisted', data: { registrationId, attendeeId } }], at);
    return registrationId;
  }

  async reject(eventId: string, registrationId: string, at: string): Promise<void> {
    await this.record(eventStream(eventId), [{ type: 'RegistrationRejected', data: { registrationId, reason: 'full' } }], at);
  }

  async cancel(eventId: string, registrationId: string, at: string): Promise<void> {
    await this.record(eventStream(eventId), [{ type: 'RegistrationCancelled', data: { registrationId, cancelledBy: 'attendee' } }], at);
  }

  /** A door event at a session, in the ticket's check-in stream (or the session's unreadable one). */
  async door(event: CheckInEvent, at: string): Promise<void> {
    const registrationId = 'registrationId' in event.data ? event.data.registrationId : undefined;
    await this.record(checkInStream(event.data.sessionId, registrationId), [event], at);
  }
}

/** What reports and exports read: the attendance, accounts and reports read models, kept by their own runners. */
const READ_BY_REPORTS = ['attendance', 'accounts', 'reports'];

/** Runs the projections reports and exports read until `stop`; `caughtUp` waits for the head of the log. */
export const startReportRunners = async (store: EventStore, pool: pg.Pool) => {
  const failures: ProjectionFailure[] = [];
  const runners = projections
    .filter((projection) => READ_BY_REPORTS.includes(projection.name))
    .map((projection) => new ProjectionRunner({ store, pool, projection, lockRetryMs: 50, onFailure: (failure) => failures.push(failure) }));
  await Promise.all(runners.map((runner) => runner.start()));
  return {
    failures,
    caughtUp: async () => {
      const head = await store.headPosition();
      if (head) await Promise.all(runners.map((runner) => runner.caughtUp(head, { timeoutMs: 30_000 })));
    },
    stop: async () => void (await Promise.all(runners.map((runner) => runner.stop()))),
  };
};
