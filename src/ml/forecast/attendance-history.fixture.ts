import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { CheckInEvent } from '../../domain/check-in/check-in.js';
import { schemaVersionOf } from '../../domain/decode.js';
import type { EventEvent } from '../../domain/event/event.js';
import { checkInStream, eventStream } from '../../domain/streams.js';
import type { RecordedEvent } from '../../eventstore/event-store.js';
import { positionAt } from '../../eventstore/position.js';
import { attendanceProjection } from '../../projections/attendance/projection.js';
import { liveSchema } from '../../projections/runner.js';
import { ignoreUnstorable } from '../../projections/stored-values.js';

// Positions are global to the read model (the check-in log's key), so every history shares one count.
let lastPosition = 0n;

const HOUR = 3_600_000;

/**
 * Past and upcoming attendance written into the live attendance read model through the
 * projection itself, with the times each fact was recorded at: the command side cannot
 * write a history (it checks windows against the clock), and the forecasts read only what
 * the projection makes of the events.
 */
export class AttendanceHistory {
  private pending: RecordedEvent[] = [];
  private readonly revisions = new Map<string, bigint>();

  private record(streamId: string, event: EventEvent | CheckInEvent, at: Date): void {
    const revision = this.revisions.get(streamId) ?? 0n;
    this.revisions.set(streamId, revision + 1n);
    lastPosition += 1n;
    this.pending.push({
      id: randomUUID(),
      type: event.type,
      data: event.data,
      metadata: { correlationId: 'c', causationId: 'c', actorId: 'fixture', commandId: 'c', occurredAt: at.toISOString(), schemaVersion: schemaVersionOf(event.type) },
      streamId,
      revision,
      position: positionAt(lastPosition),
      recordedAt: at,
    });
  }

  /** A published event by `organizerId` with sessions of two hours starting at `starts`. */
  event(organizerId: string, starts: readonly Date[], createdAt: Date): { eventId: string; sessionIds: string[] } {
    const eventId = randomUUID();
    const stream = eventStream(eventId);
    const sessions = starts.map((startsAt) => ({
      sessionId: randomUUID(),
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 2 * HOUR).toISOString(),
      checkInOpensAt: new Date(startsAt.getTime() - HOUR).toISOString(),
      checkInClosesAt: new Date(startsAt.getTime() + 2 * HOUR).toISOString(),
    }));
    const details = {
      title: 'Evening class',
      description: '',
      venue: 'Hall',
      timeZone: 'UTC',
      registrationOpensAt: createdAt.toISOString(),
      registrationClosesAt: starts.at(-1)!.toISOString(),
      requiresApproval: false,
      faceVerification: 'off' as const,
    };
    this.record(stream, { type: 'EventCreated', data: { eventId, organizerId, details, capacity: 1_000 } }, createdAt);
    this.record(stream, { type: 'SessionsScheduled', data: { sessions } }, createdAt);
    this.record(stream, { type: 'EventPublished', data: { eventId } }, createdAt);
    return { eventId, sessionIds: sessions.map((s) => s.sessionId) };
  }

  /** A registration confirmed at once, returning its id. */
  register(eventId: string, attendeeId: string, at: Date): string {
    const registrationId = randomUUID();
    this.record(eventStream(eventId), { type: 'RegistrationSubmitted', data: { registrationId, attendeeId } }, at);
    this.record(eventStream(eventId), { type: 'RegistrationConfirmed', data: { registrationId, attendeeId, via: 'registration' } }, at);
    return registrationId;
  }

  checkIn(eventId: string, sessionId: string, registrationId: string, attendeeId: string, at: Date): void {
    const data = { eventId, sessionId, registrationId, attendeeId, staffId: 'door', method: 'scan' as const, reason: null };
    this.record(checkInStream(sessionId, registrationId), { type: 'CheckedIn', data }, at);
  }

  undoCheckIn(eventId: string, sessionId: string, registrationId: string, at: Date): void {
    const data = { eventId, sessionId, registrationId, staffId: 'door', reason: 'wrong person' };
    this.record(checkInStream(sessionId, registrationId), { type: 'CheckInUndone', data }, at);
  }

  cancelRegistration(eventId: string, registrationId: string, at: Date): void {
    this.record(eventStream(eventId), { type: 'RegistrationCancelled', data: { registrationId, cancelledBy: 'attendee' } }, at);
  }

  cancelEvent(eventId: string, at: Date): void {
    this.record(eventStream(eventId), { type: 'EventCancelled', data: { reason: 'storm' } }, at);
  }

  /** Applies what was recorded since the last call, in one transaction as the projector would. */
  async project(pool: pg.Pool): Promise<void> {
    const schema = liveSchema('attendance');
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await attendanceProjection.setUp(client, schema);
      await attendanceProjection.apply(client, schema, this.pending, ignoreUnstorable);
      await client.query('COMMIT');
      this.pending = [];
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}
