import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { MailQueue } from '../commands/accounts/outbox.js';
import { CommandHandler } from '../commands/command-handler.js';
import type { Actor } from '../domain/actor.js';
import { type EventCommand, eventDecider } from '../domain/event/business-logic.js';
import { eventStream } from '../domain/streams.js';
import type { EventStore } from '../eventstore/event-store.js';
import type { MasterKey } from '../security/master-key.js';
import { startImportJob } from './import-job.js';
import { countOutcomes } from './import-report.js';
import { standaloneImport } from './standalone-import.js';

export interface ImportBenchmarkOptions {
  /** A migrated database's pool, and the store on it sealing personal data (personalDataStore). */
  pool: pg.Pool;
  store: EventStore;
  masterKey: MasterKey;
  outboxDir: string;
  /** The `mail` job queue (mailJobs), as the API and the CLI send invitations; without it they are written to the outbox. */
  mail?: MailQueue;
  /** 10,000 by default. */
  rows?: number;
}

export interface ImportBenchmarkResult {
  rows: number;
  /** Reading and planning the file: a dry run's whole work. */
  planSeconds: number;
  /** Inviting and registering everyone, the job's report kept. */
  commitSeconds: number;
  rowsPerSecond: number;
  counts: Record<string, number>;
}

const DAY = 86_400_000;
const commandOf = (id: string, now: Date) => ({ commandId: id, actorId: 'bench-organizer', correlationId: id, causationId: id, now });

/** A published event with a seat for everyone, made through the event's commands; its id. */
const givenEvent = async (store: EventStore, organizer: Actor, capacity: number): Promise<string> => {
  const commands = new CommandHandler(store);
  const eventId = randomUUID();
  const now = new Date();
  const at = (days: number) => new Date(now.getTime() + days * DAY).toISOString();
  const sent = { actor: organizer, now: now.toISOString() };
  const details = { title: 'Import benchmark', description: '', venue: 'Hall', timeZone: 'Europe/Warsaw', registrationOpensAt: at(-1), registrationClosesAt: at(30), requiresApproval: false, faceVerification: 'off' as const };
  const steps: EventCommand[] = [
    { type: 'CreateEvent', data: { ...sent, eventId, details, capacity } },
    { type: 'ScheduleSessions', data: { ...sent, plan: { startsAt: at(31), endsAt: at(31.1) }, sessionIds: [randomUUID()] } },
    { type: 'PublishEvent', data: sent },
  ];
  for (const step of steps) await commands.handle(eventDecider, eventStream(eventId), step, commandOf(randomUUID(), now));
  return eventId;
};

/**
 * `npm run bench:reports`' import figure: `rows` people nobody has seen (each one an invitation,
 * the dearest row there is) imported into an event with a seat for each, through the same code
 * the CLI runs, on the database given.
 */
export const importBenchmark = async (options: ImportBenchmarkOptions): Promise<ImportBenchmarkResult> => {
  const rows = options.rows ?? 10_000;
  const organizer: Actor = { accountId: randomUUID(), roles: ['organizer'] };
  const eventId = await givenEvent(options.store, organizer, Math.max(rows, 1));
  const run = randomUUID().slice(0, 8);
  const file = new TextEncoder().encode(`email,name\n${Array.from({ length: rows }, (_, i) => `bench-${run}-${i}@example.org,Bench Person ${i}`).join('\n')}\n`);
  const { importer, jobs } = standaloneImport(options);
  const planning = performance.now();
  const prepared = await importer.prepare(eventId, file, organizer);
  const committing = performance.now();
  const report = await (await startImportJob(jobs, importer, prepared)).finished;
  const done = performance.now();
  const commitSeconds = (done - committing) / 1_000;
  const seconds = (done - planning) / 1_000;
  return { rows, planSeconds: (committing - planning) / 1_000, commitSeconds, rowsPerSecond: Math.round(rows / seconds), counts: countOutcomes(report) as Record<string, number> };
};
