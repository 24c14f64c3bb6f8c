import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export type MailKind = 'email-verification' | 'password-reset';

export interface OutboxMessage {
  id: string;
  kind: MailKind;
  to: string;
  subject: string;
  text: string;
  /** The one-time token the message carries, for whoever delivers or tests it. */
  token: string;
  createdAt: string;
}

/**
 * Mail waiting to be delivered: one JSON file per message in a folder (`<DATA_DIR>/outbox`).
 * Until SMTP delivery exists this is how verification and reset tokens reach people (and
 * tests). A message is written under a temporary name and renamed, so a reader never sees
 * half of one; files are readable by their owner only, since they hold live tokens.
 */
export class Outbox {
  constructor(readonly directory: string) {}

  async send(message: Omit<OutboxMessage, 'id' | 'createdAt'>, now = new Date()): Promise<OutboxMessage> {
    const full: OutboxMessage = { id: randomUUID(), createdAt: now.toISOString(), ...message };
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const name = `${full.createdAt.replace(/[:.]/g, '-')}-${full.id}.json`;
    const temporary = path.join(this.directory, `.${name}.tmp`);
    await writeFile(temporary, `${JSON.stringify(full, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, path.join(this.directory, name));
    return full;
  }

  /** Every message, oldest first. */
  async messages(): Promise<OutboxMessage[]> {
    const files = await readdir(this.directory).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    const names = files.filter((f) => f.endsWith('.json') && !f.startsWith('.')).sort();
    return Promise.all(names.map(async (f) => JSON.parse(await readFile(path.join(this.directory, f), 'utf8')) as OutboxMessage));
  }
}
