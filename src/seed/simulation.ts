import type { HistoryRecord } from '../ml/forecast/history-record.js';
import { type AccountPlan, accountPlans } from './account-plan.js';
import { type DoorVisit, type SessionOutcome, runDoor } from './door.js';
import { type Ledger, type LedgerStep, runLedger } from './ledger.js';
import type { Attendee } from './people.js';
import { Random } from './random.js';
import type { SeedOptions } from './seed-options.js';
import { type World, type WorldEvent, worldOf } from './world.js';

/**
 * The whole simulated history, decided without I/O from the options alone: the same options
 * give the same world, to the second. `rollcall admin seed` replays it through the command
 * side (seeding.ts); `simulatedHistory` is what the attendance read model says of it
 * afterwards, for evaluating forecasts without a database.
 */

/** What the seed does on one event's stream and at its doors, in time order. */
export type ScriptStep = (LedgerStep & { appends: number }) | ({ kind: 'visit' } & DoorVisit);

export interface SimulatedEvent {
  event: WorldEvent;
  ledger: Ledger;
  script: ScriptStep[];
  outcomes: SessionOutcome[];
}

export interface SeedTotals {
  accounts: number;
  events: number;
  sessions: number;
  registrations: number;
  checkIns: number;
  /** Exactly what the command side appends replaying it: the progress bar's total. */
  eventsToAppend: number;
}

export interface Simulation {
  world: World;
  accounts: AccountPlan[];
  events: SimulatedEvent[];
  totals: SeedTotals;
}

/** Out-of-town events draw a few people too; most register where they live. */
const ELSEWHERE_WEIGHT = 0.04;
/** Events appended by creating, scheduling, staffing and publishing an event (event-seeding.ts). */
const SET_UP_APPENDS = 4;
/** A sign-up (the account, its verification request, the address claim) and a verification (claim confirmed, address verified). */
const ACCOUNT_APPENDS = 5;

const registrantsOf = (world: World, event: WorldEvent, index: number): Attendee[] => {
  const random = Random.of(world.options.seed, 'registrants', index);
  const { attendees } = world.people;
  const weight = (attendee: Attendee) => attendee.activity * (attendee.place === event.organizer.place ? 1 : ELSEWHERE_WEIGHT);
  return random.sample(attendees, Math.min(event.demand, attendees.length), weight);
};

const scriptOf = (ledger: Ledger, visits: readonly DoorVisit[]): ScriptStep[] =>
  [...ledger.steps, ...visits.map((visit) => ({ kind: 'visit' as const, ...visit }))].sort((a, b) => a.at - b.at);

const totalsOf = (accounts: readonly AccountPlan[], events: readonly SimulatedEvent[]): SeedTotals => {
  let [sessions, registrations, checkIns, appends] = [0, 0, 0, 0];
  for (const { ledger, script } of events) {
    sessions += ledger.sessions.length;
    appends += SET_UP_APPENDS;
    for (const step of script) {
      if (step.kind !== 'visit') {
        appends += step.appends;
        if (step.kind === 'register') registrations++;
        continue;
      }
      appends += step.steps.length;
      // A second scan of one ticket is refused; the first one and a check-in by hand let someone in.
      checkIns += step.steps.filter((s, i) => s.kind === 'manual' || (s.kind === 'scan' && i === 0)).length;
    }
  }
  appends += accounts.reduce((sum, plan) => sum + ACCOUNT_APPENDS + plan.roles.length, 0);
  return { accounts: accounts.length, events: events.length, sessions, registrations, checkIns, eventsToAppend: appends };
};

export const simulate = (options: SeedOptions): Simulation => {
  const world = worldOf(options);
  const now = options.now.getTime();
  const events = world.events.map((event, i): SimulatedEvent => {
    const random = Random.of(options.seed, 'story', i);
    const ledger = runLedger(event, registrantsOf(world, event, i), random, now);
    const { visits, outcomes } = runDoor(options.seed, event, ledger, random, now);
    return { event, ledger, script: scriptOf(ledger, visits), outcomes };
  });
  const firstRegistration = new Map<string, number>();
  for (const { ledger } of events)
    for (const { attendee, registeredAt } of ledger.registrations.values())
      firstRegistration.set(attendee.key, Math.min(registeredAt, firstRegistration.get(attendee.key) ?? Infinity));
  const accounts = accountPlans(world, firstRegistration);
  return { world, accounts, events, totals: totalsOf(accounts, events) };
};

/**
 * One record per confirmed registration at each session that had ended by `now` and was held,
 * as the attendance read model labels them after the seed (`pastAttendances`): ids are the
 * simulation's names (`a00017`, `e0003`, `e0003-s002`), which the seed's result maps to the
 * stored ones.
 */
export const historyOf = (simulation: Simulation): HistoryRecord[] =>
  simulation.events.flatMap(({ event, outcomes }) =>
    outcomes
      .filter((outcome) => outcome.held)
      .flatMap(({ session, attendances }) =>
        attendances.map(({ registration, attended }) => ({
          attendeeId: registration.attendee.key,
          eventId: event.key,
          sessionId: session.sessionId,
          sessionStartsAt: session.startsAt,
          sessionEndsAt: session.endsAt,
          registeredAt: new Date(registration.registeredAt).toISOString(),
          attended,
          timeZone: event.details.timeZone,
          requiresApproval: event.details.requiresApproval,
          confirmedAt: new Date(registration.confirmedAt!).toISOString(),
          promotedFromWaitlist: registration.via === 'promotion',
        })),
      ),
  );

export const simulatedHistory = (options: SeedOptions): HistoryRecord[] => historyOf(simulate(options));
