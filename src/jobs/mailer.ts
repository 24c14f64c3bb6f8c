import type PgBoss from 'pg-boss';
import nodemailer from 'nodemailer';
import { MAIL_FROM, type MailQueue, type OutgoingMail, Outbox, nodemailerFields } from '../commands/accounts/outbox.js';
import { MAIL_QUEUE } from './queues.js';

/** Hands a message to whoever carries it on: an SMTP server, or the outbox folder. */
export interface Mailer {
  deliver(message: OutgoingMail): Promise<void>;
}

/** Delivery through an SMTP server (`SMTP_URL`, e.g. smtp://user:pass@host:587). */
export class SmtpMailer implements Mailer {
  private readonly transport;

  constructor(url: string, private readonly from = MAIL_FROM) {
    this.transport = nodemailer.createTransport(url);
  }

  async deliver(message: OutgoingMail): Promise<void> {
    await this.transport.sendMail({ from: this.from, ...nodemailerFields(message) });
  }

  close(): void {
    this.transport.close();
  }
}

/** Development delivery: a JSON and an .eml file per message in `<DATA_DIR>/outbox`. */
export class OutboxMailer implements Mailer {
  constructor(readonly outbox: Outbox) {}

  async deliver(message: OutgoingMail): Promise<void> {
    await this.outbox.send(message);
  }
}

export const openMailer = (options: { smtpUrl: string | undefined; outboxDir: string }): Mailer =>
  options.smtpUrl ? new SmtpMailer(options.smtpUrl) : new OutboxMailer(new Outbox(options.outboxDir));

/** A mail job's data is the message itself. */
export type MailJobData = OutgoingMail;

/** Queues mail as `mail` jobs; `db` puts the job in the caller's transaction. */
export class MailJobs implements MailQueue {
  constructor(private readonly boss: () => Promise<PgBoss>) {}

  async enqueue(message: OutgoingMail, options: PgBoss.SendOptions = {}): Promise<void> {
    await (await this.boss()).send(MAIL_QUEUE, message satisfies MailJobData, options);
  }
}

/** The `mail` queue's handler: delivers each message of the batch. */
export const deliverMail =
  (mailer: Mailer) =>
  async (jobs: PgBoss.Job<MailJobData>[]): Promise<void> => {
    for (const job of jobs) await mailer.deliver(job.data);
  };
