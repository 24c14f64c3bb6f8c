import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { DEFAULT_MAIL_FROM } from '../../config.js';
import type { Trace } from '../../eventstore/trace.js';

export type MailKind = 'email-verification' | 'password-reset' | 'sign-up-attempt' | 'ticket' | 'session-reminder' | 'webhook-disabled';

export interface MailAttachment {
  filename: string;
  contentType: string;
  /** The attachment's bytes, base64: mail travels through job queues as JSON. */
  contentBase64: string;
}

/** A message to deliver, by SMTP or into the outbox. */
export interface OutgoingMail {
  kind: MailKind;
  to: string;
  subject: string;
  text: string;
  /** The one-time token the message carries, for whoever delivers or tests it ('' for none). */
  token: string;
  attachments?: MailAttachment[];
}

export interface OutboxMessage extends OutgoingMail {
  id: string;
  createdAt: string;
}

/** A one-time token's mail is due once this account's stream records this hash. */
export interface TokenMailSubject {
  accountId: string;
  tokenHash: string;
}

/** Where account mail is handed over for delivery: the `mail` job queue, in a running system. */
export interface MailQueue {
  /** Queued before the append that records the token's hash; delivered only once that append happened. */
  enqueueTokenMail(message: OutgoingMail, subject: TokenMailSubject, trace?: Trace): Promise<void>;
  /** Mail with no token to an account, which waits for nothing; queued once per `id`. */
  enqueueNotice(recipientId: string, message: OutgoingMail, id: string, trace?: Trace): Promise<void>;
}

/** The message as an RFC 822 file (.eml), which any mail client opens, attachments included. */
export const renderEml = async (message: OutgoingMail, from: string): Promise<Buffer> => {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const info = await composer.sendMail({ from, ...nodemailerFields(message) });
  return info.message as Buffer;
};

/** The fields nodemailer needs, shared by SMTP delivery and the .eml files. */
export const nodemailerFields = (message: OutgoingMail) => ({
  to: message.to,
  subject: message.subject,
  text: message.text,
  attachments: (message.attachments ?? []).map((a) => ({
    filename: a.filename,
    contentType: a.contentType,
    content: Buffer.from(a.contentBase64, 'base64'),
    // Lets an HTML part or a mail client show the QR inline by `cid:<filename>`.
    cid: a.filename,
  })),
});

/**
 * Mail delivered to a folder (`<DATA_DIR>/outbox`) while there is no SMTP server: one JSON
 * file per message, and beside it the same message as an .eml a developer can open. This is
 * how verification and reset tokens reach people (and tests) in development. A message is
 * written under a temporary name and renamed, so a reader never sees half of one; files are
 * readable by their owner only, since they hold live tokens.
 */
export class Outbox {
  constructor(
    readonly directory: string,
    /** MAIL_FROM, the sender the .eml files show. */
    private readonly from = DEFAULT_MAIL_FROM,
  ) {}

  async send(message: OutgoingMail, now = new Date()): Promise<OutboxMessage> {
    const full: OutboxMessage = { id: randomUUID(), createdAt: now.toISOString(), ...message };
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const name = `${full.createdAt.replace(/[:.]/g, '-')}-${full.id}.json`;
    const temporary = path.join(this.directory, `.${name}.tmp`);
    const eml = name.replace(/\.json$/, '.eml');
    await writeFile(path.join(this.directory, `.${eml}.tmp`), await renderEml(full, this.from), { mode: 0o600 });
    await rename(path.join(this.directory, `.${eml}.tmp`), path.join(this.directory, eml));
    // The JSON last: a reader that sees it finds the .eml too.
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
