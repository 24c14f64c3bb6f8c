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

/** The session and registration a reminder is about, so that it can be checked again when it is sent. */
export interface ReminderSubject {
  sessionId: string;
  registrationId: string;
}

/** A mail job's data: the message, and for a session reminder what it reminds of. */
export type MailJobData = OutgoingMail & { reminder?: ReminderSubject };

/** Queues mail as `mail` jobs; `db` puts the job in the caller's transaction. */
export class MailJobs implements MailQueue {
  constructor(private readonly boss: () => Promise<PgBoss>) {}

  async enqueue(message: MailJobData, options: PgBoss.SendOptions = {}): Promise<void> {
    await (await this.boss()).send(MAIL_QUEUE, message, options);
  }
}

/**
 * The `mail` queue's handler: delivers each message of the batch. A reminder queued hours
 * ahead is sent only if `reminderStillDue` says so: the registration may have been cancelled,
 * the event called off or the session started meanwhile.
 */
export const deliverMail =
  (mailer: Mailer, reminderStillDue: (reminder: ReminderSubject) => Promise<boolean> = async () => true) =>
  async (jobs: PgBoss.Job<MailJobData>[]): Promise<{ skipped: number }> => {
    let skipped = 0;
    for (const { data } of jobs) {
      const { reminder, ...message } = data;
      if (reminder && !(await reminderStillDue(reminder))) skipped++;
      else await mailer.deliver(message);
    }
    return { skipped };
  };
