import type { Invitations } from '../commands/accounts/invitations.js';
import type { CommandHandler } from '../commands/command-handler.js';
import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/domain-error.js';
import { eventDecider, registeringAttendees } from '../domain/event/business-logic.js';
import { liveRegistrationOf } from '../domain/event/event.js';
import { eventStream } from '../domain/streams.js';
import { readAttendeeFile } from './attendee-file.js';
import { checkRows } from './attendee-rows.js';
import { inParallel } from './in-parallel.js';
import { type PlannedRow, importedStatus, planImport, registrationCommand } from './import-plan.js';
import type { ImportedStatus, ReportRow } from './import-report.js';

export interface AttendeeImportDependencies {
  /** The command side the API uses: registrations go through the event's decider like any other. */
  commands: CommandHandler;
  invitations: Invitations;
  clock?: () => Date;
}

/** A file read and planned, nothing written yet. */
export interface PreparedImport {
  eventId: string;
  eventTitle: string;
  actor: Actor;
  rows: PlannedRow[];
}

export interface CommitOptions {
  /** Stamped on every event the import causes: the import job's id. */
  correlationId: string;
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
}

export interface ImportProgress {
  done: number;
  total: number;
}

/** Address look-ups and invitations each touch a few streams of their own: these many at a time keep the pool busy, not flooded. */
const AT_ONCE = 16;
/**
 * Registrations queued on the event's stream at a time: the command handler stores them in
 * appends of up to 100, and a round this size keeps every append full.
 */
const REGISTRATIONS_PER_ROUND = 500;

/** The steps a commit takes: an invitation for each new account, a registration for each row it registers. */
export const stepsOf = (rows: readonly PlannedRow[]): number =>
  rows.reduce((steps, { commands }) => steps + (commands ? (commands.owner.kind === 'invitee' ? 2 : 1) : 0), 0);

/**
 * Importing an attendee list into an event: `prepare` reads and plans it (a dry run is just
 * that), `commit` sends the commands the plan holds. Everything it writes goes through the
 * real commands with ids derived from the event and the addresses, so committing the same
 * file again, or after a crash half-way, re-sends commands the command side has answered
 * already and registers only what is new.
 */
export class AttendeeImport {
  private readonly clock: () => Date;

  constructor(private readonly deps: AttendeeImportDependencies) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Refuses an event the actor may not register people for, then a bad file, before any address is looked up. */
  async prepare(eventId: string, file: Uint8Array, actor: Actor): Promise<PreparedImport> {
    const now = this.clock();
    const event = await this.deps.commands.load(eventDecider, eventStream(eventId));
    const { details } = registeringAttendees(event, actor);
    const rows = checkRows(readAttendeeFile(file).rows);
    const emails = rows.flatMap((checked) => (checked.kind === 'candidate' ? [checked.candidate.email] : []));
    const owners = await inParallel(emails, AT_ONCE, async (email) => [email, await this.deps.invitations.ownerOf(email, now)] as const);
    return { eventId, eventTitle: details.title, actor, rows: planImport({ eventId, event, actor, now, rows, owners: new Map(owners) }) };
  }

  /**
   * Invites everyone who needs an account first, then registers the rows in the file's order,
   * so that seats go to rows as the plan gave them (and as a clean run would after a crash).
   * An aborted `signal` stops it before the next step: what is done stays, and committing
   * the file again finishes the rest.
   */
  async commit(prepared: PreparedImport, { correlationId, onProgress = () => undefined, signal }: CommitOptions): Promise<ReportRow[]> {
    const planned = prepared.rows.filter((row): row is Required<PlannedRow> => row.commands !== undefined);
    const total = stepsOf(prepared.rows);
    let done = 0;
    const step = () => {
      onProgress({ done: ++done, total });
      signal?.throwIfAborted();
    };
    const attendees = new Map<number, string>();
    await inParallel(
      planned.filter(({ commands }) => commands.owner.kind === 'invitee'),
      AT_ONCE,
      async ({ report, commands: { email, name, owner } }) => {
        attendees.set(report.row, await this.deps.invitations.invite({ email, name, eventTitle: prepared.eventTitle }, prepared.actor, { correlationId }, owner));
        step();
      },
    );
    const outcomes = new Map<number, ReportRow>();
    for (let start = 0; start < planned.length; start += REGISTRATIONS_PER_ROUND) {
      const round = planned.slice(start, start + REGISTRATIONS_PER_ROUND);
      await Promise.all(
        round.map(async (row) => {
          outcomes.set(row.report.row, await this.register(prepared, row, attendees.get(row.report.row) ?? row.commands.accountId, correlationId));
          step();
        }),
      );
    }
    return prepared.rows.map(({ report }) => outcomes.get(report.row) ?? report);
  }

  private async register({ eventId, actor }: PreparedImport, { report, commands }: Required<PlannedRow>, attendeeId: string, correlationId: string): Promise<ReportRow> {
    const { commandId } = commands;
    const now = this.clock();
    const stream = eventStream(eventId);
    try {
      const result = await this.deps.commands.handle(
        eventDecider,
        stream,
        registrationCommand(actor, now, attendeeId, commands),
        { commandId, actorId: actor.accountId, correlationId, causationId: commandId, now },
      );
      const registered = importedStatus(result.events) ?? null;
      return { ...report, outcome: registered === 'waitlisted' ? 'waitlisted' : 'registered', status: registered, accountId: attendeeId };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // Registered since the plan was made (by themselves, or by another import): as good as done.
      const event = await this.deps.commands.load(eventDecider, stream);
      const live = event.status === 'none' ? undefined : liveRegistrationOf(event, attendeeId);
      if (live) return { ...report, outcome: 'already_registered', status: live.status as ImportedStatus, accountId: attendeeId, registrationId: live.registrationId };
      return { ...report, outcome: 'refused', status: null, accountId: attendeeId, registrationId: null, message: error.message };
    }
  }
}
