import type { Session } from '../domain/event/event.js';
import { isBadWeatherDay, showUpChance } from './behaviour.js';
import { DAY, MINUTE, onTheSecond } from './durations.js';
import type { Ledger, Registration } from './ledger.js';
import { localDate, localWeekdayHour } from './local-clock.js';
import type { Random } from './random.js';
import type { WorldEvent } from './world.js';

/**
 * Who shows up at each session and what the door staff do about it: most people's tickets
 * are scanned, some are checked in by hand (a dead phone), now and then a ticket is scanned
 * twice (refused the second time), and now and then staff check in the wrong person by hand
 * and undo it. A session counts as held, and its confirmed registrations as labelled, once
 * somebody was checked in there: the read model's rule (show-up-queries.ts).
 */

const MANUAL_SHARE = 0.08;
const SCANNED_TWICE_SHARE = 0.03;
/** Among no-shows: checked in by hand by mistake, then undone. */
const MISTAKE_SHARE = 0.006;
const MANUAL_REASONS = ['Phone battery died', 'Forgot the ticket at home', 'The QR code would not scan', 'Ticket went to an old address'];
const MISTAKEN_REASON = 'Name matched at the desk';
const UNDO_REASON = 'Checked in the wrong person';

export type DoorStep = { kind: 'scan'; at: number } | { kind: 'manual' | 'undo'; at: number; reason: string };

/** One registration at one session's door: its steps, in order, on one check-in stream. */
export interface DoorVisit {
  at: number;
  session: string;
  registration: string;
  steps: DoorStep[];
}

/** A session that ended, whether it was held (somebody checked in), and who came. */
export interface SessionOutcome {
  session: Session;
  index: number;
  held: boolean;
  /** `chance`: what the show-up model gave, against which `attended` was drawn. */
  attendances: { registration: Registration; chance: number; attended: boolean }[];
}

const confirmedFor = (registration: Registration, session: Session): boolean =>
  registration.confirmedAt !== undefined &&
  registration.confirmedAt < Date.parse(session.startsAt) &&
  (registration.endedAt === undefined || registration.endedAt >= Date.parse(session.endsAt));

/** Steps at the door for one registration: none for an ordinary no-show. */
const stepsOf = (attended: boolean, registration: Registration, session: Session, random: Random): DoorStep[] => {
  const start = Date.parse(session.startsAt);
  const end = Date.parse(session.endsAt);
  if (!attended) {
    if (!random.chance(MISTAKE_SHARE)) return [];
    const at = onTheSecond(start + random.between(0, 25) * MINUTE);
    return [
      { kind: 'manual', at, reason: MISTAKEN_REASON },
      { kind: 'undo', at: onTheSecond(at + random.between(2, 20) * MINUTE), reason: UNDO_REASON },
    ];
  }
  // Doors open an hour before (the session plan's default); most arrive in the last quarter hour.
  const earliest = Math.max(start - 50 * MINUTE, registration.confirmedAt! + 2 * MINUTE);
  const at = onTheSecond(Math.min(Math.max(start + random.normal(-8, 12) * MINUTE, earliest), end - 5 * MINUTE));
  if (random.chance(MANUAL_SHARE)) return [{ kind: 'manual', at, reason: random.pick(MANUAL_REASONS) }];
  if (!random.chance(SCANNED_TWICE_SHARE)) return [{ kind: 'scan', at }];
  return [{ kind: 'scan', at }, { kind: 'scan', at: onTheSecond(Math.min(at + random.between(1, 8) * MINUTE, end - MINUTE)) }];
};

/** Every session whose doors opened by `now`: its visits (those steps taken by `now`), and for those that ended, the outcome. */
export const runDoor = (seed: number, event: WorldEvent, ledger: Ledger, random: Random, now: number): { visits: DoorVisit[]; outcomes: SessionOutcome[] } => {
  const visits: DoorVisit[] = [];
  const outcomes: SessionOutcome[] = [];
  if (ledger.cancelled) return { visits, outcomes };
  const { timeZone } = event.details;
  const firstStart = Date.parse(ledger.sessions[0]!.startsAt);
  const registrations = [...ledger.registrations.values()];
  ledger.sessions.forEach((session, index) => {
    const start = Date.parse(session.startsAt);
    if (Date.parse(session.checkInOpensAt) > now) return;
    const confirmed = registrations.filter((registration) => confirmedFor(registration, session));
    const { weekday, hour } = localWeekdayHour(start, timeZone);
    const badWeather = isBadWeatherDay(seed, timeZone, localDate(start, timeZone));
    const attendances = confirmed.map((registration) => {
      const chance = showUpChance({
        inclination: registration.attendee.inclination,
        attractiveness: event.attractiveness,
        leadDays: (firstStart - registration.registeredAt) / DAY,
        weekday,
        hour,
        sessionIndex: index,
        promotedFromWaitlist: registration.via === 'promotion',
        approvalDays: registration.approvalDays,
        badWeather,
        confirmed: confirmed.length,
      });
      const attended = random.chance(chance);
      const steps = stepsOf(attended, registration, session, random).filter((step) => step.at <= now);
      if (steps.length > 0) visits.push({ at: steps[0]!.at, session: session.sessionId, registration: registration.key, steps });
      return { registration, chance, attended, checkedIn: steps.length > 0 };
    });
    if (Date.parse(session.endsAt) > now) return;
    outcomes.push({
      session,
      index,
      held: attendances.some((attendance) => attendance.checkedIn),
      attendances: attendances.map(({ registration, chance, attended }) => ({ registration, chance, attended })),
    });
  });
  visits.sort((a, b) => a.at - b.at);
  return { visits, outcomes };
};
