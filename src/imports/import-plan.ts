import type { AddressOwner } from '../commands/accounts/invitations.js';
import { deterministicId } from '../commands/deterministic-id.js';
import type { Actor } from '../domain/actor.js';
import { type EventCommand, type OrganizerStatus, eventDecider, registeringAttendees } from '../domain/event/business-logic.js';
import { type EventEvent, type EventState, liveRegistrationOf, registrationOf } from '../domain/event/event.js';
import type { CheckedRow } from './attendee-rows.js';
import type { ImportedStatus, ReportRow } from './import-report.js';

/** The commands a row becomes: an invitation first when its person has no account, then their registration. */
export interface RowCommands {
  email: string;
  name: string;
  /** The attendee: the address's holder, or the account its invitation makes. */
  accountId: string;
  /** Who the address led to when the file was planned: the invitation, if any, starts from there. */
  owner: AddressOwner;
  /** Derived from the event and the address, so that importing the row again re-sends the same command. */
  commandId: string;
  registrationId: string;
  status?: OrganizerStatus;
  note?: string;
}

export interface PlannedRow {
  report: ReportRow;
  commands?: RowCommands;
}

export interface PlanInput {
  eventId: string;
  /** The event's stream as the command side has it now. */
  event: EventState;
  actor: Actor;
  now: Date;
  rows: readonly CheckedRow[];
  /** Who each candidate's address leads to, by its normalised address. */
  owners: ReadonlyMap<string, AddressOwner>;
}

/**
 * The command id of a row's registration: the same for an address in every import of an event,
 * so a re-run, or a file with rows added, re-sends it and the command side answers it from
 * idempotency. From the address's keyed hash, as the log must not make an erased address guessable.
 */
export const registrationCommandId = (eventId: string, addressKey: string): string => deterministicId('attendee-import', eventId, addressKey);

/** The registration a command id makes, as EventCommands derives it for a registration of one's own. */
export const registrationIdOf = (commandId: string, eventId: string): string => deterministicId(commandId, 'registration', eventId);

/** The registration a row asks for, one builder for the plan and the commit, so that the plan decides exactly what the commit will send. */
export const registrationCommand = (
  actor: Actor,
  now: Date,
  attendeeId: string,
  { registrationId, status, note }: Pick<RowCommands, 'registrationId' | 'status' | 'note'>,
): Extract<EventCommand, { type: 'RegisterAttendee' }> => ({
  type: 'RegisterAttendee',
  data: { actor, now: now.toISOString(), registrationId, attendeeId, ...(status ? { status } : {}), ...(note ? { note } : {}) },
});

const STATUS_OF: Partial<Record<EventEvent['type'], ImportedStatus>> = {
  RegistrationConfirmed: 'confirmed',
  RegistrationSubmitted: 'pending',
  RegistrationWaitlisted: 'waitlisted',
};

/** The status the registration `events` record; undefined when they record none. */
export const importedStatus = (events: readonly EventEvent[]): ImportedStatus | undefined =>
  events.map((event) => STATUS_OF[event.type]).find((status) => status !== undefined);

/**
 * What importing the rows would do, in file order, decided by the event's own decider on the
 * state each row before leaves: capacity, the waiting list and the approval rule apply exactly
 * as the commands will apply them. Refuses the whole import (NOT_FOUND, FORBIDDEN, CONFLICT)
 * when the event is not one the actor may register people for.
 */
export const planImport = ({ eventId, event, actor, now, rows, owners }: PlanInput): PlannedRow[] => {
  let state = registeringAttendees(event, actor);
  return rows.map((checked): PlannedRow => {
    if (checked.kind === 'left_out') return { report: checked.report };
    const { row, email, name, status, note } = checked.candidate;
    const owner = owners.get(email);
    if (!owner) throw new Error(`Row ${row} was planned without looking its address up`);
    const commandId = registrationCommandId(eventId, owner.addressKey);
    const registrationId = registrationIdOf(commandId, eventId);
    const report = { row, email, status: null, message: null, accountId: owner.accountId, registrationId: null };
    const live = liveRegistrationOf(state, owner.accountId);
    if (live) return { report: { ...report, outcome: 'already_registered', status: live.status as ImportedStatus, registrationId: live.registrationId } };
    if (registrationOf(state, registrationId))
      return { report: { ...report, outcome: 'previously_cancelled', registrationId, message: 'An earlier import registered this address, and the registration was cancelled or rejected since: it is not made again' } };
    const asked = { registrationId, ...(status ? { status } : {}), ...(note ? { note } : {}) };
    const events = eventDecider.decide(registrationCommand(actor, now, owner.accountId, asked), state);
    const next = events.reduce<EventState>(eventDecider.evolve, state);
    if (next.status !== 'none') state = next;
    const planned = importedStatus(events) ?? null;
    return {
      report: { ...report, outcome: planned === 'waitlisted' ? 'over_capacity' : 'will_register', status: planned, registrationId },
      commands: { email, name, accountId: owner.accountId, owner, commandId, ...asked },
    };
  });
};
