import type { Actor } from '../domain/actor.js';
import { type EventCommand, eventDecider } from '../domain/event/business-logic.js';
import { type EventEvent, type EventState, type ExistingEvent, type RegistrationConfirmedVia, type Session, registrationOf } from '../domain/event/event.js';
import { waitlistIds } from '../domain/event/waitlist.js';
import { DAY, HOUR, MINUTE, onTheSecond } from './durations.js';
import type { Attendee } from './people.js';
import type { Random } from './random.js';
import type { WorldEvent } from './world.js';

/**
 * One event's seat ledger over time: who registers when, the organizer's answers and how
 * long they take, cancellations, the waiting list. Every step is decided by the event's own
 * decider (src/domain/event/), so seats, the waiting list and promotions follow the domain's
 * rules exactly, and the events each step appends are counted as the store will count them.
 *
 * Every seat is settled before the first session starts: answers come at least half an hour
 * before it, and ten minutes before it the organizer rejects whoever still waits (the waiting
 * list closes). A seat freed during the series then stays free, so "confirmed for a session"
 * never depends on when in the series a seat was given, and the read model (which keeps a
 * registration's current state only) labels every session exactly as the simulation did.
 */

/** Registrants who book as soon as registration opens; the rest book closer to the start. */
const EARLY_BIRD_SHARE = 0.35;
const LATE_LEAD_MEAN_DAYS = 3.5;
const APPROVED_SHARE = 0.88;
const PENDING_CANCEL_SHARE = 0.04;
const CONFIRMED_CANCEL_SHARE = 0.07;
const WAITLIST_GIVE_UP_SHARE = 0.12;
/** After each session of a series, the chance a confirmed attendee cancels the rest. */
const DROP_OUT_PER_SESSION = 0.025;
const REJECTIONS = ['The course is for members only', 'Please register with the address your membership uses', 'This group is for beginners only'];
const EVENT_CANCELLATIONS = ['The venue is unavailable that day', 'The host fell ill', 'Too few people could come'];
export const WAITLIST_CLOSED = 'The event has begun: its waiting list is closed';

/** One command on the event's stream, with the simulation's names for what it touches. */
export type LedgerStep =
  | { kind: 'register'; at: number; registration: string; attendee: Attendee }
  | { kind: 'approve' | 'cancel'; at: number; registration: string }
  | { kind: 'reject'; at: number; registration: string; reason: string }
  | { kind: 'cancelEvent'; at: number; reason: string };

/** A registration's life as the ledger decided it. */
export interface Registration {
  key: string;
  attendee: Attendee;
  registeredAt: number;
  confirmedAt: number | undefined;
  via: RegistrationConfirmedVia | undefined;
  /** When it was cancelled or rejected, if it was. */
  endedAt: number | undefined;
  /** From registering to the organizer's answer; 0 where none was needed. */
  approvalDays: number;
}

export interface Ledger {
  /** In order, each with the number of events it appends. */
  steps: (LedgerStep & { appends: number })[];
  registrations: Map<string, Registration>;
  sessions: Session[];
  cancelled: boolean;
}

type Intent = { at: number; order: number; run: () => void };

const organizerOf = (event: WorldEvent): Actor => ({ accountId: event.organizer.key, roles: ['attendee', 'organizer'] });
const attendeeActor = (attendee: Attendee): Actor => ({ accountId: attendee.key, roles: ['attendee'] });

/** When `attendee` registers: early birds soon after opening, the rest a skewed few days before the start. */
const registrationTime = (event: WorldEvent, random: Random): number => {
  const opens = Date.parse(event.details.registrationOpensAt);
  const closes = Date.parse(event.details.registrationClosesAt);
  const at = random.chance(EARLY_BIRD_SHARE)
    ? opens + random.between(0, 0.4) * (closes - opens)
    : closes - HOUR - random.exponential(LATE_LEAD_MEAN_DAYS) * DAY;
  return onTheSecond(Math.min(Math.max(at, opens + MINUTE), closes - HOUR));
};

export const runLedger = (event: WorldEvent, registrants: readonly Attendee[], random: Random, now: number): Ledger => {
  const organizer = organizerOf(event);
  let state: EventState = eventDecider.initialState();
  const decide = (command: EventCommand): EventEvent[] => {
    const events = eventDecider.decide(command, state);
    state = events.reduce(eventDecider.evolve, state);
    return events;
  };
  const sent = (actor: Actor, at: number) => ({ actor, now: new Date(at).toISOString() });
  decide({ type: 'CreateEvent', data: { ...sent(organizer, event.createdAt), eventId: event.key, details: event.details, capacity: event.capacity } });
  const sessionIds = Array.from({ length: event.plan.repeat?.count ?? 1 }, (_, i) => `${event.key}-s${String(i + 1).padStart(3, '0')}`);
  decide({ type: 'ScheduleSessions', data: { ...sent(organizer, event.createdAt), plan: event.plan, sessionIds } });
  decide({ type: 'PublishEvent', data: sent(organizer, event.publishedAt) });
  const live = (): ExistingEvent => state as ExistingEvent;
  const { sessions } = live();
  const firstStart = Date.parse(sessions[0]!.startsAt);

  const ledger: Ledger = { steps: [], registrations: new Map(), sessions, cancelled: false };
  const intents: Intent[] = [];
  let order = 0;
  /** The time of the intent being carried out. */
  let currentAt = 0;
  /** Only what happens by `now`: the rest of the world's future is not written yet. */
  const later = (at: number, run: () => void) => {
    if (at <= now) intents.push({ at: onTheSecond(at), order: order++, run });
  };
  const record = (step: LedgerStep, command: EventCommand): EventEvent[] => {
    const events = decide(command);
    ledger.steps.push({ ...step, appends: events.length });
    return events;
  };
  const statusOf = (key: string) => registrationOf(live(), key)?.status;
  const beforeTheStart = (from: number, run: () => void) => {
    if (from < firstStart - 15 * MINUTE) later(random.between(from, firstStart - 15 * MINUTE), run);
  };

  const confirmed = (key: string, at: number, via: RegistrationConfirmedVia) => {
    const registration = ledger.registrations.get(key)!;
    Object.assign(registration, { confirmedAt: at, via });
    const actor = attendeeActor(registration.attendee);
    const cancel = (when: number) => later(when, () => statusOf(key) === 'confirmed' && cancelRegistration(key, actor));
    if (random.chance(CONFIRMED_CANCEL_SHARE)) beforeTheStart(at, () => statusOf(key) === 'confirmed' && cancelRegistration(key, actor));
    for (let k = 0; k + 1 < sessions.length; k++) {
      if (!random.chance(DROP_OUT_PER_SESSION)) continue;
      cancel(Math.min(Date.parse(sessions[k]!.endsAt) + random.between(HOUR, 2 * DAY), Date.parse(sessions[k + 1]!.startsAt) - HOUR));
      break;
    }
  };
  const waitlisted = (key: string, at: number) => {
    const actor = attendeeActor(ledger.registrations.get(key)!.attendee);
    if (random.chance(WAITLIST_GIVE_UP_SHARE)) beforeTheStart(at, () => statusOf(key) === 'waitlisted' && cancelRegistration(key, actor));
  };
  /** What a confirmation or a waiting-list place leads to, whichever the decider chose. */
  const seated = (events: EventEvent[], at: number) => {
    for (const event of events) {
      if (event.type === 'RegistrationConfirmed') confirmed(event.data.registrationId, at, event.data.via);
      if (event.type === 'RegistrationWaitlisted') waitlisted(event.data.registrationId, at);
    }
  };
  const reject = (key: string, reason: string) =>
    record({ kind: 'reject', at: currentAt, registration: key, reason }, { type: 'RejectRegistration', data: { ...sent(organizer, currentAt), registrationId: key, reason } });
  const cancelRegistration = (key: string, actor: Actor) => {
    const at = currentAt;
    ledger.registrations.get(key)!.endedAt = at;
    const events = record({ kind: 'cancel', at, registration: key }, { type: 'CancelRegistration', data: { ...sent(actor, at), registrationId: key } });
    seated(events.slice(1), at);
  };
  const answer = (key: string, registeredAt: number, actor: Actor) => {
    const delay = event.organizer.approvalHours * HOUR * Math.exp(random.normal(0, 0.8));
    const answeredAt = Math.max(registeredAt + MINUTE, Math.min(registeredAt + delay, firstStart - 30 * MINUTE));
    const approve = random.chance(APPROVED_SHARE);
    const reason = random.pick(REJECTIONS);
    if (random.chance(PENDING_CANCEL_SHARE)) later(random.between(registeredAt, answeredAt), () => statusOf(key) === 'pending' && cancelRegistration(key, actor));
    later(answeredAt, () => {
      if (statusOf(key) !== 'pending') return;
      const registration = ledger.registrations.get(key)!;
      if (!approve) {
        registration.endedAt = currentAt;
        reject(key, reason);
        return;
      }
      registration.approvalDays = (currentAt - registeredAt) / DAY;
      const events = record({ kind: 'approve', at: currentAt, registration: key }, { type: 'ApproveRegistration', data: { ...sent(organizer, currentAt), registrationId: key } });
      seated(events, currentAt);
    });
  };

  registrants.forEach((attendee, i) => {
    const key = `${event.key}-r${String(i + 1).padStart(4, '0')}`;
    later(registrationTime(event, random), () => {
      const at = currentAt;
      const actor = attendeeActor(attendee);
      ledger.registrations.set(key, { key, attendee, registeredAt: at, confirmedAt: undefined, via: undefined, endedAt: undefined, approvalDays: 0 });
      const events = record({ kind: 'register', at, registration: key, attendee }, { type: 'Register', data: { ...sent(actor, at), registrationId: key } });
      if (events[0]!.type === 'RegistrationSubmitted') answer(key, at, actor);
      else seated(events, at);
    });
  });
  later(firstStart - 10 * MINUTE, () => {
    for (const key of waitlistIds(live().waitlist)) {
      ledger.registrations.get(key)!.endedAt = currentAt;
      reject(key, WAITLIST_CLOSED);
    }
  });
  if (event.cancelledAt !== undefined)
    later(event.cancelledAt, () => {
      const reason = random.pick(EVENT_CANCELLATIONS);
      record({ kind: 'cancelEvent', at: currentAt, reason }, { type: 'CancelEvent', data: { ...sent(organizer, currentAt), reason } });
      ledger.cancelled = true;
    });

  while (intents.length > 0) {
    // Intents are few per event and mostly added in time order: a scan for the earliest is cheap enough.
    let next = 0;
    for (let i = 1; i < intents.length; i++) if (intents[i]!.at < intents[next]!.at || (intents[i]!.at === intents[next]!.at && intents[i]!.order < intents[next]!.order)) next = i;
    const [intent] = intents.splice(next, 1);
    if (ledger.cancelled) break;
    currentAt = intent!.at;
    intent!.run();
  }
  return ledger;
};
