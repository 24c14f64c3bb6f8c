import { Tally } from './tally.js';

/**
 * One batch of the reports read model, in memory: the rows it touches as the tables had them
 * (`before`) and as its events leave them (`now`), and the counters that follow. Every counter
 * is a sum over rows of what a row contributes (a confirmed registration counts as confirmed,
 * a ticket checked in at a session counts for that session and its five minutes), so a batch
 * moves it by what its touched rows contribute now less what they contributed before. That
 * keeps each counter exact whatever order facts arrive in (a check-in, then a cancellation of
 * the same ticket), and the same however the log is cut into batches, which verify relies on.
 */

export const REGISTRATION_STATUSES = ['pending', 'confirmed', 'waitlisted', 'cancelled', 'rejected'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

export interface RegistrationRow {
  eventId: string;
  registrationId: string;
  attendeeId: string | null;
  status: RegistrationStatus;
  submittedAt: Date | null;
  /** When it was last confirmed: a session's no-shows are those confirmed before it ended. */
  confirmedAt: Date | null;
  /** Sessions its ticket is checked in at now. */
  presentSessions: number;
  /** Door events that named its ticket: scans (refused ones too) and check-ins by hand. */
  doorEvents: number;
}

/** One ticket at one session. */
export interface AttendanceRow {
  eventId: string;
  registrationId: string;
  sessionId: string;
  present: boolean;
  /** When it was last checked in. */
  checkedInAt: Date | null;
}

/** What the tables hold of the rows a batch touches: its registrations, and every session row of those. */
export interface Known {
  registrations: readonly RegistrationRow[];
  attendances: readonly AttendanceRow[];
  /** Events the tables have, among those the batch creates: a second creation is ignored. */
  events: readonly string[];
}

export interface EventRow {
  event_id: string;
  organizer_id: string | null;
  title: string | null;
  time_zone: string | null;
  status: string;
}

export interface SessionRow {
  eventId: string;
  sessionId: string;
  startsAt: string | null;
  endsAt: string | null;
}

export const EVENT_COUNTERS = [...REGISTRATION_STATUSES, 'attended', 'unused_tickets'] as const;
export const SESSION_COUNTERS = ['checked_in', 'checked_in_confirmed'] as const;

const QUARTER_HOUR = 15 * 60_000;
const FIVE_MINUTES = 5 * 60_000;
/** The start of the slot of `length` milliseconds that `at` falls in, counted from the epoch. */
export const slotOf = (at: Date, length: number): string => new Date(Math.floor(at.getTime() / length) * length).toISOString();

const keyOf = (...parts: string[]): string => parts.join('/');

interface Tracked<Row> {
  before: Readonly<Row> | undefined;
  now: Row;
  dirty: boolean;
}

const tracked = <Row extends object>(row: Row): Tracked<Row> => ({ before: { ...row }, now: { ...row }, dirty: false });

export class ReportBatch {
  private readonly existingEvents: Set<string>;
  readonly newEvents = new Map<string, EventRow>();
  readonly eventPatches = new Map<string, Partial<EventRow>>();
  /** By key; the first schedule of a session id in an event stands, as in the attendance read model. */
  readonly sessions = new Map<string, SessionRow>();
  /** Registrations made, by event and quarter hour. */
  readonly registrationTimes = new Tally<'registrations'>();
  /** Refused scans and face checks, by event, session and reason. */
  readonly refusals = new Tally<'scans'>();
  /** Seconds from submitted to approved, by registration: the last approval stands. */
  readonly approvals = new Map<string, { eventId: string; registrationId: string; seconds: number }>();
  private readonly registrations = new Map<string, Tracked<RegistrationRow>>();
  private readonly attendances = new Map<string, Tracked<AttendanceRow>>();

  constructor(known: Known) {
    this.existingEvents = new Set(known.events);
    for (const row of known.registrations) this.registrations.set(keyOf(row.eventId, row.registrationId), tracked(row));
    for (const row of known.attendances) this.attendances.set(keyOf(row.eventId, row.registrationId, row.sessionId), tracked(row));
  }

  hasEvent(eventId: string): boolean {
    return this.existingEvents.has(eventId) || this.newEvents.has(eventId);
  }

  patchEvent(eventId: string, patch: Partial<EventRow>): void {
    const created = this.newEvents.get(eventId);
    if (created) Object.assign(created, patch);
    else this.eventPatches.set(eventId, { ...this.eventPatches.get(eventId), ...patch });
  }

  registration(eventId: string, registrationId: string): RegistrationRow | undefined {
    return this.registrations.get(keyOf(eventId, registrationId))?.now;
  }

  /** A registration the read model did not have: counted among the registrations made at `at`. */
  addRegistration(row: RegistrationRow, at: Date): void {
    this.registrations.set(keyOf(row.eventId, row.registrationId), { before: undefined, now: row, dirty: true });
    this.registrationTimes.add([row.eventId, slotOf(at, QUARTER_HOUR)], 'registrations', 1);
  }

  changeRegistration(row: RegistrationRow, change: Partial<RegistrationRow>): void {
    Object.assign(row, change);
    this.registrations.get(keyOf(row.eventId, row.registrationId))!.dirty = true;
  }

  /** Moves a ticket in or out at a session; its registration's count of sessions follows when the read model has it. */
  setPresence(eventId: string, registrationId: string, sessionId: string, present: boolean, at: Date): void {
    const key = keyOf(eventId, registrationId, sessionId);
    const entry = this.attendances.get(key) ?? { before: undefined, now: { eventId, registrationId, sessionId, present: false, checkedInAt: null }, dirty: true };
    this.attendances.set(key, entry);
    const registration = this.registration(eventId, registrationId);
    if (registration && entry.now.present !== present) this.changeRegistration(registration, { presentSessions: registration.presentSessions + (present ? 1 : -1) });
    Object.assign(entry.now, present ? { present, checkedInAt: at } : { present });
    entry.dirty = true;
  }

  dirtyRegistrations(): RegistrationRow[] {
    return [...this.registrations.values()].filter((entry) => entry.dirty).map((entry) => entry.now);
  }

  dirtyAttendances(): AttendanceRow[] {
    return [...this.attendances.values()].filter((entry) => entry.dirty).map((entry) => entry.now);
  }

  /** How the batch moves the counters kept per event, per session, per five minutes of arrivals, per quarter hour of confirmations and per event attendee. */
  counterChanges() {
    const events = new Tally<(typeof EVENT_COUNTERS)[number]>();
    const sessions = new Tally<(typeof SESSION_COUNTERS)[number]>();
    const arrivals = new Tally<'check_ins'>();
    const attendees = new Tally<'present_registrations'>();
    const confirmations = new Tally<'confirmed'>();
    const countRegistration = (r: Readonly<RegistrationRow> | undefined, sign: number) => {
      if (!r) return;
      events.add([r.eventId], r.status, sign);
      if (r.status === 'confirmed' && r.confirmedAt) confirmations.add([r.eventId, slotOf(r.confirmedAt, QUARTER_HOUR)], 'confirmed', sign);
      if (r.status === 'confirmed' && r.presentSessions > 0) events.add([r.eventId], 'attended', sign);
      if (r.status === 'confirmed' && r.doorEvents === 0) events.add([r.eventId], 'unused_tickets', sign);
      if (r.attendeeId !== null && r.presentSessions > 0) attendees.add([r.eventId, r.attendeeId], 'present_registrations', sign);
    };
    const countAttendance = (a: Readonly<AttendanceRow> | undefined, status: RegistrationStatus | undefined, sign: number) => {
      if (!a?.present) return;
      sessions.add([a.eventId, a.sessionId], 'checked_in', sign);
      if (status === 'confirmed') sessions.add([a.eventId, a.sessionId], 'checked_in_confirmed', sign);
      if (a.checkedInAt) arrivals.add([a.eventId, a.sessionId, slotOf(a.checkedInAt, FIVE_MINUTES)], 'check_ins', sign);
    };
    for (const { before, now } of this.registrations.values()) {
      countRegistration(before, -1);
      countRegistration(now, 1);
    }
    for (const { before, now } of this.attendances.values()) {
      const registration = this.registrations.get(keyOf(now.eventId, now.registrationId));
      countAttendance(before, registration?.before?.status, -1);
      countAttendance(now, registration?.now.status, 1);
    }
    return { events, sessions, arrivals, attendees, confirmations };
  }
}

export type CounterChanges = ReturnType<ReportBatch['counterChanges']>;
