import type { FastifyInstance } from 'fastify';
import type { FileUpload } from 'graphql-upload-minimal';
import { hasRole } from '../../domain/actor.js';
import { DomainError } from '../../domain/domain-error.js';
import { PhotoRefused } from '../../domain/face/face.js';
import { MAX_FILE_BYTES, tooLarge } from '../../imports/attendee-file.js';
import { AttendeeImport } from '../../imports/attendee-import.js';
import { startImportJob } from '../../imports/import-job.js';
import { type ImportJobView, ImportJobs } from '../../imports/import-jobs.js';
import { IMPORT_OUTCOMES, type OutcomeCounts, countOutcomes } from '../../imports/import-report.js';
import { isRefusal } from '../error-map.js';
import type { ImportJobResolvers, MutationResolvers, QueryResolvers } from '../generated/graphql.js';
import type { GraphqlModule } from '../graphql-module.js';
import { readPhoto } from '../photo-uploads.js';
import { requireActor } from '../read-models.js';

const typeDefs = /* GraphQL */ `
  extend type Query {
    "An import committed with importAttendees or the admin CLI: its progress while it runs, then its report. For whoever started it, the event's organizer, and admins."
    importJob(id: ID!): ImportJob
  }

  extend type Mutation {
    """
    Register the people of a CSV file for your event, sent as a GraphQL multipart request: a
    header row naming the columns email and name (required), status (confirmed or pending;
    without it the event's approval rule applies) and note (checked, not stored); UTF-8 with
    or without a BOM, comma- or semicolon-separated, quoted fields, any line ends; at most
    10 MB and 50,000 rows. Capacity and the waiting list apply as for register. People
    without an account get one, and a mail with a code that sets its password (with
    resetPassword) and confirms the address. A dry run (the default) only reports what
    would happen; with dryRun: false the import runs as a job (follow it with importJob).
    Importing a file again registers only what is new. A file that cannot be imported is
    refused whole, nothing written: VALIDATION with extensions.reason FILE_TOO_LARGE,
    INVALID_UTF8, NOT_CSV, MISSING_HEADER, BAD_HEADER or TOO_MANY_ROWS.
    """
    importAttendees(eventId: ID!, file: Upload!, dryRun: Boolean = true): AttendeeImport!
  }

  "What importing a row does (a dry run: would do)."
  enum ImportOutcome {
    "Dry run: a registration, confirmed or pending as status says."
    will_register
    "Dry run: the event is full, so a place on the waiting list."
    over_capacity
    registered
    waitlisted
    "The address's person has a live registration for the event already."
    already_registered
    "An earlier import registered them and the registration was cancelled or rejected since: not made again."
    previously_cancelled
    "The address is in an earlier row of the file."
    duplicate_in_file
    invalid_email
    "The name, status or note is not acceptable, or the row has more fields than the header."
    invalid_row
    "The command side refused the registration: message says why."
    refused
  }

  type ImportRow {
    "The row's number as a spreadsheet shows it: the header is row 1."
    row: Int!
    "The row's address; only in importAttendees' own answer, never in a kept report (importJob)."
    email: String
    outcome: ImportOutcome!
    "The registration's status, done or planned."
    status: RegistrationStatus
    accountId: ID
    registrationId: ID
    "Why the row was left out."
    message: String
  }

  type ImportOutcomeCount {
    outcome: ImportOutcome!
    rows: Int!
  }

  type AttendeeImport {
    dryRun: Boolean!
    rowCount: Int!
    counts: [ImportOutcomeCount!]!
    "Every row, in the file's order, as planned when the file came in."
    rows: [ImportRow!]!
    "The job that registers them, to follow with importJob; null for a dry run."
    jobId: ID
  }

  "interrupted: its process stopped before it finished; importing the file again finishes it."
  enum ImportJobState {
    running
    done
    failed
    interrupted
  }

  "Steps: an invitation for each new account, a registration for each row registered."
  type ImportProgress {
    done: Int!
    total: Int!
  }

  type ImportJob {
    id: ID!
    eventId: ID!
    state: ImportJobState!
    rowCount: Int!
    progress: ImportProgress!
    "Once done."
    counts: [ImportOutcomeCount!]!
    error: String
    startedAt: DateTime!
    finishedAt: DateTime
    "Its report once done, in the file's order; of one outcome when asked."
    rows(first: Int = 100, after: String, outcome: ImportOutcome): ImportRowConnection!
  }

  type ImportRowConnection {
    nodes: [ImportRow!]!
    pageInfo: PageInfo!
  }
`;

/** One importer per app, on its command side and its account commands (whose mail goes through the `mail` queue). */
const importers = new WeakMap<FastifyInstance, { importer: AttendeeImport; jobs: ImportJobs }>();
const importsOf = (app: FastifyInstance) => {
  let imports = importers.get(app);
  if (!imports) {
    imports = { importer: new AttendeeImport({ commands: app.commands, invitations: app.accounts.invitations }), jobs: new ImportJobs(app.pool) };
    importers.set(app, imports);
  }
  return imports;
};

/**
 * The file's bytes, read as photos are (the same limit on the same multipart request, read to
 * its end however long), a file over it refused as an import's too large file.
 */
const uploadedFile = async (upload: Promise<FileUpload>): Promise<Uint8Array> => {
  try {
    return await readPhoto((await upload).createReadStream(), MAX_FILE_BYTES);
  } catch (error) {
    if ((error instanceof PhotoRefused && error.code === 'IMAGE_TOO_LARGE') || (error as { status?: number } | null)?.status === 413) throw tooLarge();
    throw error;
  }
};

const countList = (counts: OutcomeCounts) => IMPORT_OUTCOMES.flatMap((outcome) => (counts[outcome] ? [{ outcome, rows: counts[outcome] }] : []));

const jobView = (job: ImportJobView) => ({
  ...job,
  counts: countList(job.counts),
  startedAt: job.startedAt.toISOString(),
  finishedAt: job.finishedAt?.toISOString() ?? null,
});

const Query: QueryResolvers = {
  importJob: async (_root, args, ctx) => {
    const actor = requireActor(ctx.actor);
    const job = await importsOf(ctx.app).jobs.find(args.id);
    if (!job) return null;
    // Judged on the event's stream, as the import itself was: the read model may not have the event yet.
    const organizing = async () => hasRole(actor, 'admin') || (await ctx.app.attendance.events.currentEvent(job.eventId)).organizerId === actor.accountId;
    if (job.requestedBy !== actor.accountId && !(await organizing())) throw new DomainError('FORBIDDEN', "Only the event's organizer and whoever started the import can see it");
    return jobView(job);
  },
};

const Mutation: MutationResolvers = {
  importAttendees: async (_root, args, ctx) => {
    const actor = requireActor(ctx.actor);
    const file = await uploadedFile(args.file);
    const { importer, jobs } = importsOf(ctx.app);
    const prepared = await importer.prepare(args.eventId, file, actor);
    const planned = prepared.rows.map(({ report }) => report);
    const answer = { rowCount: planned.length, counts: countList(countOutcomes(planned)), rows: planned };
    // Anything but an explicit false is a dry run: a client unsure of the default writes nothing.
    if (args.dryRun !== false) return { ...answer, dryRun: true, jobId: null };
    const started = await startImportJob(jobs, importer, prepared);
    started.finished.catch((error: unknown) => {
      if (!isRefusal(error)) ctx.app.log.error({ err: error, importId: started.id }, 'attendee import failed');
    });
    return { ...answer, dryRun: false, jobId: started.id };
  },
};

const ImportJob: ImportJobResolvers = {
  rows: (job, args, ctx) => importsOf(ctx.app).jobs.rows(job.id!, args),
};

/** Attendee lists imported into an event: dry runs, the jobs that commit them, and their reports. */
export const imports: GraphqlModule = { typeDefs, resolvers: { Query, Mutation, ImportJob } };
