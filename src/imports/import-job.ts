import { randomUUID } from 'node:crypto';
import { DomainError } from '../domain/domain-error.js';
import { type AttendeeImport, type ImportProgress, type PreparedImport, stepsOf } from './attendee-import.js';
import type { ImportJobs } from './import-jobs.js';
import { type ReportRow, countOutcomes } from './import-report.js';

/** A running import touches its row at least this often, so that one whose process died shows as interrupted. */
const HEARTBEAT_MS = 5_000;
/** And writes its progress at most this often: ten thousand rows are twenty thousand steps. */
const PROGRESS_EVERY_MS = 250;

const failure = (error: unknown, signal: AbortSignal | undefined): string => {
  if (signal?.aborted) return 'Stopped before it finished: import the file again to finish it';
  return error instanceof DomainError ? error.message : 'Internal error: the server log has the cause';
};

export interface StartedImport {
  id: string;
  /** The report once every row is done; rejects (the job failed) when the import could not finish. */
  finished: Promise<ReportRow[]>;
}

/**
 * Commits a prepared import as a job others can follow (importJob): its row is written before
 * the first command, its progress while it runs, its report when done. The job's id is the
 * correlation id of every event it causes. A process that dies leaves the job `interrupted`,
 * and importing the file again finishes the work (see AttendeeImport).
 */
export const startImportJob = async (
  jobs: ImportJobs,
  importer: AttendeeImport,
  prepared: PreparedImport,
  { onProgress = () => undefined, signal }: { onProgress?: (progress: ImportProgress) => void; signal?: AbortSignal } = {},
): Promise<StartedImport> => {
  const id = randomUUID();
  await jobs.create({ id, eventId: prepared.eventId, requestedBy: prepared.actor.accountId, rowCount: prepared.rows.length, total: stepsOf(prepared.rows) });
  let done = 0;
  let written = 0;
  let writing: Promise<void> = Promise.resolve();
  // One write at a time, so the heartbeat and the progress never race each other to the row.
  const write = () => (writing = writing.then(() => jobs.progress(id, done)).catch(() => undefined));
  const heartbeat = setInterval(write, HEARTBEAT_MS);
  heartbeat.unref();
  const progress = (now: ImportProgress) => {
    done = now.done;
    onProgress(now);
    if (Date.now() - written < PROGRESS_EVERY_MS) return;
    written = Date.now();
    void write();
  };
  const finished = (async () => {
    try {
      const rows = await importer.commit(prepared, { correlationId: id, onProgress: progress, signal });
      clearInterval(heartbeat);
      await writing;
      await jobs.finish(id, rows, countOutcomes(rows));
      return rows;
    } catch (error) {
      clearInterval(heartbeat);
      await writing;
      await jobs.fail(id, failure(error, signal)).catch(() => undefined);
      throw error;
    }
  })();
  return { id, finished };
};
