import type { RecordedEvent } from '../../eventstore/event-store.js';
import { occurredAt } from '../stored-values.js';
import { keyOf } from './keys.js';

/**
 * What one batch changes in the attendance tables, gathered in memory by the pure step
 * (changes.ts) and written by the writer with one statement per table: a rebuild folds
 * hundreds of thousands of registrations, and a round trip per event would cap it at a few
 * thousand events a second.
 */

/** The registration counters an event keeps, by status. */
const COUNTED = ['confirmed', 'pending', 'waitlisted'] as const;
type Counted = (typeof COUNTED)[number];
const isCounted = (status: string | undefined): status is Counted => COUNTED.includes(status as Counted);

export interface RegistrationRow {
  registrationId: string;
  eventId: string;
  attendeeId: string | null;
  status: string;
  ticketVersion: number;
  registeredPosition: string;
  registeredAt: Date;
  updatedAt: Date;
  /** When it was last confirmed, and how: 'registration', 'approval' or 'promotion' (from the waiting list). */
  confirmedAt: Date | null;
  confirmedVia: string | null;
  /** The organizer's note (RegistrationNoteAdded), ERASED once its attendee is. */
  note: string | null;
  /** The commit position of its last change: what a scanner's check-in list is fetched after. */
  updatedPosition: string;
}

export interface SessionRow {
  eventId: string;
  sessionId: string;
  startsAt: string | null;
  endsAt: string | null;
  checkInOpensAt: string | null;
  checkInClosesAt: string | null;
}

/** What the tables hold of the rows a batch touches (changes.ts `touchedBy`), read before it. */
export interface Known {
  registrations: readonly RegistrationRow[];
  /** Events the tables have, among those the batch creates: a second creation is ignored. */
  events: readonly string[];
}

/** One batch's changes. */
export class AttendanceChanges {
  private readonly existingEvents: Set<string>;
  readonly newEvents = new Map<string, Record<string, unknown>>();
  readonly eventPatches = new Map<string, Record<string, unknown>>();
  readonly counters = new Map<string, Record<Counted, number> & { at: Date; position: string }>();
  /** By key; the first schedule of a session id in an event stands, as in the domain's `sessions.find`. */
  readonly sessions = new Map<string, SessionRow>();
  readonly sessionCounts = new Map<string, { eventId: string; sessionId: string; delta: number; position: string }>();
  readonly staff: [string, string][] = [];
  /** Door log rows, in the writer's column order. */
  readonly checkIns: unknown[][] = [];
  /** Scanner devices registered, in the writer's column order; and those revoked: event, device, when. */
  readonly devicesRegistered: unknown[][] = [];
  readonly devicesRevoked: [string, string, Date][] = [];
  /** By key, as the tables have them and as the batch moves them; `dirty` ones are written. */
  readonly registrations = new Map<string, RegistrationRow & { dirty: boolean }>();
  /** Attendees erased in this batch, whose notes are erased after the registrations are written. */
  readonly erasedAttendees: string[] = [];

  constructor(known: Known) {
    this.existingEvents = new Set(known.events);
    for (const row of known.registrations) this.registrations.set(keyOf(row.eventId, row.registrationId), { ...row, dirty: false });
  }

  /** Whether the tables or this batch created the event already. */
  hasEvent(eventId: string): boolean {
    return this.existingEvents.has(eventId) || this.newEvents.has(eventId);
  }

  patchEvent(eventId: string, patch: Record<string, unknown>): void {
    const created = this.newEvents.get(eventId);
    if (created) Object.assign(created, patch);
    else this.eventPatches.set(eventId, { ...this.eventPatches.get(eventId), ...patch });
  }

  /** `confirmation` for a confirmation: its ticket version and how it came. */
  moveRegistration(
    recorded: RecordedEvent,
    eventId: string,
    registrationId: string,
    status: string,
    attendeeId: string | null,
    confirmation?: { version: number; via: string | null },
  ): void {
    const key = keyOf(eventId, registrationId);
    const current = this.registrations.get(key);
    const previous = current?.status;
    const at = occurredAt(recorded);
    const row: RegistrationRow & { dirty: boolean } = current ?? {
      registrationId,
      eventId,
      attendeeId,
      status,
      ticketVersion: 0,
      registeredPosition: recorded.position.commit.toString(),
      registeredAt: at,
      updatedAt: at,
      confirmedAt: null,
      confirmedVia: null,
      note: null,
      updatedPosition: recorded.position.commit.toString(),
      dirty: true,
    };
    row.status = status;
    row.updatedPosition = recorded.position.commit.toString();
    if (confirmation) Object.assign(row, { ticketVersion: confirmation.version, confirmedAt: at, confirmedVia: confirmation.via });
    row.updatedAt = at;
    row.dirty = true;
    this.registrations.set(key, row);
    if (previous === status) return;
    const counter = this.counters.get(eventId) ?? { confirmed: 0, pending: 0, waitlisted: 0, at, position: '0' };
    if (isCounted(previous)) counter[previous] -= 1;
    if (isCounted(status)) counter[status] += 1;
    counter.at = at;
    counter.position = recorded.position.commit.toString();
    this.counters.set(eventId, counter);
  }
}

