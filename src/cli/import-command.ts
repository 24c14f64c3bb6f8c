import { open } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { SYSTEM } from '../domain/actor.js';
import { DomainError } from '../domain/domain-error.js';
import { MAX_FILE_BYTES, tooLarge } from '../imports/attendee-file.js';
import type { PreparedImport } from '../imports/attendee-import.js';
import { startImportJob } from '../imports/import-job.js';
import { type OutcomeCounts, type ReportRow, countOutcomes } from '../imports/import-report.js';
import { standaloneImport } from '../imports/standalone-import.js';
import { Jobs } from '../jobs/jobs.js';
import { mailJobs } from '../jobs/job-runner.js';
import { isUuid } from '../uuid.js';
import type { AdminConnection } from './admin-session.js';
import { UsageError, exits, needsSubcommand } from './command-line.js';
import { ProgressBar } from './progress.js';
import { table } from './table.js';

export interface ImportCommandDeps {
  /** The admin session: connected once the arguments are known to be good, and closed after (pg-boss with it). */
  session: { connect(): Promise<AdminConnection>; onClose(close: () => Promise<unknown>): void };
  out: (line: string) => void;
  err: (line: string) => void;
  /** Ctrl-C: the import stops before its next step; importing the file again finishes it. */
  signal?: AbortSignal;
  /** Where the progress bar is drawn. */
  progress?: NodeJS.WriteStream;
}

/** The file's bytes, refused past the limit before it is read whole (a file can grow while it is read). */
const readFile = async (file: string): Promise<Uint8Array> => {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(error.code === 'ENOENT' ? `No file ${file}` : `Cannot read ${file}: ${error.message}`);
  });
  try {
    if ((await handle.stat()).size > MAX_FILE_BYTES) throw tooLarge();
    const bytes = await handle.readFile();
    if (bytes.byteLength > MAX_FILE_BYTES) throw tooLarge();
    return bytes;
  } finally {
    await handle.close();
  }
};

const summary = (counts: OutcomeCounts): string =>
  Object.entries(counts)
    .map(([outcome, rows]) => `${rows} ${outcome}`)
    .join(', ');

const printReport = (rows: readonly ReportRow[], json: boolean, out: (line: string) => void): void => {
  if (json) {
    out(JSON.stringify(rows.map(({ row, email, outcome, status, message, accountId, registrationId }) => ({ row, email, outcome, status, message, accountId, registrationId }))));
    return;
  }
  for (const line of table([['ROW', 'EMAIL', 'OUTCOME', 'STATUS', 'MESSAGE'], ...rows.map((r) => [String(r.row), r.email ?? '-', r.outcome, r.status ?? '-', r.message ?? ''])])) out(line);
};

/**
 * `rollcall admin import attendees <eventId> <file.csv> [--commit]`: the import the API's
 * importAttendees runs, from this process, as the system (an admin). A dry run by default.
 * With --commit it is a job like the API's (importJob shows it), drawn as a progress bar.
 */
export const importCommand = (deps: ImportCommandDeps): Command => {
  const command = new Command('import').description('import into an event from a file');
  command
    .command('attendees')
    .description('register the people of a CSV file (columns email,name and optionally status,note) for an event; a dry run unless --commit')
    .argument('<eventId>', 'the event (a UUID)')
    .argument('<file>', 'the CSV file, UTF-8, comma- or semicolon-separated, at most 10 MB and 50,000 rows')
    .option('--commit', 'register them (invited by mail when they have no account); without it, only report what would happen')
    .option('--json', 'the report as JSON')
    .action(exits((eventId: string, file: string, options: { commit?: boolean; json?: boolean }) => importAttendees(eventId, file, options, deps)));
  return needsSubcommand(command);
};

const importAttendees = async (eventId: string, file: string, options: { commit?: boolean; json?: boolean }, deps: ImportCommandDeps): Promise<number> => {
  if (!isUuid(eventId) || eventId !== eventId.toLowerCase()) throw new UsageError('The event id must be a UUID in lower case');
  try {
    const bytes = await readFile(path.resolve(file));
    const connection = await deps.session.connect();
    const { config, store, pool, masterKey, url } = connection;
    const jobs = new Jobs(url);
    deps.session.onClose(() => jobs.stop());
    const { importer, jobs: importJobs } = standaloneImport({
      store,
      pool,
      masterKey,
      outboxDir: path.resolve(config.dataDir, 'outbox'),
      mailFrom: config.mailFrom,
      mail: mailJobs(jobs, connection.personalData),
    });
    const prepared = await importer.prepare(eventId, bytes, SYSTEM);
    if (!options.commit) return dryRun(prepared, options.json ?? false, deps);
    const bar = new ProgressBar('import', deps.progress);
    const started = await startImportJob(importJobs, importer, prepared, { onProgress: ({ done, total }) => bar.update({ projection: 'import', phase: 'building', applied: done, total, position: undefined }), signal: deps.signal });
    deps.err(`Import ${started.id} started: ${prepared.rows.length} rows`);
    const rows = await started.finished.finally(() => bar.finish());
    printReport(rows, options.json ?? false, deps.out);
    deps.err(`Import ${started.id} done: ${summary(countOutcomes(rows))}`);
    return 0;
  } catch (error) {
    // A bad file or an event the import cannot go into: said in one line, and nothing was written.
    if (!(error instanceof DomainError)) throw error;
    deps.err(`${error.message}${error.details.reason ? ` (${error.details.reason})` : ''}`);
    return 1;
  }
};

const dryRun = (prepared: PreparedImport, json: boolean, deps: ImportCommandDeps): number => {
  const rows = prepared.rows.map(({ report }) => report);
  printReport(rows, json, deps.out);
  deps.err(`Dry run, nothing written: ${summary(countOutcomes(rows))}. Again with --commit to import.`);
  return 0;
};
