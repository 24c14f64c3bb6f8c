import type pg from 'pg';
import { AccountStreams } from '../commands/accounts/account-streams.js';
import { EmailClaims } from '../commands/accounts/email-claims.js';
import { Invitations } from '../commands/accounts/invitations.js';
import { type MailQueue, Outbox } from '../commands/accounts/outbox.js';
import { CommandHandler } from '../commands/command-handler.js';
import type { EventStore } from '../eventstore/event-store.js';
import type { MasterKey } from '../security/master-key.js';
import { AttendeeImport } from './attendee-import.js';
import { ImportJobs } from './import-jobs.js';

export interface StandaloneImportOptions {
  /** Seals personal data, as every process's store does (personalDataStore). */
  store: EventStore;
  pool: pg.Pool;
  masterKey: MasterKey;
  /** `<DATA_DIR>/outbox`, where mail goes when there is no queue. */
  outboxDir: string;
  mailFrom?: string;
  /** The `mail` job queue the projector works, where invitations are sent from; without it they are written to the outbox at once. */
  mail?: MailQueue;
}

/** An import outside the API (the admin CLI, the benchmark): a command side of its own on the same store, as another API process would have. */
export const standaloneImport = (options: StandaloneImportOptions): { importer: AttendeeImport; jobs: ImportJobs } => {
  const { store } = options;
  const commands = new CommandHandler(store);
  const streams = new AccountStreams({ commands, store, outbox: new Outbox(options.outboxDir, options.mailFrom), mail: options.mail, claims: new EmailClaims(store, options.masterKey) });
  return { importer: new AttendeeImport({ commands, invitations: new Invitations(streams) }), jobs: new ImportJobs(options.pool) };
};
