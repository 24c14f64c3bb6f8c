import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { eventually } from './probe.js';

/** A message as the server writes it to `$DATA_DIR/outbox/*.json` while it has no SMTP server. */
export interface OutboxMail {
  kind: string;
  to: string;
  token: string;
  createdAt: string;
}

/**
 * Mail leaves through a job queue that the projector works one message at a time: the set-up's
 * verification mails arrive within seconds, but a busy machine, or a queue that waited for a
 * poll (every two seconds while idle), makes it longer.
 */
const MAIL_WAIT_MS = 60_000;

/**
 * The audit's one look behind the API: the outbox folder, where the verification and reset
 * tokens a person would read in their inbox land. Read as files, never through Rollcall's code.
 */
export class OutboxReader {
  constructor(readonly directory: string) {}

  async mails(): Promise<OutboxMail[]> {
    const names = await readdir(this.directory).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    // Dot-files are messages still being written.
    const messages = names.filter((name) => name.endsWith('.json') && !name.startsWith('.')).sort();
    return Promise.all(messages.map(async (name) => JSON.parse(await readFile(path.join(this.directory, name), 'utf8')) as OutboxMail));
  }

  /** The `count`-th mail of `kind` to `to`, oldest first, once it has arrived; undefined if it does not. */
  async waitFor(to: string, kind: string, count = 1): Promise<OutboxMail | undefined> {
    return eventually(async () => (await this.mails()).filter((mail) => mail.to === to && mail.kind === kind)[count - 1], MAIL_WAIT_MS);
  }
}
