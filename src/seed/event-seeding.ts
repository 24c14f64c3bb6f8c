import type { CheckInCommands } from '../commands/check-in-commands.js';
import type { EventCommands } from '../commands/event-commands.js';
import type { CommandRequest } from '../commands/request.js';
import type { Actor } from '../domain/actor.js';
import type { ScanResult } from '../domain/check-in/check-in.js';
import { registrationOf } from '../domain/event/event.js';
import type { DoorVisit } from './door.js';
import { MINUTE } from './durations.js';
import type { LedgerStep } from './ledger.js';
import type { SimulatedEvent } from './simulation.js';
import type { Slots } from './slots.js';

/** The command side refused or answered what the simulation did not expect: the two disagree on a rule. */
export class SeedDiverged extends Error {}

/** What the seed knows of one stored event: its id, and its sessions' and registrations' ids by the simulation's names. */
export interface SeededEvent {
  eventId: string;
  sessions: Map<string, string>;
  registrations: Map<string, string>;
}

export interface EventSeedingDependencies {
  events: EventCommands;
  checkIns: CheckInCommands;
  /** Each simulated person's account, by the simulation's name, once they have signed up. */
  actorOf: (key: string) => Promise<Actor>;
  commandId: (...parts: string[]) => string;
  /** Shared by every event's doors, so that a busy evening does not flood the store. */
  doors: Slots;
  signal: AbortSignal;
}

/**
 * Replays one simulated event through the command side: created, scheduled, staffed and
 * published, then its script in time order. Commands on the event's stream are sent in that
 * order (see `send`); door visits run beside each other, each on its own check-in stream, and
 * the next command on the event's stream waits for the visits before it, since a visit reads
 * the event as it stood then (a cancellation must come after the check-ins it follows).
 */
export class EventSeeding {
  /** By registration id: an attendee shows the same ticket at every session. */
  private readonly tickets = new Map<string, Promise<string>>();

  constructor(private readonly deps: EventSeedingDependencies) {}

  private async request(person: string, at: number, ...parts: string[]): Promise<CommandRequest> {
    const actor = await this.deps.actorOf(person);
    const commandId = this.deps.commandId(...parts);
    return { actor, commandId, correlationId: commandId, now: new Date(at) };
  }

  async setUp({ event, ledger }: SimulatedEvent): Promise<SeededEvent> {
    const { events } = this.deps;
    const organizer = event.organizer.key;
    const { eventId } = await events.createEvent(await this.request(organizer, event.createdAt, 'create', event.key), { details: event.details, capacity: event.capacity });
    const { sessions } = await events.scheduleSessions(await this.request(organizer, event.createdAt + MINUTE, 'schedule', event.key), eventId, event.plan);
    if (sessions.length !== ledger.sessions.length || sessions.some((s, i) => s.startsAt !== ledger.sessions[i]!.startsAt))
      throw new SeedDiverged(`The sessions of ${event.key} were not scheduled at the simulated times`);
    const { accountId: staffId } = await this.deps.actorOf(event.organizer.staff.key);
    await events.assignStaff(await this.request(organizer, event.createdAt + 2 * MINUTE, 'staff', event.key), eventId, staffId);
    await events.publishEvent(await this.request(organizer, event.publishedAt, 'publish', event.key), eventId);
    return { eventId, sessions: new Map(ledger.sessions.map((s, i) => [s.sessionId, sessions[i]!.sessionId])), registrations: new Map() };
  }

  async play(simulated: SimulatedEvent, seeded: SeededEvent): Promise<void> {
    const { signal, doors } = this.deps;
    const staff = simulated.event.organizer.staff.key;
    const visiting = new Set<Promise<unknown>>();
    const sent = new Set<Promise<unknown>>();
    const registered = new Map<string, Promise<string>>();
    let failure: unknown;
    const track = (set: Set<Promise<unknown>>, work: Promise<unknown>) => {
      const tracked = work.catch((error: unknown) => void (failure ??= error)).finally(() => set.delete(tracked));
      set.add(tracked);
    };
    const idOf = (key: string) => registered.get(key) ?? failed(`${key} was never registered`);
    for (const step of simulated.script) {
      if (signal.aborted || failure !== undefined) break;
      try {
        if (step.kind === 'visit') {
          // The command handler answers a read queued behind commands with the state before them: let them be stored first.
          await Promise.all(sent);
          const registrationId = await idOf(step.registration);
          await doors.take();
          track(visiting, this.visit(step, seeded, registrationId, staff).finally(() => doors.give()));
          continue;
        }
        // A visit reads the event as it stood: what comes after it on the stream waits until it has.
        await Promise.all(visiting);
        track(sent, (await this.send(step, simulated, seeded, idOf, registered)).answered);
      } catch (error) {
        failure ??= error;
      }
    }
    await Promise.all([...visiting, ...sent]);
    if (failure !== undefined) throw failure;
  }

  /**
   * Sends one command on the event's stream without waiting for its answer: the command
   * handler queues a stream's commands in the order they come and appends them in batches, so
   * a run of registrations costs an append per batch rather than per person. Only what needs an
   * earlier answer (a registration's id) waits for it.
   */
  private async send(
    step: LedgerStep,
    simulated: SimulatedEvent,
    seeded: SeededEvent,
    idOf: (key: string) => Promise<string>,
    registered: Map<string, Promise<string>>,
  ): Promise<{ answered: Promise<unknown> }> {
    const { events } = this.deps;
    const { eventId } = seeded;
    const organizer = simulated.event.organizer.key;
    if (step.kind === 'register') {
      const answered = events.register(await this.request(step.attendee.key, step.at, 'register', step.registration), eventId).then(({ registrationId, ticket }) => {
        seeded.registrations.set(step.registration, registrationId);
        // A seat at once comes with its ticket, which the attendee then shows at every session.
        if (ticket) this.tickets.set(registrationId, ticket.code());
        return registrationId;
      });
      registered.set(step.registration, answered);
      return { answered };
    }
    if (step.kind === 'cancelEvent') return { answered: events.cancelEvent(await this.request(organizer, step.at, 'cancel', simulated.event.key), eventId, step.reason) };
    const registrationId = await idOf(step.registration);
    if (step.kind === 'approve') return { answered: events.approveRegistration(await this.request(organizer, step.at, 'approve', step.registration), eventId, registrationId) };
    if (step.kind === 'reject')
      return { answered: events.rejectRegistration(await this.request(organizer, step.at, 'reject', step.registration), eventId, registrationId, step.reason) };
    const attendee = simulated.ledger.registrations.get(step.registration)!.attendee.key;
    return { answered: events.cancelRegistration(await this.request(attendee, step.at, 'cancel', step.registration), eventId, registrationId) };
  }

  /** One registration at one session's door: scans with the ticket its attendee holds, check-ins by hand, an undo. */
  private async visit(visit: DoorVisit, seeded: SeededEvent, registrationId: string, staff: string): Promise<void> {
    const { checkIns } = this.deps;
    const { eventId } = seeded;
    const sessionId = seeded.sessions.get(visit.session)!;
    let scans = 0;
    for (const [i, step] of visit.steps.entries()) {
      const request = await this.request(staff, step.at, step.kind, visit.session, visit.registration, String(i));
      if (step.kind === 'undo') {
        await checkIns.undoCheckIn(request, eventId, sessionId, registrationId, step.reason);
        continue;
      }
      const expected: ScanResult = scans++ === 0 ? 'ok' : 'already_redeemed';
      const view =
        step.kind === 'manual'
          ? await checkIns.manualCheckIn(request, eventId, sessionId, registrationId, step.reason)
          : await checkIns.checkIn(request, eventId, sessionId, await this.ticketCode(eventId, registrationId));
      if (view.result !== expected) throw new SeedDiverged(`${visit.registration} at ${visit.session}: the door answered ${view.result}, the simulation expected ${expected}`);
    }
  }

  /** The code on the attendee's ticket, as the ticket query signs it: from the event's stream as it stands. */
  private ticketCode(eventId: string, registrationId: string): Promise<string> {
    let code = this.tickets.get(registrationId);
    if (!code) {
      code = this.signedTicket(eventId, registrationId);
      this.tickets.set(registrationId, code);
    }
    return code;
  }

  private async signedTicket(eventId: string, registrationId: string): Promise<string> {
    const event = await this.deps.events.currentEvent(eventId);
    const registration = registrationOf(event, registrationId);
    const ticket = registration && this.deps.events.ticketOf(event, registration);
    if (!ticket) throw new SeedDiverged(`Registration ${registrationId} holds no ticket at its check-in`);
    return ticket.code();
  }
}

const failed = (message: string): never => {
  throw new SeedDiverged(message);
};
